// Laws of the search engine, checked on small random models against a naive enumerator that
// shares no code with the engine (test/support/random-model.ts).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, type CheckOptions, type CheckOutcome } from '../checker/check.js';
import { CompiledModel } from '../checker/compiled.js';
import { int, record } from '../checker/domain.js';
import { Fingerprint, hashHi, hashLo } from '../checker/fingerprint.js';
import type { Model } from '../checker/model.js';
import { replay } from '../checker/trace.js';
import { lockstepModel, VARIANTS } from '../specs/lockstep/spec.js';
import { buildModel, modelSpecArb, naiveExplore, naiveIsBad, naiveOrbits, naiveSuccessors, type PlainState } from './support/random-model.js';

const RUNS = { numRuns: 150 };

/** The set of states a search stores, decoded to the naive enumerator's keys. */
function reached(spec: Parameters<typeof buildModel>[0], search: 'bfs' | 'dfs', exact: boolean): Set<string> {
  const cm = new CompiledModel(buildModel(spec));
  const seen = new Set<string>();
  check(cm, { search, exact, onState: (w) => seen.add(JSON.stringify(cm.layout.decode(w))) });
  return seen;
}

/**
 * On random models with safety properties: `law` over BFS and a search with `other` options;
 * the other search's counterexample must replay and end in a bad state.
 */
function besideBfs(other: CheckOptions, law: (bfs: CheckOutcome, alt: CheckOutcome) => void): void {
  fc.assert(
    fc.property(modelSpecArb({ safety: true }), (spec) => {
      const cm = new CompiledModel(buildModel(spec));
      const alt = check(cm, other);
      law(check(cm), alt);
      if (alt.violation) {
        expect(replay(cm, alt.violation.trace).ok).toBe(true);
        expect(naiveIsBad(spec, alt.violation.trace.at(-1)!.state as PlainState)).toBe(true);
      }
    }),
    RUNS,
  );
}

describe('search engine laws', () => {
  it('BFS and DFS, exact and fingerprinted, reach exactly the naive reachable set', () => {
    fc.assert(
      fc.property(modelSpecArb({ safety: false }), (spec) => {
        const naive = naiveExplore(spec);
        const want = [...naive.states.keys()].sort();
        for (const search of ['bfs', 'dfs'] as const) {
          for (const exact of [true, false]) {
            expect([...reached(spec, search, exact)].sort()).toEqual(want);
            const r = check(buildModel(spec), { search, exact });
            expect(r.verdict).toBe('pass');
            expect(r.stats.distinctStates).toBe(naive.distinct);
            expect(r.stats.transitions).toBe(naive.transitions);
          }
        }
        expect(check(buildModel(spec)).stats.maxDepth).toBe(naive.maxDepth);
      }),
      RUNS,
    );
  });

  it('BFS reports a shortest counterexample, which replays and ends in the violation', () => {
    fc.assert(
      fc.property(modelSpecArb({ safety: true }), (spec) => {
        const naive = naiveExplore(spec);
        const cm = new CompiledModel(buildModel(spec));
        const r = check(cm);
        if (naive.shortestBad < 0) {
          expect(r.verdict).toBe('pass');
          return;
        }
        expect(['violation', 'deadlock']).toContain(r.verdict);
        const v = r.violation!;
        expect(v.trace.length - 1).toBe(naive.shortestBad);
        const last = v.trace[v.trace.length - 1]!.state as PlainState;
        expect(naiveIsBad(spec, last)).toBe(true);
        if (r.verdict === 'deadlock') expect(v.property.name).toBe('deadlock');
        else expect(v.property.name).toBe('NotBad');
        const rep = replay(cm, v.trace);
        expect(rep).toEqual({ ok: true, steps: v.steps, init: expect.any(Number) });
      }),
      RUNS,
    );
  });

  it('DFS finds a violation exactly when BFS does, and its trace replays too', () => {
    besideBfs({ search: 'dfs' }, (b, d) => {
      expect(d.verdict === 'pass').toBe(b.verdict === 'pass');
      if (d.violation) expect(d.violation.trace.length).toBeGreaterThanOrEqual(b.violation!.trace.length);
    });
  });

  it('a search cut short by a bound is incomplete, never pass', () => {
    fc.assert(
      fc.property(modelSpecArb({ safety: false }), fc.constantFrom('bfs' as const, 'dfs' as const), (spec, search) => {
        const naive = naiveExplore(spec);
        if (naive.distinct > 1) {
          const r = check(buildModel(spec), { search, maxStates: naive.distinct - 1 });
          expect(r.verdict).toBe('incomplete');
          expect(r.stoppedBy).toBe('max-states');
        }
        expect(check(buildModel(spec), { search, maxStates: naive.distinct }).verdict).toBe('pass');
        if (naive.maxDepth > 0) {
          const r = check(buildModel(spec), { search: 'bfs', maxDepth: naive.maxDepth - 1 });
          expect(r.verdict).toBe('incomplete');
          expect(r.stoppedBy).toBe('max-depth');
        }
        expect(check(buildModel(spec), { search: 'bfs', maxDepth: naive.maxDepth }).verdict).toBe('pass');
      }),
      RUNS,
    );
  });

  it('replay rejects a trace the model cannot produce', () => {
    let checked = 0;
    fc.assert(
      fc.property(modelSpecArb({ safety: true }), (spec) => {
        const cm = new CompiledModel(buildModel(spec));
        const r = check(cm);
        if (!r.violation || r.violation.trace.length < 2) return;
        checked++;
        const t = r.violation.trace;
        const tampered = t.map((s, i) => (i === t.length - 1 ? { ...s, action: 'no-such-action' } : s));
        expect(replay(cm, tampered).ok).toBe(false);
        if (t.length > 2) {
          // Skip a step: replay may accept it only where the naive enumerator has such a step.
          const skipped = [t[0]!, ...t.slice(2)];
          const key = (s: unknown) => {
            const p = s as PlainState;
            return JSON.stringify([p.x, p.y, p.f, p.a]);
          };
          const real = naiveSuccessors(spec, t[0]!.state as PlainState).map(key);
          if (replay(cm, skipped).ok) expect(real).toContain(key(t[2]!.state));
        }
      }),
      RUNS,
    );
    expect(checked).toBeGreaterThan(0);
  });

  it('symmetry reduction stores exactly one state per orbit', () => {
    fc.assert(
      fc.property(modelSpecArb({ safety: false }), fc.constantFrom('bfs' as const, 'dfs' as const), (spec, search) => {
        const naive = naiveExplore(spec);
        const r = check(buildModel(spec), { search, symmetry: true, exact: true });
        expect(r.verdict).toBe('pass');
        expect(r.stats.distinctStates).toBe(naiveOrbits(naive.states.keys()));
      }),
      RUNS,
    );
  });

  it('symmetry reduction keeps every verdict and shortest-trace length, and its traces replay', () => {
    besideBfs({ symmetry: true }, (plain, reduced) => {
      expect(reduced.verdict).toBe(plain.verdict);
      expect(reduced.violation?.trace.length).toBe(plain.violation?.trace.length);
    });
    for (const variant of VARIANTS) {
      for (const n of [2, 3, 5]) {
        const cm = new CompiledModel(lockstepModel(n, variant));
        // Symmetry reduces the safety search; liveness is checked without it.
        const plain = check(cm, { liveness: false });
        const reduced = check(cm, { symmetry: true });
        expect([reduced.verdict, reduced.violation?.property.name, reduced.violation?.trace.length]).toEqual([
          plain.verdict,
          plain.violation?.property.name,
          plain.violation?.trace.length,
        ]);
        if (reduced.violation) expect(replay(cm, reduced.violation.trace).ok).toBe(true);
      }
    }
  });

  it('a reachability target is unreachable exactly when no reachable state meets it, in every search and under symmetry', () => {
    fc.assert(
      fc.property(modelSpecArb({ safety: false }), fc.nat(), fc.nat(), (spec, tx, ty) => {
        const want = { x: tx % (spec.k + 1), y: ty % (spec.k + 1) };
        const model = buildModel(spec);
        const withTarget = {
          ...model,
          targets: [{ name: 'Meet', description: 'x and y as wanted', reached: (s: { x: number; y: number }) => s.x === want.x && s.y === want.y }],
        };
        const meets = [...naiveExplore(spec).states.keys()].some((k) => {
          const st = JSON.parse(k) as PlainState;
          return st.x === want.x && st.y === want.y;
        });
        for (const search of ['bfs', 'dfs'] as const) {
          for (const symmetry of [false, true]) {
            const r = check(withTarget, { search, symmetry });
            expect(r.verdict).toBe(meets ? 'pass' : 'unreachable');
            expect(r.unreachable?.map((t) => t.name)).toEqual(meets ? undefined : ['Meet']);
          }
        }
        // A bound that cuts the search leaves the question open.
        if (!meets) expect(check(withTarget, { maxStates: 1 }).verdict).toBe(naiveExplore(spec).distinct > 1 ? 'incomplete' : 'unreachable');
      }),
      RUNS,
    );
  });
});

