// A model prepared for the search loop: action instances flattened into parallel arrays, the
// packed layout, and invariant and transition checks that return an index instead of throwing.

import type { Read, RecordDomain, Write } from './domain.js';
import { Layout, type View } from './layout.js';
import type { ActionRef, Model } from './model.js';
import { Canonicalizer } from './symmetry.js';

export class CompiledModel<D extends RecordDomain = RecordDomain> {
  readonly layout: Layout<D>;
  readonly words: number;
  /** One entry per action instance: (action index, actor). */
  readonly refs: readonly ActionRef[];
  readonly guards: ((s: Read<D>, actor: number) => boolean)[];
  readonly effects: ((s: Read<D>, next: Write<D>, actor: number) => void)[];
  readonly actors: Int32Array;
  /** Property names in report order: invariants, then transition properties. */
  readonly propertyNames: readonly string[];

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
    this.propertyNames = [...model.invariants.map((p) => p.name), ...(model.transitionProperties ?? []).map((p) => p.name)];
  }

  /** Index of the first invariant `s` violates, or -1. */
  firstViolated(s: Read<D>): number {
    const inv = this.model.invariants;
    for (let i = 0; i < inv.length; i++) if (!inv[i]!.holds(s)) return i;
    return -1;
  }

  /** Index (into propertyNames) of the first transition property the step violates, or -1. */
  firstViolatedStep(s: Read<D>, ref: number, next: Read<D>): number {
    const tp = this.model.transitionProperties;
    if (tp === undefined) return -1;
    const r = this.refs[ref]!;
    for (let i = 0; i < tp.length; i++) if (!tp[i]!.holds(s, r, next)) return this.model.invariants.length + i;
    return -1;
  }

  /** Writes initial state `i` into `words` (one state long). */
  writeInit(i: number, words: Uint32Array, view: View<D> = this.layout.newView()): void {
    words.fill(0);
    view.bind(words);
    this.model.init[i]!(view.write);
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
