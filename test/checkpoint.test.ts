// Checkpoint and resume: a BFS resumed from the checkpoint of any level ends as the run that
// never stopped does (counts, depth, firings, verdict, shortest trace), on one thread and on
// workers, whichever wrote the checkpoint; a checkpoint of another run, or a truncated or
// damaged one, is refused with one line; and through the command line, a run killed with
// SIGKILL resumes to the uninterrupted run's result. Drives the build in dist/ (worker threads).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Bfs from '../checker/bfs.js';
import type * as Checkpoint from '../checker/checkpoint.js';
import type * as Compiled from '../checker/compiled.js';
import type * as Coordinator from '../checker/parallel/coordinator.js';
import type * as Params from '../checker/params.js';
import type { SearchResult } from '../checker/result.js';
import type * as Specs from '../specs/index.js';
import { built } from './support/built.js';
import { summary } from './support/summary.js';

const { bfs } = await built<typeof Bfs>('checker/bfs.js');
const { writeCheckpoint, openCheckpoint, loadCheckpoint, requireSameRun, identityOf, stateShape, CHECKPOINT_FILE } =
  await built<typeof Checkpoint>('checker/checkpoint.js');
const { CompiledModel } = await built<typeof Compiled>('checker/compiled.js');
const { parallelBfs } = await built<typeof Coordinator>('checker/parallel/coordinator.js');
const { findSpec } = await built<typeof Specs>('specs/index.js');
const { resolveParams } = await built<typeof Params>('checker/params.js');

const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'tdxmc-checkpoint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Snapshot = Checkpoint.SearchSnapshot;
/** A snapshot's own copy: the search goes on changing the arrays it hands out. */
const copy = (s: Snapshot): Snapshot => ({
  ...s,
  fired: s.fired.slice(),
  reached: s.reached.slice(),
  store: { ...s.store, words: s.store.words.slice() },
  frontier: s.frontier.map((f) => ({ ...f, words: f.words.slice(0, f.count * f.stride) })),
});

function lockstep(cpus: number, variant: string) {
  const spec = findSpec('lockstep')!;
  const p = resolveParams(spec.params, [`cpus=${cpus}`, `variant=${variant}`]);
  if (!p.ok) throw new Error(p.error);
  const cm = new CompiledModel(spec.build(p.params));
  return { spec, params: p.params, cm, source: { module: spec.file!, name: spec.name, params: p.params, skipProperties: [] } };
}

/** Every level's snapshot of a run, and the run's result. */
function snapshots(cm: InstanceType<typeof CompiledModel>, exact = false): { all: Snapshot[]; result: SearchResult } {
  const all: Snapshot[] = [];
  const result = bfs(cm, { exact, checkpoint: { every: 0, save: (s) => all.push(copy(s)) } });
  return { all, result };
}

/** The first, a middle and the last of them. */
const some = <T>(xs: T[]): T[] => [...new Set([xs[0]!, xs[xs.length >> 1]!, xs[xs.length - 1]!])];

