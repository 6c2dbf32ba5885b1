// A model function that throws is a verdict, not a crash: on random models poisoned at one
// reachable state, every search reports the phase, action, actor and property that threw, and
// a trace that replays to that state (a shortest one with BFS, by the naive enumerator).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, describeModelError, type CheckOutcome } from '../checker/check.js';
import { CompiledModel } from '../checker/compiled.js';
import type { ModelPhase } from '../checker/expand.js';
import { replay } from '../checker/trace.js';
import { buildModel, modelSpecArb, naiveExplore, naiveSuccessors, type ModelSpec, type PlainState } from './support/random-model.js';

type Poisoned = Exclude<ModelPhase, 'init'>;
const PHASES: readonly Poisoned[] = ['guard', 'effect', 'invariant', 'transition property', 'end state', 'target'];

const boom = (): never => {
  throw new Error('poisoned');
};

/** The model of `m` with a function of `phase` throwing at state `p` (and only there; a guard: rule `rule`'s). */
function poisoned(m: ModelSpec, phase: Poisoned, p: PlainState, rule: number) {
  const model = buildModel(m);
  type S = Parameters<(typeof model)['isEndState']>[0];
  const at = (s: S) => s.x === p.x && s.y === p.y && s.f === p.f && s.a.get(0) === p.a[0] && s.a.get(1) === p.a[1];
  switch (phase) {
    case 'guard':
      return {
        ...model,
        actions: model.actions.map((a, i) => (i !== rule ? a : { ...a, guard: (s: S, actor: number) => (at(s) ? boom() : a.guard(s, actor)) })),
      };
    case 'effect':
      return {
        ...model,
        actions: model.actions.map((a) => ({
          ...a,
          effect: (s: S, n: Parameters<typeof a.effect>[1], actor: number) => (at(s) ? boom() : a.effect(s, n, actor)),
        })),
      };
    case 'invariant':
      return { ...model, invariants: [{ name: 'Poison', description: 'throws at p', holds: (s: S) => (at(s) ? boom() : true) }] };
    case 'transition property':
      return { ...model, transitionProperties: [{ name: 'PoisonStep', description: 'throws on steps from p', holds: (s: S) => (at(s) ? boom() : true) }] };
    case 'end state':
      return { ...model, isEndState: (s: S) => (at(s) ? boom() : model.isEndState(s)) };
    case 'target':
      return { ...model, targets: [{ name: 'PoisonTarget', description: 'throws at p', reached: (s: S) => (at(s) ? boom() : false) }] };
  }
}

/** The first enabled rule instance at `s` in the naive order (rule, then actor), as the engine names it. */
function firstEnabled(m: ModelSpec, s: PlainState): { action: string; actor: number | null } {
  for (const [i, r] of m.rules.entries()) {
    for (const who of r.perActor ? [0, 1] : [0]) {
      const one = { ...m, rules: [{ ...r, perActor: false, whenA: r.whenA === null || s.a[who] === r.whenA ? null : -1 }] };
      if (naiveSuccessors(one, s).length > 0) return { action: `r${i}`, actor: r.perActor ? who : null };
    }
  }
  throw new Error('no rule enabled');
}

const poisonCase = modelSpecArb({ safety: false }).chain((m) => {
  const states = [...naiveExplore(m).states.entries()];
  return fc.record({ m: fc.constant(m), phase: fc.constantFrom(...PHASES), at: fc.constantFrom(...states), rule: fc.nat(m.rules.length - 1) });
});

