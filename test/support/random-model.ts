// Small random models described as data, with two independent interpreters: one builds an
// engine Model (packed views), the other is a naive breadth-first enumerator over plain
// objects and string keys. The engine laws are checked by comparing the two.

import fc from 'fast-check';
import { array, bool, int, record } from '../../checker/domain.js';
import type { Model } from '../../checker/model.js';

export interface RuleSpec {
  /** Guards: null means "any". */
  whenX: number | null;
  whenF: boolean | null;
  whenA: number | null;
  setX: 'inc' | 'dec' | number | null;
  setY: 'copyX' | number | null;
  flipF: boolean;
  bumpA: boolean;
  perActor: boolean;
}

export interface ModelSpec {
  k: number;
  inits: { x: number; y: number; f: boolean }[];
  rules: RuleSpec[];
  bad: { x: number; y: number } | null;
  endX: number | null;
}

export interface PlainState {
  x: number;
  y: number;
  f: boolean;
  a: number[];
}

const ACTORS = 2;

export const modelSpecArb = (opts: { safety: boolean }): fc.Arbitrary<ModelSpec> =>
  fc.integer({ min: 1, max: 4 }).chain((k) => {
    const v = fc.integer({ min: 0, max: k });
    const rule: fc.Arbitrary<RuleSpec> = fc
      .record({
        whenX: fc.option(v),
        whenF: fc.option(fc.boolean()),
        whenA: fc.option(fc.integer({ min: 0, max: 2 })),
        setX: fc.option(fc.oneof(fc.constant<'inc'>('inc'), fc.constant<'dec'>('dec'), v)),
        setY: fc.option(fc.oneof(fc.constant<'copyX'>('copyX'), v)),
        flipF: fc.boolean(),
        bumpA: fc.boolean(),
        perActor: fc.boolean(),
      })
      // A rule without an actor leaves per-actor state alone, so the actors stay interchangeable.
      .map((r) => (r.perActor ? r : { ...r, whenA: null, bumpA: false }));
    return fc.record({
      k: fc.constant(k),
      inits: fc.uniqueArray(fc.record({ x: v, y: v, f: fc.boolean() }), { minLength: 1, maxLength: 2, selector: (s) => JSON.stringify(s) }),
      rules: fc.array(rule, { minLength: 1, maxLength: 5 }),
      bad: opts.safety ? fc.option(fc.record({ x: v, y: v })) : fc.constant(null),
      endX: opts.safety ? fc.option(v) : fc.constant(null),
    });
  });

// ---- interpreter 1: the engine ------------------------------------------------------------

export function buildModel(m: ModelSpec) {
  const schema = record({ x: int(0, m.k), y: int(0, m.k), f: bool(), a: array(ACTORS, int(0, 2), { index: 'actor' }) });
  const model: Model<typeof schema> = {
    schema,
    init: m.inits.map((i) => (s) => {
      s.x = i.x;
      s.y = i.y;
      s.f = i.f;
    }),
    actions: m.rules.map((r, idx) => ({
      name: `r${idx}`,
      ...(r.perActor ? { actors: ACTORS } : {}),
      guard: (s, actor) => {
        const who = actor < 0 ? 0 : actor;
        return (r.whenX === null || s.x === r.whenX) && (r.whenF === null || s.f === r.whenF) && (r.whenA === null || s.a.get(who) === r.whenA);
      },
      effect: (s, n, actor) => {
        const who = actor < 0 ? 0 : actor;
        if (r.setX === 'inc') n.x = (s.x + 1) % (m.k + 1);
        else if (r.setX === 'dec') n.x = (s.x + m.k) % (m.k + 1);
        else if (r.setX !== null) n.x = r.setX;
        if (r.setY === 'copyX') n.y = s.x;
        else if (r.setY !== null) n.y = r.setY;
        if (r.flipF) n.f = !s.f;
        if (r.bumpA) n.a.set(who, (s.a.get(who) + 1) % 3);
      },
    })),
    invariants: m.bad === null ? [] : [{ name: 'NotBad', description: 'never x = bad.x and y = bad.y', holds: (s) => !(s.x === m.bad!.x && s.y === m.bad!.y) }],
    // Without safety checking every stuck state is a legal end; with it, only x = endX is.
    isEndState: (s) => (m.endX === null ? m.bad === null : s.x === m.endX),
    // Rules treat both actors alike and no property names one, so they are interchangeable.
    symmetry: [{ index: 'actor', from: 0, to: ACTORS }],
  };
  return model;
}

// ---- interpreter 2: naive enumeration over plain objects ----------------------------------

export interface NaiveResult {
  distinct: number;
  transitions: number;
  maxDepth: number;
  /** Length of a shortest path to an invariant violation or deadlock, or -1. */
  shortestBad: number;
  states: Map<string, number>;
}

export function naiveSuccessors(m: ModelSpec, s: PlainState): PlainState[] {
  const out: PlainState[] = [];
  for (const r of m.rules) {
    const actors = r.perActor ? [0, 1] : [0];
    for (const who of actors) {
      if (r.whenX !== null && s.x !== r.whenX) continue;
      if (r.whenF !== null && s.f !== r.whenF) continue;
      if (r.whenA !== null && s.a[who] !== r.whenA) continue;
      const n: PlainState = { x: s.x, y: s.y, f: s.f, a: [...s.a] };
      if (r.setX === 'inc') n.x = s.x === m.k ? 0 : s.x + 1;
      else if (r.setX === 'dec') n.x = s.x === 0 ? m.k : s.x - 1;
      else if (r.setX !== null) n.x = r.setX;
      if (r.setY === 'copyX') n.y = s.x;
      else if (r.setY !== null) n.y = r.setY;
      if (r.flipF) n.f = !s.f;
      if (r.bumpA) n.a[who] = (s.a[who]! + 1) % 3;
      out.push(n);
    }
  }
  return out;
}

export const naiveIsBad = (m: ModelSpec, s: PlainState): boolean =>
  (m.bad !== null && s.x === m.bad.x && s.y === m.bad.y) || (naiveSuccessors(m, s).length === 0 && !(m.endX === null ? m.bad === null : s.x === m.endX));

/** The naive enumerator's count of orbits under swapping the two actors. */
export function naiveOrbits(states: Iterable<string>): number {
  const orbits = new Set<string>();
  for (const k of states) {
    const s = JSON.parse(k) as PlainState;
    orbits.add(JSON.stringify({ ...s, a: [...s.a].sort() }));
  }
  return orbits.size;
}

export function naiveExplore(m: ModelSpec): NaiveResult {
  const key = (s: PlainState) => JSON.stringify(s);
  const states = new Map<string, number>();
  let frontier: PlainState[] = [];
  for (const i of m.inits) {
    const s = { ...i, a: [0, 0] };
    if (!states.has(key(s))) {
      states.set(key(s), 0);
      frontier.push(s);
    }
  }
  let transitions = 0;
  let depth = 0;
  let shortestBad = -1;
  for (const s of frontier) if (shortestBad < 0 && naiveIsBad(m, s)) shortestBad = 0;
  while (frontier.length > 0) {
    const next: PlainState[] = [];
    for (const s of frontier) {
      for (const n of naiveSuccessors(m, s)) {
        transitions++;
        if (states.has(key(n))) continue;
        states.set(key(n), depth + 1);
        if (shortestBad < 0 && naiveIsBad(m, n)) shortestBad = depth + 1;
        next.push(n);
      }
    }
    if (next.length > 0) depth++;
    frontier = next;
  }
  return { distinct: states.size, transitions, maxDepth: depth, shortestBad, states };
}