describe('resume', () => {
  // [variant, cpus, verdict of the run]
  const cases = [
    ['ack', 6, 'pass'],
    ['noack', 5, 'violation'],
    ['nolock', 4, 'violation'],
  ] as const;
  for (const [variant, cpus, verdict] of cases) {
    it(`lockstep ${variant} at ${cpus} CPUs: from any level, as the run that never stopped (one thread)`, () => {
      const { cm } = lockstep(cpus, variant);
      const { all, result } = snapshots(cm);
      expect(result.verdict).toBe(verdict);
      expect(all.length).toBeGreaterThan(0);
      expect(summary(bfs(cm))).toEqual(summary(result));
      for (const s of some(all)) expect(summary(bfs(cm, { resume: s }))).toEqual(summary(result));
    });

    it(`lockstep ${variant} at ${cpus} CPUs: through the file, on two workers, as one thread`, async () => {
      const { spec, params, cm, source } = lockstep(cpus, variant);
      const { all, result } = snapshots(cm);
      const dir = join(tmp, `${variant}-${cpus}`);
      for (const s of some(all)) {
        writeCheckpoint(dir, identityOf('test', spec.name, params, {}), stateShape(cm), s);
        const opened = openCheckpoint(dir);
        requireSameRun(opened, identityOf('test', spec.name, params, {}));
        expect(summary(bfs(cm, { resume: loadCheckpoint(opened, stateShape(cm), false) }))).toEqual(summary(result));
        const two = await parallelBfs(cm, source, { resume: loadCheckpoint(opened, stateShape(cm), true) }, 2, 1 << 7);
        expect(summary(two)).toEqual(summary(result));
      }
    });
  }

  it('a checkpoint the workers wrote resumes on one thread to the same result', async () => {
    const { cm, source } = lockstep(6, 'ack');
    const saved: Snapshot[] = [];
    const two = await parallelBfs(cm, source, { checkpoint: { every: 0, save: (s) => saved.push(copy(s)) } }, 2, 1 << 7);
    expect(saved.length).toBeGreaterThan(2);
    const one = bfs(cm);
    expect(summary(two)).toEqual(summary(one));
    for (const s of some(saved)) expect(summary(bfs(cm, { resume: s }))).toEqual(summary(one));
  });

  it('--exact: the stored states resume as well', () => {
    const { cm } = lockstep(5, 'ack');
    const { all, result } = snapshots(cm, true);
    expect(all[0]!.store.kind).toBe('exact');
    for (const s of some(all)) expect(summary(bfs(cm, { exact: true, resume: s }))).toEqual(summary(result));
  });
});

describe('a checkpoint that is not this run, or not whole', () => {
  const { spec, params, cm } = lockstep(5, 'ack');
  const { all } = snapshots(cm);
  const dir = join(tmp, 'refused');
  const file = join(dir, CHECKPOINT_FILE);
  const run = identityOf('1.0.0', spec.name, params, {});
  const fresh = (): void => writeCheckpoint(dir, run, stateShape(cm), all[all.length >> 1]!);

  it('is refused when it belongs to another version, spec, parameters or options', () => {
    fresh();
    const c = openCheckpoint(dir);
    expect(() => requireSameRun(c, run)).not.toThrow();
    expect(() => requireSameRun(c, { ...run, version: '1.0.1' })).toThrow(/written by tdx-mc 1\.0\.0, this is 1\.0\.1/);
    expect(() => requireSameRun(c, { ...run, spec: 'update' })).toThrow(/of spec lockstep, not update/);
    expect(() => requireSameRun(c, { ...run, params: { ...params, cpus: 6 } })).toThrow(/cpus=5.*not.*cpus=6/);
    expect(() => requireSameRun(c, { ...run, symmetry: true })).toThrow(/without --symmetry/);
    expect(() => requireSameRun(c, { ...run, skipProperties: ['Lockstep'] })).toThrow(/--skip-property/);
  });

  it('is refused when another model wrote it: another state layout, or an action or property changed', () => {
    fresh();
    const c = openCheckpoint(dir);
    expect(() => loadCheckpoint(c, stateShape(cm), false)).not.toThrow();
    const m = cm.model;
    const refused = (model: typeof m): void => {
      expect(() => loadCheckpoint(c, stateShape(new CompiledModel(model)), false)).toThrow(/written by another model/);
    };
    // The same words and layout, one action's effect or one invariant written differently (a reviewer's edit).
    const [first, ...rest] = m.actions;
    refused({ ...m, actions: [{ ...first!, effect: (s, n, a) => first!.effect(s, n, a) }, ...rest] });
    refused({ ...m, invariants: m.invariants.map((p) => ({ ...p, holds: (s) => p.holds(s) })) });
    // The same fields in another order: another layout in as many words.
    const schema = { ...m.schema, fields: Object.fromEntries(Object.entries(m.schema.fields).reverse()) };
    expect(new CompiledModel({ ...m, schema }).words).toBe(cm.words);
    refused({ ...m, schema });
    expect(() => loadCheckpoint(c, { ...stateShape(cm), words: cm.words + 1 }, false)).toThrow(/has \d+ words, this model's/);
  });

  it('is refused when truncated, damaged, missing or not a checkpoint', () => {
    fresh();
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, whole.length - 100));
    expect(() => openCheckpoint(dir)).toThrow(/truncated/);
    const damaged = Buffer.from(whole);
    damaged[damaged.length >> 1]! ^= 1;
    writeFileSync(file, damaged);
    expect(() => openCheckpoint(dir)).toThrow(/damaged/);
    writeFileSync(file, 'hello');
    expect(() => openCheckpoint(dir)).toThrow(/not a tdx-mc checkpoint/);
    rmSync(file);
    expect(() => openCheckpoint(dir)).toThrow(/no checkpoint there/);
  });
});

