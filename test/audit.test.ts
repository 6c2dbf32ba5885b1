// `tdxmc audit` on a spec whose gaps are known: the unprotected field's skipped write
// survives, a skipped write the reachability target needs is killed by it, an action that
// never fires gives equivalent mutants, a mutant that makes the model throw is a model error,
// not a kill; the JSON is the same on every run and with one worker thread or two; drop-action
// and stutter mutants decided on the reference's graph get the fate their own check gives.
// The audit runs its mutants on worker threads, which load the build in dist/ (npm test
// builds first).

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type * as CiCommand from '../checker/cli/ci-command.js';
import type * as Audit from '../checker/audit.js';
import type * as AuditCommand from '../checker/cli/audit-command.js';
import type * as AuditReport from '../checker/report/audit.js';
import type * as Check from '../checker/check.js';
import type * as Domain from '../checker/domain.js';
import type * as GraphMutants from '../checker/graph-mutants.js';
import type * as Main from '../checker/cli/main.js';
import type * as Mutants from '../checker/mutants.js';
import type { Model } from '../checker/model.js';
import type { Spec } from '../checker/spec.js';
import { built } from './support/built.js';

const { audit } = await built<typeof Audit>('checker/audit.js');
const { audited, graphed } = (await import(new URL('./fixtures/audit-spec.mjs', import.meta.url).href)) as { audited: Spec; graphed: Spec };

/** `tdxmc audit ...` through the command line's entry: exit code, stdout, stderr. */
async function tdxmcAudit(...args: string[]) {
  const { main } = await built<typeof Main>('checker/cli/main.js');
  let out = '';
  let err = '';
  const stream = (add: (s: string) => void) => ({ write: (s: string) => (add(s), true) }) as unknown as NodeJS.WriteStream;
  const code = await main(['audit', ...args], { specs: [audited], version: 'test', out: stream((s) => (out += s)), err: stream((s) => (err += s)) });
  return { code, out, err };
}

