// Partial-order reduction (--por): on random models with declared footprints, the verdict, the
// property broken and the targets left unreached are those of the full search, in BFS and DFS,
// and the reduced search stores no more states; the declared footprints are checked against
// what guards, effects and properties touch; every spec's CI expectation keeps its verdict
// under reduction with only its own property checked (so the visible fields are few).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, type CheckOutcome } from '../checker/check.js';
import { configurations } from '../checker/ci/configuration.js';
import { CompiledModel } from '../checker/compiled.js';
import { array, bool, int, record, type Read, type Write } from '../checker/domain.js';
import { auditFootprints } from '../checker/footprint.js';
import type { Action, Invariant, Model, ReachabilityTarget, TransitionProperty } from '../checker/model.js';
import { withoutProperties } from '../checker/properties.js';
import { PartialOrder } from '../checker/reduction.js';
import { lockstepModel, VARIANTS } from '../specs/lockstep/spec.js';
import { specs } from '../specs/index.js';

const schema = (n: number) => record({ g: int(0, 2), h: int(0, 1), loc: array(n, int(0, 2), { index: 'cpu' }), flag: array(n, bool(), { index: 'cpu' }) });
type S = ReturnType<typeof schema>;

/** One action of a random model, with the footprint its guard and effect have. */
type Spec =
  | { kind: 'local'; from: number; to: number }
  | { kind: 'sync'; g: number; from: number; g2: number; to: number }
  | { kind: 'global'; h: number; g: number; h2: number }
  | { kind: 'peek'; other: number };

function action(a: Spec, n: number, k: number): Action<S> {
  const cpu = { name: `${a.kind}${k}`, actors: n } as const;
  switch (a.kind) {
    case 'local':
      return {
        ...cpu,
        reads: ['loc[@]'],
        writes: ['loc[@]'],
        guard: (s, i) => s.loc.get(i) === a.from,
        effect: (_s, x, i) => x.loc.set(i, a.to),
      };
    case 'sync':
      return {
        ...cpu,
        reads: ['g', 'loc[@]'],
        writes: ['g', 'loc[@]'],
        guard: (s, i) => s.g === a.g && s.loc.get(i) === a.from,
        effect: (_s, x: Write<S>, i) => {
          x.g = a.g2;
          x.loc.set(i, a.to);
        },
      };
    case 'global':
      return {
        name: `global${k}`,
        reads: ['g', 'h'],
        writes: ['h'],
        guard: (s) => s.h === a.h && s.g === a.g,
        effect: (_s, x) => void (x.h = a.h2),
      };
    case 'peek':
      return {
        ...cpu,
        reads: ['loc[*]', 'flag[@]'],
        writes: ['flag[@]'],
        guard: (s, i) => s.loc.get((i + 1) % n) === a.other,
        effect: (s, x, i) => x.flag.set(i, !s.flag.get(i)),
      };
  }
}

const arbAction: fc.Arbitrary<Spec> = fc.oneof(
  fc.record({ kind: fc.constant('local' as const), from: fc.nat(2), to: fc.nat(2) }),
  fc.record({ kind: fc.constant('sync' as const), g: fc.nat(2), from: fc.nat(2), g2: fc.nat(2), to: fc.nat(2) }),
  fc.record({ kind: fc.constant('global' as const), h: fc.nat(1), g: fc.nat(2), h2: fc.nat(1) }),
  fc.record({ kind: fc.constant('peek' as const), other: fc.nat(2) }),
);

const arbModel = fc
  .record({
    n: fc.integer({ min: 2, max: 3 }),
    actions: fc.array(arbAction, { minLength: 1, maxLength: 5 }),
    // Invariants: not (g = a and loc[k] = b); not (h = a and flag[k]).
    bad: fc.array(fc.record({ g: fc.nat(2), k: fc.nat(1), v: fc.nat(2) }), { maxLength: 2 }),
    badFlag: fc.option(fc.record({ h: fc.nat(1), k: fc.nat(1) })),
    target: fc.option(fc.record({ k: fc.nat(1), v: fc.nat(2) })),
    step: fc.boolean(),
    end: fc.option(fc.nat(2)),
  })
  .map((r): Model<S> => {
    const invariants: Invariant<S>[] = r.bad.map((b, i) => ({
      name: `Inv${i}`,
      description: 'not (g = a and loc[k] = b)',
      reads: ['g', `loc[${b.k}]`],
      holds: (s: Read<S>) => !(s.g === b.g && s.loc.get(b.k) === b.v),
    }));
    if (r.badFlag !== null) {
      const b = r.badFlag;
      invariants.push({ name: 'Flag', description: 'not (h = a and flag[k])', reads: ['h', `flag[${b.k}]`], holds: (s) => !(s.h === b.h && s.flag.get(b.k)) });
    }
    const targets: ReachabilityTarget<S>[] =
      r.target === null
        ? []
        : [{ name: 'Reach', description: 'loc[k] = v', reads: [`loc[${r.target.k}]`], reached: (s) => s.loc.get(r.target!.k) === r.target!.v }];
    const transitionProperties: TransitionProperty<S>[] = r.step
      ? [{ name: 'Step', description: 'g never jumps by 2', reads: ['g'], holds: (s, _a, x) => Math.abs(s.g - x.g) < 2 }]
      : [];
    return {
      schema: schema(r.n),
      init: [() => {}],
      actions: r.actions.map((a, k) => action(a, r.n, k)),
      invariants,
      transitionProperties,
      targets,
      isEndState: (s) => r.end === null || s.g === r.end,
    };
  });

