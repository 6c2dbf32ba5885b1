// A model that throws, through the command line: `check` (one and two workers, BFS and DFS,
// --json, --report, --debug), `ci` (that configuration an error, the others checked) and `diff`
// (which side errored, nothing concluded). The spec is test/fixtures/poisoned-spec.mjs: per-CPU
// counters (c0, c1, c2) that throw at (5, 3, 6), 14 steps from the initial state.

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type * as CheckCommand from '../checker/cli/check-command.js';
import type * as CiCommand from '../checker/cli/ci-command.js';
import type * as DiffCommand from '../checker/cli/diff-command.js';
import type * as SimulateCommand from '../checker/cli/simulate-command.js';
import type { CliCommand } from '../checker/cli/command.js';
import type { Spec } from '../checker/spec.js';
import { built } from './support/built.js';
import { parseXml } from './support/xml.js';

const { checkCommand } = await built<typeof CheckCommand>('checker/cli/check-command.js');
const { ciCommand } = await built<typeof CiCommand>('checker/cli/ci-command.js');
const { diffCommand } = await built<typeof DiffCommand>('checker/cli/diff-command.js');
const { simulateCommand } = await built<typeof SimulateCommand>('checker/cli/simulate-command.js');
const { poisoned } = (await import(new URL('./fixtures/gated-poisoned-spec.mjs', import.meta.url).href)) as { poisoned: Spec };

const sink = (onText: (s: string) => void) =>
  new Writable({
    write(chunk, _enc, done) {
      onText(String(chunk));
      done();
    },
  });

async function run(cmd: CliCommand, ...args: string[]) {
  let out = '';
  let err = '';
  const code = await cmd.invoke(args, {
    specs: [poisoned],
    version: '0.0.0-test',
    out: sink((s) => (out += s)),
    err: sink((s) => (err += s)) as unknown as NodeJS.WriteStream,
  });
  return { code, out, err };
}

/** The poisoned state's number in BFS insertion order, by a naive BFS over plain counters (CPU 0 first). */
function naiveStateNumber(): number {
  const key = (c: number[]) => c.join(',');
  const seen = new Map<string, number>([[key([0, 0, 0]), 0]]);
  let level = [[0, 0, 0]];
  while (level.length > 0) {
    const next: number[][] = [];
    for (const c of level) {
      for (let cpu = 0; cpu < 3; cpu++) {
        if (c[cpu]! >= 7) continue;
        const n = c.map((v, i) => (i === cpu ? v + 1 : v));
        if (seen.has(key(n))) continue;
        seen.set(key(n), seen.size);
        next.push(n);
      }
    }
    level = next;
  }
  return seen.get('5,3,6')!;
}

const LINE = (n: number | string) => `tdxmc: model error: the effect of tick (CPU 0) threw "poisoned" at depth 14 (state #${n}); --report writes the trace\n`;

describe('tdxmc check on a model that throws', () => {
  it('one line on stderr naming phase, action, actor, depth and state; exit 2; the same with 1 and 2 workers', async () => {
    const one = await run(checkCommand, 'poisoned', '--set', 'phase=effect', '--workers', '1', '--quiet');
    expect(one.code).toBe(2);
    expect(one.out).toBe('');
    expect(one.err).toBe(LINE(naiveStateNumber()));
    const two = await run(checkCommand, 'poisoned', '--set', 'phase=effect', '--workers', '2', '--quiet');
    expect(two).toEqual(one);
  });

  it('DFS names the same action, actor and depth', async () => {
    const r = await run(checkCommand, 'poisoned', '--set', 'phase=effect', '--search', 'dfs', '--quiet');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^tdxmc: model error: the effect of tick \(CPU 0\) threw "poisoned" at depth 14 \(state #\d+\); --report writes the trace\n$/);
  });

  it('an invariant that throws is named', async () => {
    const r = await run(checkCommand, 'poisoned', '--set', 'phase=invariant', '--workers', '2', '--quiet');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^tdxmc: model error: invariant Poison threw "poisoned" at depth 14 \(state #\d+\)/);
  });

  it('the stack of what the model threw only with --debug', async () => {
    const plain = await run(checkCommand, 'poisoned', '--set', 'phase=effect', '--quiet');
    expect(plain.err).not.toMatch(/\n\s+at /);
    const debug = await run(checkCommand, 'poisoned', '--set', 'phase=effect', '--quiet', '--debug');
    expect(debug.code).toBe(2);
    expect(debug.err.split('\n')[0]).toMatch(/^tdxmc: model error: /);
    expect(debug.err).toMatch(/Error: poisoned\n\s+at /);
  });

  it('--json: verdict error and the error object with the trace to the state; exit 2', async () => {
    const r = await run(checkCommand, 'poisoned', '--set', 'phase=effect', '--workers', '2', '--quiet', '--json');
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ spec: 'poisoned', verdict: 'error' });
    expect(j.violation).toBeUndefined();
    expect(j.error).toMatchObject({
      phase: 'effect',
      action: 'tick',
      actor: 0,
      property: null,
      init: null,
      message: 'poisoned',
      depth: 14,
      stateNumber: naiveStateNumber(),
    });
    expect(j.error.trace).toHaveLength(15);
    expect(j.error.trace[0]).toMatchObject({ action: null, actor: null });
    expect(j.error.trace.at(-1).state).toEqual({ c: [5, 3, 6] });
    expect(r.err).toBe(LINE(naiveStateNumber()));
  });

  it('--report writes the trace and the line says where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdxmc-error-'));
    const r = await run(checkCommand, 'poisoned', '--set', 'phase=effect', '--quiet', '--report', dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(LINE(naiveStateNumber()).replace('--report writes the trace', `trace written to ${dir}`));
    const text = readdirSync(dir).filter((f) => f.endsWith('.txt'));
    expect(text).toHaveLength(1);
    expect(readFileSync(join(dir, text[0]!), 'utf8')).toContain('threw "poisoned"');
  });
});

