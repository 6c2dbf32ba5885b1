// The parallel search against the one-thread BFS: the same counts, depth, per-action firings,
// verdict and shortest-trace length, while the shared table grows several times with workers
// paused mid-level (it starts at 128 fingerprints here, not 2^22); and the sizing rule that
// keeps workers from filling the table while one of them waits for it to grow. The coordinator
// starts the worker module of the build in dist/ (npm test builds first), so this drives the
// build.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as Bfs from '../checker/bfs.js';
import type * as Check from '../checker/check.js';
import type * as Compiled from '../checker/compiled.js';
import type * as Coordinator from '../checker/parallel/coordinator.js';
import type * as SharedTableModule from '../checker/parallel/shared-table.js';
import type * as Params from '../checker/params.js';
import type * as Store from '../checker/store.js';
import type { AnyModel } from '../checker/model.js';
import type * as Specs from '../specs/index.js';
import { built } from './support/built.js';
import { summary } from './support/summary.js';

const { parallelBfs } = await built<typeof Coordinator>('checker/parallel/coordinator.js');
const { SharedTable } = await built<typeof SharedTableModule>('checker/parallel/shared-table.js');
const { MAX_LOAD } = await built<typeof Store>('checker/store.js');
const { bfs } = await built<typeof Bfs>('checker/bfs.js');
const { checkParallel } = await built<typeof Check>('checker/check.js');
const { CompiledModel } = await built<typeof Compiled>('checker/compiled.js');
const { findSpec } = await built<typeof Specs>('specs/index.js');
const { resolveParams } = await built<typeof Params>('checker/params.js');

describe('parallel BFS', () => {
  // [variant, cpus, whether the search passes, so that the table fills and grows]
  const cases = [
    ['ack', 7, true],
    ['noack', 5, false],
    ['nolock', 4, false],
  ] as const;
  for (const [variant, cpus, passes] of cases) {
    for (const symmetry of [false, true]) {
      it(`lockstep ${variant} at ${cpus} CPUs${symmetry ? ', symmetry' : ''}: as one thread, across table growth`, async () => {
        const spec = findSpec('lockstep')!;
        const p = resolveParams(spec.params, [`cpus=${cpus}`, `variant=${variant}`]);
        if (!p.ok) throw new Error(p.error);
        const cm = new CompiledModel(spec.build(p.params));
        const one = bfs(cm, { symmetry });
        const source = { module: spec.file!, name: spec.name, params: p.params, skipProperties: [] };
        const two = await parallelBfs(cm, source, { symmetry }, 2, 1 << 7);
        expect(summary(two)).toEqual(summary(one));
        expect(two.verdict === 'pass').toBe(passes);
        if (passes) expect(two.stats.distinctStates).toBeGreaterThan(4 << 7);
      });
    }
  }
});

describe('liveness after a parallel search', () => {
  // The graph is numbered through the workers' shared table: the lasso must not depend on it.
  for (const variant of ['ack', 'retry'] as const) {
    it(`lockstep ${variant}: the verdict and lasso of one thread`, async () => {
      const spec = findSpec('lockstep')!;
      const p = resolveParams(spec.params, ['cpus=5', `variant=${variant}`]);
      if (!p.ok) throw new Error(p.error);
      const one = await checkParallel(spec, p.params, { workers: 1 });
      const two = await checkParallel(spec, p.params, { workers: 2, probe: false });
      expect(two.stats.workers).toBe(2);
      expect(two.liveness?.checked).toEqual(['Terminates']);
      expect(two.verdict).toBe(variant === 'ack' ? 'pass' : 'violation');
      expect([two.verdict, two.violation?.steps, two.violation?.loopStart]).toEqual([one.verdict, one.violation?.steps, one.violation?.loopStart]);
    });
  }
});

