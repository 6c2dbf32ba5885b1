// `tdxmc audit` on a spec whose gaps are known: the unprotected field's skipped write
// survives, a skipped write the reachability target needs is killed by it, an action that
// never fires gives equivalent mutants, a mutant that makes the model throw is a model error,
// not a kill; and the result is the same with one worker thread or two. The audit runs its
// mutants on worker threads, which load the build in dist/ (npm test builds first).

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type * as CiCommand from '../checker/cli/ci-command.js';
import type * as Audit from '../checker/audit.js';
import type * as AuditCommand from '../checker/cli/audit-command.js';
import type * as Mutants from '../checker/mutants.js';
import type { Spec } from '../checker/spec.js';
import { built } from './support/built.js';

const { audit } = await built<typeof Audit>('checker/audit.js');
const { audited } = (await import(new URL('./fixtures/audit-spec.mjs', import.meta.url).href)) as { audited: Spec };

describe('tdxmc audit', () => {
  it('classifies each mutant by what notices it, the same on one worker or two', async () => {
    const all = ['drop-action', 'ignore-guard', 'stutter', 'skip-write', 'off-by-one', 'drop-init'] as const;
    const one = await audit(audited, {}, { operators: all, jobs: 1, version: 'test' });
    const two = await audit(audited, {}, { operators: all, jobs: 2, version: 'test' });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
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
  });
});