describe('steps that change nothing', () => {
  // `read` changes nothing (an interrupt handler that only reads): the search skips the lookup
  // of its successor, the state it expanded, but still counts the step and judges it.
  const schema = record({ x: int(0, 2) });
  const model = (readAtTwo: boolean): Model<typeof schema> => ({
    schema,
    init: [() => undefined],
    actions: [
      { name: 'inc', guard: (s) => s.x < 2, effect: (s, n) => void (n.x = s.x + 1) },
      { name: 'read', guard: () => true, effect: () => undefined },
    ],
    invariants: [],
    transitionProperties: [{ name: 'ReadBelowTwo', description: 'no read at 2', holds: (s, a) => readAtTwo || a.name !== 'read' || s.x < 2 }],
    isEndState: () => true,
  });

  it('are counted as transitions and judged, in BFS and DFS', () => {
    for (const search of ['bfs', 'dfs'] as const) {
      const ok = check(model(true), { search });
      expect([ok.verdict, ok.stats.distinctStates, ok.stats.transitions]).toEqual(['pass', 3, 5]);
      const bad = check(model(false), { search });
      expect(bad.verdict).toBe('violation');
      expect(bad.violation!.property.name).toBe('ReadBelowTwo');
      expect(bad.violation!.steps.map((r) => bad.compiled.label(r))).toEqual(['inc', 'inc', 'read']);
    }
  });
});

describe('fingerprints', () => {
  it('one pass gives both lanes, equal to hashHi and hashLo (checkpoints and tables written by either agree)', () => {
    const fp = new Fingerprint();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 20 }), fc.nat(3), (ws, offset) => {
        const words = Uint32Array.from([...Array<number>(offset).fill(7), ...ws]);
        fp.of(words, offset, ws.length);
        expect([fp.hi, fp.lo]).toEqual([hashHi(words, offset, ws.length), hashLo(words, offset, ws.length)]);
      }),
      RUNS,
    );
  });
});