/** What must not change under reduction: the verdict, which property, which targets stay unreached. */
const verdictOf = (o: CheckOutcome) => ({
  verdict: o.verdict,
  property: o.violation?.property.name ?? null,
  unreachable: (o.unreachable ?? []).map((p) => p.name),
});

/** The model once per property with only that property and no deadlock judged, and once with no property at all. */
function alone(m: Model<S>): Model<S>[] {
  const none = { ...m, invariants: [], transitionProperties: [], targets: [] };
  const legal = { ...none, isEndState: () => true };
  return [
    none,
    ...m.invariants.map((p) => ({ ...legal, invariants: [p] })),
    ...(m.transitionProperties ?? []).map((p) => ({ ...legal, transitionProperties: [p] })),
    ...(m.targets ?? []).map((p) => ({ ...legal, targets: [p] })),
  ];
}

/** All reachable states of a model (exact, small). */
function reachable(cm: CompiledModel): Uint32Array[] {
  const states: Uint32Array[] = [];
  check(cm, { exact: true, liveness: false, onState: (w) => void states.push(w.slice()) });
  return states;
}

describe('partial-order reduction', () => {
  it('keeps the verdict of each property, and of deadlock, on random models, BFS and DFS, with no more states', () => {
    fc.assert(
      fc.property(arbModel, (m) => {
        const cm = new CompiledModel(m);
        expect(auditFootprints(cm as never, reachable(cm))).toEqual([]);
        for (const search of ['bfs', 'dfs'] as const) {
          // Each property alone (deadlocks not judged), and deadlocks alone: what reduction preserves.
          for (const one of alone(m)) {
            const full = check(one, { search, exact: true });
            const por = check(one, { search, exact: true, por: true });
            expect(verdictOf(por)).toEqual(verdictOf(full));
            // A search that stops at a finding stores what its order met first: compared only when both explore everything.
            if (full.verdict === 'pass' || full.verdict === 'unreachable') expect(por.stats.distinctStates).toBeLessThanOrEqual(full.stats.distinctStates);
            // A counterexample under reduction is a real path of the model (the trace is replayed).
            if (por.violation) expect(por.violation.steps.length).toBe(por.violation.trace.length - 1);
          }
          // All together, which finding comes first may differ, but not whether there is one.
          const full = check(m, { search, exact: true });
          const por = check(m, { search, exact: true, por: true });
          const found = (o: CheckOutcome): boolean => o.verdict === 'violation' || o.verdict === 'deadlock';
          expect(found(por)).toBe(found(full));
          if (!found(full)) expect(verdictOf(por)).toEqual(verdictOf(full));
        }
      }),
      { numRuns: 120 },
    );
  });

  it('reduces independent CPUs: three local counters and no property store fewer states, deadlocks kept', () => {
    const m = (end: boolean): Model<S> => ({
      schema: schema(3),
      init: [() => {}],
      actions: [action({ kind: 'local', from: 0, to: 1 }, 3, 0), action({ kind: 'local', from: 1, to: 2 }, 3, 1)],
      invariants: [],
      isEndState: () => end,
    });
    const full = check(m(true), { exact: true });
    const por = check(m(true), { exact: true, por: true });
    expect(full.stats.distinctStates).toBe(27);
    expect(por.verdict).toBe('pass');
    expect(por.stats.distinctStates).toBeLessThan(full.stats.distinctStates);
    expect(por.stats.partiallyExpanded).toBeGreaterThan(0);
    // The one end state (every counter at 2) is a deadlock when not a legal end: found under reduction too.
    const dead = check(m(false), { exact: true, por: true });
    expect(dead.verdict).toBe('deadlock');
    expect(dead.violation?.trace.length).toBe(7);
  });

  it('keeps a visible step: an invariant on one CPU is broken under reduction as without', () => {
    const m: Model<S> = {
      schema: schema(3),
      init: [() => {}],
      actions: [action({ kind: 'local', from: 0, to: 1 }, 3, 0), action({ kind: 'local', from: 1, to: 2 }, 3, 1)],
      invariants: [{ name: 'NotTwo', description: 'loc[2] is never 2', reads: ['loc[2]'], holds: (s) => s.loc.get(2) !== 2 }],
      isEndState: () => true,
    };
    expect(verdictOf(check(m, { por: true }))).toEqual({ verdict: 'violation', property: 'NotTwo', unreachable: [] });
  });

  it('reduces nothing and costs nothing when every step writes what a property reads or nothing is declared', () => {
    for (const variant of VARIANTS) expect(new PartialOrder(new CompiledModel(lockstepModel(3, variant)) as never).useful).toBe(false);
    const undeclared: Model<S> = {
      schema: schema(2),
      init: [() => {}],
      actions: [{ ...action({ kind: 'local', from: 0, to: 1 }, 2, 0), reads: undefined, writes: undefined }],
      invariants: [],
      isEndState: () => true,
    };
    expect(new PartialOrder(new CompiledModel(undeclared) as never).useful).toBe(false);
  });

  it('audits declarations: an undeclared read or write is named, a path that names no field is refused', () => {
    const wrong: Model<S> = {
      schema: schema(2),
      init: [() => {}],
      actions: [{ ...action({ kind: 'sync', g: 0, from: 0, g2: 1, to: 1 }, 2, 0), reads: ['loc[@]'], writes: ['loc[@]'] }],
      invariants: [{ name: 'G', description: 'g < 2', reads: [], holds: (s) => s.g < 2 }],
      isEndState: () => true,
    };
    const cm = new CompiledModel(wrong);
    expect(auditFootprints(cm as never, reachable(cm))).toEqual([
      'effect of sync0(actor 0) writes g, undeclared',
      'effect of sync0(actor 1) writes g, undeclared',
      'guard of sync0(actor 0) reads g, undeclared',
      'guard of sync0(actor 1) reads g, undeclared',
      'invariant G reads g, undeclared',
    ]);
    const typo: Model<S> = { ...wrong, actions: [{ ...wrong.actions[0]!, reads: ['loc[@].x'] }] };
    expect(() => new PartialOrder(new CompiledModel(typo) as never)).toThrow(/sync0\(actor 0\): footprint 'loc\[@\]\.x'/);
  });

  it("lockstep's declared footprints cover what its guards, effects and invariants touch", () => {
    for (const variant of VARIANTS) {
      const cm = new CompiledModel(lockstepModel(3, variant));
      expect(auditFootprints(cm as never, reachable(cm)), variant).toEqual([]);
    }
  });

  it("every spec's CI expectation, at 2 CPUs with only its own property checked, has the same verdict with reduction as without", () => {
    let reduced = 0;
    for (const c of configurations(specs)) {
      const e = c.expectation;
      if (e.options?.symmetry || e.options?.maxStates !== undefined) continue;
      const params = typeof c.params.cpus === 'number' ? { ...c.params, cpus: Math.min(c.params.cpus, 2) } : c.params;
      const m = c.spec.build(params);
      const keep = e.expect.verdict === 'violation' ? [e.expect.property] : e.expect.verdict === 'unreachable' ? e.expect.property.split(', ') : [];
      if (keep.some((p) => (m.liveness ?? []).some((l) => l.name === p))) continue;
      const others = [...m.invariants, ...(m.transitionProperties ?? []), ...(m.targets ?? []), ...(m.liveness ?? [])]
        .map((p) => p.name)
        .filter((p) => !keep.includes(p));
      const only = withoutProperties(m, ...others);
      // Only the expected finding: deadlocks are judged only where one is expected (or none is).
      const one = new CompiledModel(keep.length > 0 ? { ...only, isEndState: () => true } : only);
      // Where reduction cannot act the search is the full one.
      if (!new PartialOrder(one as never).useful) continue;
      reduced++;
      const opts = { search: e.options?.search ?? 'bfs', ...(e.options?.maxDepth === undefined ? {} : { maxDepth: e.options.maxDepth }) } as const;
      const id = `${c.spec.name}/${e.name}`;
      expect({ id, ...verdictOf(check(one, { ...opts, por: true })) }).toEqual({ id, ...verdictOf(check(one, opts)) });
    }
    expect(reduced).toBeGreaterThan(0);
  }, 300_000);

  it('tdxmc check --por: one thread, liveness skipped with its reason, partialOrder in --json; refused beside --symmetry, workers, checkpoints', () => {
    const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));
    const tdxmc = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
    const r = tdxmc('check', 'lockstep', '--set', 'cpus=3', '--por', '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as {
      verdict: string;
      partialOrder?: { partiallyExpanded: number };
      liveness?: { skipped?: string };
      memory: { workers: number };
    };
    expect(j.verdict).toBe('pass');
    expect(j.partialOrder).toEqual({ partiallyExpanded: 0 });
    expect(j.liveness?.skipped).toMatch(/partial-order reduction/);
    expect(j.memory.workers).toBe(1);
    expect(JSON.parse(tdxmc('check', 'lockstep', '--set', 'cpus=3', '--json').stdout)).not.toHaveProperty('partialOrder');
    for (const extra of [['--symmetry'], ['--workers', '2'], ['--checkpoint', '.']]) {
      const bad = tdxmc('check', 'lockstep', '--por', ...extra);
      expect(bad.status, extra.join(' ')).toBe(2);
      expect(bad.stderr).toMatch(/--por/);
    }
  });
});
