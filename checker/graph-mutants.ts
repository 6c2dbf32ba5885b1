// Mutants decided on the reference's recorded graph, without exploring them. A drop-action
// mutant's transitions are the reference's minus that action's; a stutter mutant's are the
// reference's with that action's turned into self-loops (when the model has no transition
// property, which would have to judge those new steps). Both reach a subset of the reference's
// states, on which every invariant holds, every guard and effect ran without throwing, and no
// step broke a transition property. So the mutant's check can only end in a deadlock, an
// unreachable target or a liveness violation, each decided from the graph: per state its
// edges in the order the search takes them, whether it is a legal end state, which targets it
// meets and its liveness bits. The graph is renumbered in the order the mutant's own search
// would number it, so the liveness search sees the graph recording the mutant would give.

import type { CompiledModel } from './compiled.js';
import type { LivenessProperty, Model } from './model.js';
import type { RecordDomain } from './domain.js';
import { fairnessOf, findLasso, Meter, recordGraph, type GraphSize, type StateGraphCsr } from './liveness.js';
import { defaultMemory } from './memory.js';
import type { Mutant } from './mutants.js';

/** A mutant's check as the audit classifies it: what killed it, or that nothing did. */
export type GraphFate = { readonly fate: 'killed'; readonly detail: string } | { readonly fate: 'survived' };

export interface ReferenceGraph {
  readonly graph: StateGraphCsr;
  readonly cm: CompiledModel;
  /** Bit index (as liveness bits, `to`) of the legal-end-state predicate; the targets' follow it. */
  readonly endBit: number;
}

/**
 * Records the reference's graph with, beside its liveness properties' bits, one bit per state
 * for the end-state predicate and for each reachability target. Undefined when that cannot be
 * exact: a predicate throws on some reachable state (a mutant's search might ask it there).
 */
export function referenceGraph(cm: CompiledModel, size: GraphSize): ReferenceGraph | undefined {
  const m = cm.model as Model<RecordDomain>;
  const live = m.liveness ?? [];
  const asBit = (to: LivenessProperty<RecordDomain>['to']): LivenessProperty<RecordDomain> => ({ name: '', description: '', form: 'eventually', to });
  const props = [...live, asBit((s) => m.isEndState(s)), ...(m.targets ?? []).map((t) => asBit((s) => t.reached(s)))];
  try {
    const r = recordGraph(cm, props, Infinity, defaultMemory(), size);
    return r.kind === 'graph' ? { graph: r.graph, cm, endBit: live.length } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the mutant of the reference `cm` is decided on its graph (`decide` gives its fate). */
export const decidable = (cm: CompiledModel, m: Mutant): boolean =>
  m.operator === 'drop-action' || (m.operator === 'stutter' && (cm.model.transitionProperties?.length ?? 0) === 0);

/**
 * The fate a check of mutant `m` (decidable) would give, bounded at `maxStates`: undefined
 * when the bound could cut it (then the mutant is checked as any other).
 */
export function decide(ref: ReferenceGraph, m: Mutant, maxStates: number): GraphFate | undefined {
  const { graph: g, cm, endBit } = ref;
  const mutated = Uint8Array.from(cm.refs, (r) => (r.name === m.action ? 1 : 0));
  const drop = m.operator === 'drop-action';
  const bit = (v: number, p: number): boolean => ((g.bits[v * g.bytesPerState + (p >> 2)]! >> ((p & 3) * 2 + 1)) & 1) === 1;
  // Renumber in the mutant's search order: initial states first, then successors as met.
  const id = new Int32Array(g.states).fill(-1);
  const order: number[] = [];
  const see = (v: number): number => {
    if (id[v] === -1) {
      id[v] = order.length;
      order.push(v);
    }
    return id[v]!;
  };
  for (const i of g.initial) see(i.id);
  const first = [0];
  const edges: number[] = [];
  const R = g.refRange;
  let deadlock = false;
  for (let k = 0; k < order.length; k++) {
    const v = order[k]!;
    const before = edges.length;
    for (let e = g.first[v]!; e < g.first[v + 1]!; e++) {
      const r = g.edges[e]! % R;
      if (mutated[r] === 1 && drop) continue;
      edges.push((mutated[r] === 1 ? k : see(Math.floor(g.edges[e]! / R))) * R + r);
    }
    first.push(edges.length);
    if (edges.length === before && !bit(v, endBit)) deadlock = true;
  }
  if (order.length > maxStates) return undefined;
  if (deadlock) return { fate: 'killed', detail: 'deadlock' };
  const targets = cm.model.targets ?? [];
  const unreached = targets.filter((_, t) => !order.some((v) => bit(v, endBit + 1 + t)));
  if (unreached.length > 0) return { fate: 'killed', detail: unreached.map((t) => t.name).join(', ') };
  const B = g.bytesPerState;
  const bits = new Uint8Array(order.length * B);
  order.forEach((v, k) => bits.set(g.bits.subarray(v * B, (v + 1) * B), k * B));
  const mg: StateGraphCsr = {
    states: order.length,
    first: Uint32Array.from(first),
    edges: Float64Array.from(edges),
    refRange: R,
    bits,
    bytesPerState: B,
    initial: g.initial.map((i) => ({ id: id[i.id]!, init: i.init })),
    meter: new Meter(),
  };
  const fair = fairnessOf(cm);
  const live = cm.model.liveness ?? [];
  const broken = live.find((p, i) => findLasso(mg, i, p.form, fair) !== undefined);
  return broken === undefined ? { fate: 'survived' } : { fate: 'killed', detail: broken.name };
}