describe('tdxmc simulate on a model that throws', () => {
  it('one line naming phase, action, actor and depth, and the walk; exit 2', async () => {
    const r = await run(simulateCommand, 'poisoned', '--set', 'phase=effect', '--seed', '1', '--runs', '200', '--depth', '100');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^tdxmc: model error: the effect of tick \(CPU \d\) threw "poisoned" at depth \d+ in walk \d+ of seed 1\n$/);
  });
});

describe('tdxmc ci with a model that throws', () => {
  it('that configuration is an error, the others are checked; the tally counts it; exit 2; JUnit <error>, SARIF result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdxmc-error-'));
    const r = await run(ciCommand, '--quiet', '--junit', join(dir, 'junit.xml'), '--sarif', join(dir, 'tdxmc.sarif'), '--report', dir);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^ok +poisoned +clean +defaults +pass /m);
    expect(r.out).toMatch(/^ok +poisoned +clean by dfs /m);
    expect(r.out).toMatch(
      /^FAIL +poisoned +effect throws +phase=effect\n +expected pass, got error: the effect of tick \(CPU 0\) threw "poisoned" at depth 14 \(state #\d+\)$/m,
    );
    expect(r.out).toMatch(/^2 passed, 1 failed \(1 error\) in /m);
    const junit = parseXml(readFileSync(join(dir, 'junit.xml'), 'utf8'));
    expect(junit.attrs).toMatchObject({ tests: '3', failures: '0', errors: '1' });
    const sarif = JSON.parse(readFileSync(join(dir, 'tdxmc.sarif'), 'utf8'));
    const results = sarif.runs[0].results as { ruleId: string; level: string; message: { text: string } }[];
    expect(results.map((x) => x.ruleId)).toEqual(['poisoned/model-error']);
    expect(results[0]!.message.text).toMatch(/^poisoned\/effect throws \(phase=effect\): could not be checked: the effect of tick \(CPU 0\) threw "poisoned"/);
  });

  it('--json: the tally has errors, the configuration its actual error', async () => {
    const r = await run(ciCommand, '--quiet', '--json', '--only', 'poisoned/effect*');
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ passed: 0, failed: 1, errors: 1, incomplete: 0 });
    expect(j.configurations[0].actual).toMatchObject({ verdict: 'error', error: expect.stringMatching(/^the effect of tick \(CPU 0\) threw/) });
  });
});

describe('tdxmc diff with a model that throws', () => {
  it('the proposal errors: exit 2, which side and what, no conclusion about properties', async () => {
    const r = await run(diffCommand, 'poisoned', '--vs-set', 'phase=effect', '--quiet');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^The proposal could not be checked: the effect of tick \(CPU 0\) threw "poisoned" at depth 14 \(state #\d+\)\.$/m);
    expect(r.out).not.toMatch(/breaks no property/);
    expect(r.out).toContain('Nothing is concluded about the properties');
    expect(r.err).toMatch(/^tdxmc: model error \(proposal\): the effect of tick/);
  });

  it('the current design errors: named as such; --json lists it', async () => {
    const r = await run(diffCommand, 'poisoned', '--set', 'phase=effect', '--vs-set', 'phase=none', '--quiet', '--json');
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out);
    expect(j.errors).toEqual([{ side: 'current', error: expect.stringMatching(/^the effect of tick \(CPU 0\) threw "poisoned" at depth 14/) }]);
    expect(j.breaks).toEqual([]);
  });
});