describe('model errors', () => {
  it('BFS and DFS report the phase, action, actor and property that threw, with a trace that replays to the state', () => {
    fc.assert(
      fc.property(poisonCase, ({ m, phase, at: [key, depth], rule }) => {
        const p = JSON.parse(key) as PlainState;
        const stuck = naiveSuccessors(m, p).length === 0;
        // Guards run at every state; effects and step properties only where a rule is enabled;
        // the end-state predicate only where none is.
        if ((phase === 'effect' || phase === 'transition property') && stuck) return;
        if (phase === 'end state' && !stuck) return;
        const model = poisoned(m, phase, p, rule);
        const cm = new CompiledModel(model);
        for (const search of ['bfs', 'dfs'] as const) {
          const r: CheckOutcome = check(cm, { search });
          expect(r.verdict).toBe('error');
          const e = r.error!;
          expect(e.phase).toBe(phase);
          expect(e.message).toBe('poisoned');
          expect(e.property).toBe({ invariant: 'Poison', 'transition property': 'PoisonStep', target: 'PoisonTarget' }[phase as string] ?? null);
          const expected =
            phase === 'guard'
              ? { action: `r${rule}`, actor: m.rules[rule]!.perActor ? 0 : null }
              : phase === 'effect' || phase === 'transition property'
                ? firstEnabled(m, p)
                : { action: null, actor: null };
          expect({ action: e.action, actor: e.actor }).toEqual(expected);
          expect(e.actorKind).toBe(e.actor === null ? null : 'actor');
          // The state where it threw ends the trace; a step property's trace ends with the step.
          const withStep = phase === 'transition property' ? 1 : 0;
          expect(e.trace[e.trace.length - 1 - withStep]!.state).toEqual(p);
          expect(e.depth).toBe(e.trace.length - 1);
          if (withStep) expect(e.trace[e.trace.length - 1]!.action).toBe(expected.action);
          if (search === 'bfs') expect(e.depth).toBe(depth + withStep);
          expect(e.stateNumber).toBeGreaterThanOrEqual(0);
          expect(e.stateNumber).toBeLessThan(r.stats.distinctStates);
          expect(replay(cm, e.trace)).toMatchObject({ ok: true, steps: e.steps });
          expect(describeModelError(e)).toContain(`threw "poisoned" at depth ${e.depth} (state #${e.stateNumber})`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('an initial-state writer that throws names its index, with an empty trace', () => {
    const model = buildModel({
      k: 1,
      inits: [
        { x: 0, y: 0, f: false },
        { x: 1, y: 0, f: false },
      ],
      rules: [],
      bad: null,
      endX: null,
    });
    const broken = { ...model, init: [model.init[0]!, () => boom()] };
    for (const search of ['bfs', 'dfs'] as const) {
      const r = check(broken, { search });
      expect(r.verdict).toBe('error');
      expect(r.error).toMatchObject({ phase: 'init', init: 1, action: null, trace: [], depth: 0 });
      expect(describeModelError(r.error!)).toBe('the writer of initial state 1 threw "poisoned"');
    }
  });

  it('a write outside a domain is a model error of that effect, with the action, actor and depth in one line', () => {
    const model = buildModel({ k: 2, inits: [{ x: 0, y: 0, f: false }], rules: [], bad: null, endX: null });
    const broken = {
      ...model,
      actions: [
        {
          name: 'inc',
          actors: 2,
          actorKind: 'CPU',
          guard: (s: { x: number }) => s.x < 2,
          effect: (s: { x: number }, n: { x: number }) => void (n.x = s.x + 1),
        },
        {
          name: 'overflow',
          actors: 2,
          actorKind: 'CPU',
          guard: (s: { x: number }, cpu: number) => s.x === 2 && cpu === 1,
          effect: (_s: unknown, n: { x: number }) => void (n.x = 7),
        },
      ],
    } as unknown as typeof model;
    const r = check(broken);
    expect(r.verdict).toBe('error');
    expect(describeModelError(r.error!)).toMatch(
      /^the effect of overflow \(CPU 1\) threw ".*x := 7 is outside its domain 0\.\.2.*" at depth 2 \(state #\d+\)$/,
    );
    // What was explored before the fault is still reported.
    expect(r.stats.distinctStates).toBeGreaterThanOrEqual(3);
  });
});