describe('the default: one thread first, then workers from where it stopped', () => {
  // [spec, parameters, whether to bound a violated one short of its finding]: searches far past
  // the probe's 1,000 states, so the workers are ready long before one thread would be done,
  // two of them violated deep in the search.
  const cases = [
    ['lockstep', ['cpus=8'], false],
    ['lockstep', ['cpus=10', 'variant=nolock'], true],
    ['update', ['era=rfc', 'td_build=false'], false],
    ['update', ['variant=D16'], false],
  ] as const;
  const figures = (r: Awaited<ReturnType<typeof checkParallel>>) => ({
    verdict: r.verdict,
    states: r.stats.distinctStates,
    transitions: r.stats.transitions,
    depth: r.stats.maxDepth,
    fired: [...r.stats.fired],
    property: r.violation?.property.name,
    trace: r.violation?.trace.length,
  });
  for (const [name, assignments, bound] of cases) {
    it(`${name} ${assignments.join(' ')}: the counts, verdict and trace length of one thread`, async () => {
      const spec = findSpec(name)!;
      const p = resolveParams(spec.params, assignments);
      if (!p.ok) throw new Error(p.error);
      const one = await checkParallel(spec, p.params, { workers: 1, liveness: false });
      const handed = await checkParallel(spec, p.params, { workers: 2, probe: { states: 1000, factor: 0, idleCore: false }, liveness: false });
      expect(figures(handed)).toEqual(figures(one));
      expect(one.stats.distinctStates).toBeGreaterThan(20_000);
      // A pass is the workers' own figures; a finding is found again by one thread, which names its trace.
      if (one.verdict === 'pass') expect(handed.stats.workers).toBe(2);
      else if (bound) {
        // Bounded short of the finding, the handed-over search ends on the workers.
        const maxDepth = one.violation!.trace.length - 3;
        const cutOne = await checkParallel(spec, p.params, { workers: 1, liveness: false, maxDepth });
        const cutTwo = await checkParallel(spec, p.params, { workers: 2, probe: { states: 1000, factor: 0, idleCore: false }, liveness: false, maxDepth });
        expect([cutTwo.stats.workers, cutTwo.stoppedBy]).toEqual([2, 'max-depth']);
        expect(figures(cutTwo)).toEqual(figures(cutOne));
      }
    });
  }
});

describe('parallel BFS on a model that throws', () => {
  for (const phase of ['guard', 'effect', 'invariant', 'transition property', 'end state']) {
    it(`${phase}: the same fault, state and trace as one thread`, async () => {
      const { poisoned } = (await import(new URL('./fixtures/poisoned-spec.mjs', import.meta.url).href)) as {
        poisoned: { name: string; file: string; build: (p: { phase: string }) => AnyModel };
      };
      const params = { phase, target: 'none' };
      const cm = new CompiledModel(poisoned.build(params));
      const one = bfs(cm);
      expect(one.verdict).toBe('error');
      expect(one.found?.fault?.phase).toBe(phase);
      const two = await parallelBfs(cm, { module: poisoned.file, name: poisoned.name, params, skipProperties: [] }, {}, 2, 1 << 7);
      expect(summary(two)).toEqual(summary(one));
    });
  }
});

describe('parallel BFS with reachability targets', () => {
  for (const [target, verdict] of [
    ['reachable', 'pass'],
    ['unreachable', 'unreachable'],
  ] as const) {
    it(`a ${target} target: ${verdict}, as one thread`, async () => {
      const { poisoned } = (await import(new URL('./fixtures/poisoned-spec.mjs', import.meta.url).href)) as {
        poisoned: { name: string; file: string; build: (p: { phase: string; target: string }) => AnyModel };
      };
      const params = { phase: 'none', target };
      const cm = new CompiledModel(poisoned.build(params));
      const one = bfs(cm);
      expect(one.verdict).toBe(verdict);
      const two = await parallelBfs(cm, { module: poisoned.file, name: poisoned.name, params, skipProperties: [] }, {}, 2, 1 << 7);
      expect(summary(two)).toEqual(summary(one));
    });
  }
});

describe('shared table sizing', () => {
  it('chunks claimed past growAt by every worker still fit, with a slot to spare', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 5000 }), (bits, workers, branching) => {
        const sizing = SharedTable.create(1 << bits, 1, workers).sizing(workers, branching);
        if (sizing === null) return (1 << bits) - 1 - Math.floor((1 << bits) * MAX_LOAD) < workers * branching;
        return sizing.chunk >= 1 && sizing.growAt + workers * sizing.chunk * branching <= (1 << bits) - 1;
      }),
    );
  });
});