describe('tdxmc check --checkpoint, killed, then --resume', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  const counts = (stdout: string) => {
    const j = JSON.parse(stdout) as { verdict: string; distinctStates: number; transitions: number; maxDepth: number; violation?: { trace: unknown[] } };
    return { verdict: j.verdict, states: j.distinctStates, transitions: j.transitions, depth: j.maxDepth, trace: j.violation?.trace };
  };

  for (const workers of ['1', '2']) {
    it(`SIGKILL after a checkpoint, resume: the uninterrupted run's counts (--workers ${workers})`, async () => {
      const dir = join(tmp, `cli-${workers}`);
      const args = ['lockstep', '--set', 'cpus=9', '--no-liveness', '--json', '--quiet', '--workers', workers];
      const child = spawn(process.execPath, [BIN, 'check', ...args, '--checkpoint', dir, '--checkpoint-every', '0.05']);
      let exited = false;
      child.on('exit', () => (exited = true));
      while (!existsSync(join(dir, CHECKPOINT_FILE)) && !exited) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('close', r));
      const resumed = cli(['check', '--resume', dir, ...args.slice(3)]);
      expect(resumed.stderr).toBe('');
      const whole = cli(['check', ...args]);
      expect(resumed.status).toBe(0);
      expect(counts(resumed.stdout)).toEqual(counts(whole.stdout));
    }, 60_000);
  }

  it('a violating variant resumes to the same shortest trace', () => {
    const dir = join(tmp, 'cli-noack');
    const args = ['lockstep', '--set', 'cpus=6', '--set', 'variant=noack', '--json', '--quiet', '--workers', '1'];
    const first = cli(['check', ...args, '--checkpoint', dir, '--checkpoint-every', '0.001']);
    expect(first.status).toBe(1);
    const resumed = cli(['check', '--resume', dir, ...args.slice(5)]);
    expect(resumed.status).toBe(1);
    expect(counts(resumed.stdout)).toEqual(counts(first.stdout));
  });

  it('refuses another run, a damaged file and DFS with one line and exit 2', () => {
    const dir = join(tmp, 'cli-noack');
    const other = cli(['check', 'lockstep', '--set', 'cpus=5', '--resume', dir]);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/^tdxmc: --resume: .*cpus=6.*not cpus=5.*\n$/);
    const dfs = cli(['check', 'lockstep', '--search', 'dfs', '--checkpoint', join(tmp, 'dfs')]);
    expect(dfs.status).toBe(2);
    expect(dfs.stderr.split('\n')).toHaveLength(2);
    const file = join(dir, CHECKPOINT_FILE);
    writeFileSync(file, readFileSync(file).subarray(0, 64));
    const cut = cli(['check', '--resume', dir]);
    expect(cut.status).toBe(2);
    expect(cut.stderr).toMatch(/^tdxmc: --resume: .*truncated\n$/);
  });
});