describe('tdxmc audit', () => {
  it('classifies each mutant by what notices it, the same on one worker or two', async () => {
    const all = ['drop-action', 'ignore-guard', 'stutter', 'skip-write', 'off-by-one', 'drop-init'] as const;
    const one = await audit(audited, {}, { operators: all, jobs: 1, version: 'test' });
    const two = await audit(audited, {}, { operators: all, jobs: 2, version: 'test' });
    const again = await audit(audited, {}, { operators: all, jobs: 2, version: 'test' });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    expect(JSON.stringify(again)).toBe(JSON.stringify(two));
    const fate = Object.fromEntries(one.mutants.map((m) => [m.name, [m.fate, m.detail]]));
    expect(fate['inc without its write of shadow']).toEqual(['survived', undefined]);
    expect(fate['inc without its write of x']).toEqual(['killed', 'Three']);
    expect(fate['drop-action inc']).toEqual(['killed', 'Three']);
    expect(fate['drop-action never']?.[0]).toBe('equivalent');
    expect(fate['stutter never']?.[0]).toBe('equivalent');
    expect(fate['ignore-guard inc']?.[0]).toBe('model error');
    expect(fate['ignore-guard inc']?.[1]).toMatch(/effect of inc threw "x := 4 is outside its domain 0\.\.3"/);
    // Only killed over the mutants that can matter: the survivor and the model error count against it.
    const judged = one.mutants.length - one.counts.equivalent - one.counts.accepted;
    expect(one.score).toBe(one.counts.killed / judged);
    expect(one.counts.survived).toBeGreaterThan(0);
  });

  it("an off-by-one whose every write lies at its field's edge is equivalent, and checks like the reference", async () => {
    const { check } = await built<typeof Check>('checker/check.js');
    const { int, record } = await built<typeof Domain>('checker/domain.js');
    const { behaviour, mutants, mutate, mutantName } = await built<typeof Mutants>('checker/mutants.js');
    const schema = record({ x: int(0, 2), top: int(0, 1) });
    const model: Model<typeof schema> = {
      schema,
      init: [() => {}],
      actions: [
        { name: 'up', guard: (s) => s.x < 2, effect: (s, n) => void (n.x = s.x + 1) },
        { name: 'arm', guard: (s) => s.top === 0, effect: (_s, n) => void (n.top = 1) },
      ],
      invariants: [],
      isEndState: () => true,
    };
    const ref = check(model).stats;
    const chosen = mutants(model, behaviour(model, Infinity), ['off-by-one']);
    // arm only ever writes 1, the top of 0..1; every other write has a neighbour inside its domain.
    expect(Object.fromEntries(chosen.map((c) => [mutantName(c.mutant), c.equivalent !== undefined]))).toEqual({
      'up writes x +1': false,
      'up writes x -1': false,
      'arm writes top +1': true,
      'arm writes top -1': false,
    });
    for (const c of chosen) {
      const stats = check(mutate(model, c.mutant)).stats;
      const same = stats.distinctStates === ref.distinctStates && stats.transitions === ref.transitions;
      if (c.equivalent !== undefined) expect(same, mutantName(c.mutant)).toBe(true);
    }
  });

  it('a drop-action or stutter mutant decided on the reference graph gets the fate its own check gives', async () => {
    const { check } = await built<typeof Check>('checker/check.js');
    const { behaviour, mutants, mutate, mutantName } = await built<typeof Mutants>('checker/mutants.js');
    const { decidable, decide, referenceGraph } = await built<typeof GraphMutants>('checker/graph-mutants.js');
    const seen = new Set<string>();
    for (const spec of [graphed, audited]) {
      const model = spec.build({});
      const ref = check(model);
      const graph = referenceGraph(ref.compiled, { states: ref.stats.distinctStates, edges: ref.stats.transitions })!;
      for (const { mutant } of mutants(model, behaviour(model, Infinity), ['drop-action', 'stutter'])) {
        expect(decidable(ref.compiled, mutant)).toBe(true);
        const o = check(mutate(model, mutant));
        const found = o.violation?.property.name ?? o.unreachable?.map((t) => t.name).join(', ');
        const expected = o.verdict === 'pass' ? { fate: 'survived' } : { fate: 'killed', detail: found };
        expect(decide(graph, mutant, Infinity), `${spec.name}: ${mutantName(mutant)}`).toEqual(expected);
        seen.add(o.verdict);
      }
    }
    // Every way such a mutant can end: a deadlock, an unreachable target, a liveness violation, a pass.
    expect([...seen].sort()).toEqual(['deadlock', 'pass', 'unreachable', 'violation']);
  });

  it('progress goes to stderr, and nothing does with --quiet or --json; the survivor is one line', async () => {
    const shown = await tdxmcAudit('audited', '--operators', 'skip-write', '--jobs', '1');
    expect(shown.code).toBe(1);
    // Not a terminal: the count when the audit ends (and at most one line every 10 s before).
    expect(shown.err).toBe('progress: audit: 2/2 mutants checked\n');
    expect(shown.out).toMatch(/^survivors \(a bug of this shape breaks no property\):\n {2}inc without its write of shadow breaks no property$/m);
    expect((await tdxmcAudit('audited', '--operators', 'skip-write', '--quiet')).err).toBe('');
    const json = await tdxmcAudit('audited', '--operators', 'skip-write', '--json');
    expect(json.err).toBe('');
    expect(json.out.split('\n')).toHaveLength(2);
    expect(JSON.parse(json.out).mutants.map((m: { name: string }) => m.name)).toEqual(['inc without its write of shadow', 'inc without its write of x']);
  });

  it('--actions keeps the mutants of the actions it names; a pattern naming none is bad input', async () => {
    const r = await tdxmcAudit('audited', '--actions', 'NEV', '--json');
    const j = JSON.parse(r.out) as Audit.AuditResult;
    expect(j.actions).toEqual(['NEV']);
    expect(j.mutants.map((m) => m.name)).toEqual(['drop-action never', 'ignore-guard never', 'stutter never']);
    const bad = await tdxmcAudit('audited', '--actions', 'nothing');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe("tdxmc: --actions: 'nothing' is in the name of no action of audited\n");
  });

  it('--report writes the grid and the survivors as Markdown and HTML', async () => {
    const { auditCommand } = await built<typeof AuditCommand>('checker/cli/audit-command.js');
    const dir = mkdtempSync(join(tmpdir(), 'tdxmc-audit-'));
    const sink = new Writable({ write: (_c, _e, done) => done() });
    const code = await auditCommand.invoke(['audited', '--report', dir, '--quiet'], {
      specs: [audited],
      version: 'test',
      out: sink,
      err: sink as unknown as NodeJS.WriteStream,
    });
    expect(code).toBe(1);
    const md = readFileSync(join(dir, 'audit-audited.md'), 'utf8');
    expect(md).toMatch(/^\| inc \| 1\/1 \| /m);
    expect(md).toContain('- inc without its write of shadow breaks no property');
    const html = readFileSync(join(dir, 'audit-audited.html'), 'utf8');
    expect(html).toContain('<li>inc without its write of shadow breaks no property</li>');
  });

  it("the README's operator table is --help's", async () => {
    const { OPERATORS } = await built<typeof Mutants>('checker/mutants.js');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [op, what] of Object.entries(OPERATORS)) expect(readme).toContain(`| \`${op}\` | ${what} |`);
  });

  it('ci --audit fails on a survivor the spec has not accepted, and passes once it is accepted', async () => {
    const { ciCommand } = await built<typeof CiCommand>('checker/cli/ci-command.js');
    const run = async (line: NonNullable<Spec['audit']>) => {
      let out = '';
      const spec: Spec = { ...audited, expectations: [{ name: 'reference', params: {}, expect: { verdict: 'pass' } }], audit: line };
      const sink = new Writable({ write: (c, _e, done) => ((out += String(c)), done()) });
      const code = await ciCommand.invoke(['--audit', '--quiet'], { specs: [spec], version: 'test', out: sink, err: sink as unknown as NodeJS.WriteStream });
      return { code, out };
    };
    const strict = await run({ floor: 0.5 });
    expect(strict.code).toBe(1);
    expect(strict.out).toMatch(/audit audited: score [\d.]+ \(floor 0\.5\), \d+ survivors? not accepted: FAIL/);
    expect(strict.out).toContain('inc without its write of shadow breaks no property');
    const survivors = [...strict.out.matchAll(/^ {2}(.*) breaks no property$/gm)].map((m) => m[1]!);
    const accepted = await run({ accepted: survivors.map((mutant) => ({ mutant, reason: 'known' })) });
    expect(accepted.out).not.toContain('FAIL');
    expect(accepted.code).toBe(0);
  });

  it('an accepted survivor is listed with its reason and not counted', async () => {
    const spec = { ...audited, audit: { accepted: [{ mutant: 'inc without its write of shadow', reason: 'kept for reports' }] } };
    const r = await audit(spec, {}, { operators: ['skip-write'], jobs: 1, version: 'test' });
    expect(r.mutants.find((m) => m.name === 'inc without its write of shadow')).toMatchObject({ fate: 'accepted', detail: 'kept for reports' });
    expect(r.counts.survived).toBe(0);
    expect(r.score).toBe(1);
    // The grid tells an action whose mutants were all accepted from one whose could not differ.
    const both = { ...audited, audit: { accepted: ['shadow', 'x'].map((f) => ({ mutant: `inc without its write of ${f}`, reason: 'known' })) } };
    const { auditGrid } = await built<typeof AuditReport>('checker/report/audit.js');
    const grid = auditGrid(await audit(both, {}, { operators: ['skip-write', 'stutter'], jobs: 1, version: 'test' }));
    expect(grid).toContainEqual(['inc', 'accepted', '1/1']);
    expect(grid).toContainEqual(['never', '-', 'equiv']);
  });
});
