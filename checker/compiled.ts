// A model prepared for the search loop: action instances flattened into parallel arrays, the
// packed layout, and invariant and transition checks that return an index instead of throwing.

import type { Read, RecordDomain, Write } from './domain.js';
import { Layout, type View } from './layout.js';
import type { ActionRef, Model } from './model.js';
import { Canonicalizer } from './symmetry.js';

/** A state buffer with a view bound to it. */
export interface BoundState<D extends RecordDomain> {
  readonly words: Uint32Array;
  readonly read: Read<D>;
  readonly write: Write<D>;
}

/** What every loop over transitions needs: the state being expanded and the next one. */
export interface StepBuffers<D extends RecordDomain> {
  readonly cur: Uint32Array;
  readonly next: Uint32Array;
  /** The current state, read by guards and effects. */
  readonly s: Read<D>;
  /** The next state: read by invariants, written by effects. */
  readonly nr: Read<D>;
  readonly nw: Write<D>;
}

export class CompiledModel<D extends RecordDomain = RecordDomain> {
  readonly layout: Layout<D>;
  readonly words: number;
  /** One entry per action instance: (action index, actor). */
  readonly refs: readonly ActionRef[];
  readonly guards: ((s: Read<D>, actor: number) => boolean)[];
  readonly effects: ((s: Read<D>, next: Write<D>, actor: number) => void)[];
  readonly actors: Int32Array;
  /** Property names in report order: invariants, transition properties, then reachability targets. */
  readonly propertyNames: readonly string[];
  /** The index in `propertyNames` of the first reachability target. */
  readonly firstTarget: number;
  /**
   * Writes the enabled action instances of `s` into `out` and returns how many. Generated with
   * one call site per action, so each call site sees one guard and V8 can inline it; a loop
   * over `guards[ref]` would be megamorphic and cost a full call per guard.
   */
  readonly enabled: (s: Read<D>, out: Int32Array) => number;
  /** Runs instance `ref`'s effect: a switch with one (monomorphic) call site per action. */
  readonly apply: (ref: number, s: Read<D>, next: Write<D>) => void;
  /** Index of the first invariant `s` violates, or -1. Generated like `enabled`: one call site per invariant. */
  readonly firstViolated: (s: Read<D>) => number;
  /** Index (into propertyNames) of the first transition property the step violates, or -1. Generated like `enabled`. */
  readonly firstViolatedStep: (s: Read<D>, ref: number, next: Read<D>) => number;

  constructor(readonly model: Model<D>) {
    this.layout = new Layout(model.schema);
    this.words = this.layout.words;
    const refs: ActionRef[] = [];
    model.actions.forEach((a, i) => {
      const n = a.actors ?? 1;
      for (let k = 0; k < n; k++) refs.push({ action: i, name: a.name, actor: a.actors === undefined ? -1 : k });
    });
    this.refs = refs;
    this.guards = refs.map((r) => model.actions[r.action]!.guard);
    this.effects = refs.map((r) => model.actions[r.action]!.effect);
    this.actors = Int32Array.from(refs.map((r) => r.actor));
    this.propertyNames = [...model.invariants, ...(model.transitionProperties ?? []), ...(model.targets ?? [])].map((p) => p.name);
    this.firstTarget = this.propertyNames.length - (model.targets?.length ?? 0);
    const G = model.actions.map((a) => a.guard);
    const E = model.actions.map((a) => a.effect);
    const enabledSrc: string[] = ['let n = 0;'];
    const applySrc: string[] = ['switch (A[ref]) {'];
    let base = 0;
    model.actions.forEach((a, i) => {
      if (a.actors === undefined) enabledSrc.push(`if (G${i}(s, -1)) out[n++] = ${base};`);
      else enabledSrc.push(`for (let a = 0; a < ${a.actors}; a++) if (G${i}(s, a)) out[n++] = ${base} + a;`);
      applySrc.push(`case ${i}: E${i}(s, next, R[ref]); return;`);
      base += a.actors ?? 1;
    });
    enabledSrc.push('return n;');
    applySrc.push('}');
    const names = model.actions.flatMap((_, i) => [`G${i}`, `E${i}`]);
    const fns = model.actions.flatMap((_, i) => [G[i], E[i]]);
    const actionOf = Int32Array.from(refs.map((r) => r.action));
    // Generated from action counts only; the model's functions are passed in, not inlined as text.
    this.enabled = new Function(...names, `return function enabled(s, out) { ${enabledSrc.join('\n')} }`)(...fns);
    this.apply = new Function('A', 'R', ...names, `return function apply(ref, s, next) { ${applySrc.join('\n')} }`)(actionOf, this.actors, ...fns);
    const inv = model.invariants.map((p) => p.holds);
    const invSrc = inv.map((_, i) => `if (!P${i}(s)) return ${i};`);
    this.firstViolated = new Function(...inv.map((_, i) => `P${i}`), `return function firstViolated(s) { ${invSrc.join('\n')} return -1; }`)(...inv);
    const tp = (model.transitionProperties ?? []).map((p) => p.holds);
    this.firstViolatedStep = new Function(
      'A',
      'R',
      ...tp.map((_, i) => `P${i}`),
      `return function firstViolatedStep(s, ref, next) { const r = R[ref]; ${stepChecks(model, inv.length)} return -1; }`,
    )(actionOf, refs, ...tp);
  }

  /** Writes initial state `i` into `words` (one state long). */
  writeInit(i: number, words: Uint32Array, view: View<D> = this.layout.newView()): void {
    words.fill(0);
    view.bind(words);
    this.model.init[i]!(view.write);
  }

  /** A fresh state buffer with a view over it. */
  bound(): BoundState<D> {
    const words = new Uint32Array(this.words);
    const v = this.layout.newView();
    v.bind(words);
    return { words, read: v.read, write: v.write };
  }

  stepBuffers(): StepBuffers<D> {
    const c = this.bound();
    const n = this.bound();
    return { cur: c.words, next: n.words, s: c.read, nr: n.read, nw: n.write };
  }

  /** A canonicaliser for the model's symmetry, or undefined when it declares none. */
  canonicalizer(): Canonicalizer | undefined {
    const sym = this.model.symmetry;
    return sym && sym.length > 0 ? new Canonicalizer(this.layout as unknown as Layout<RecordDomain>, sym) : undefined;
  }

  /** A readable name for action instance `ref`, e.g. `begin(CPU 2)`. */
  label(ref: number): string {
    const r = this.refs[ref]!;
    if (r.actor < 0) return r.name;
    return `${r.name}(${this.model.actions[r.action]!.actorKind ?? 'actor'} ${r.actor})`;
  }
}

/**
 * The body of firstViolatedStep: a switch on the action with, for each, the transition
 * properties that concern it (`TransitionProperty.on`) in declared order, so the first one
 * broken is the same as if every property were judged. Actions concerned by the same
 * properties share a case.
 */
function stepChecks(model: Model<RecordDomain>, offset: number): string {
  const tps = model.transitionProperties ?? [];
  const cases = new Map<string, number[]>();
  model.actions.forEach((a, i) => {
    const body = tps.flatMap((p, k) => (p.on === undefined || p.on(a, i) ? [`if (!P${k}(s, r, next)) return ${offset + k};`] : [])).join(' ');
    if (body !== '') cases.set(body, [...(cases.get(body) ?? []), i]);
  });
  if (cases.size === 0) return '';
  const src = [...cases].map(([body, is]) => `${is.map((i) => `case ${i}:`).join(' ')} ${body} return -1;`);
  return `switch (A[ref]) { ${src.join('\n')} }`;
}
