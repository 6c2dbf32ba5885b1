// Partial-order reduction (SPIN's, after Peled, Valmari and Godefroid): at each state, expand
// one persistent set of the enabled action instances instead of all of them, when the others
// commute with it and no property could tell the difference.
//
// From the declared footprints (footprint.ts), two instances are dependent when one writes a
// slot the other reads or writes; independent ones commute and neither enables nor disables
// the other. The set is grown from one enabled instance (a stubborn set):
//   - an enabled member brings in every instance dependent on it, enabled or not;
//   - a disabled member brings in every instance that writes a slot it reads (something one
//     of them does must happen before it can fire: a necessary enabling set, conservatively).
// Its enabled part is persistent: no sequence of instances outside it can interfere with it,
// so every deadlock stays reachable (C1). The seed whose set has the fewest enabled members
// wins. The set is used only when it is smaller than all enabled, and then
//   - C2 (visibility): no enabled member writes a slot a property reads (invariants,
//     transition properties, reachability targets) or is a step a transition property judges;
//   - C3 (cycle proviso): Successors.expand expands the rest too when a successor through the
//     set was already stored (the search says so through `revisited`): every cycle of the
//     reduced graph then has a fully expanded state, so nothing is postponed for ever.
// Together these preserve every invariant, transition property, target and deadlock verdict;
// counterexamples stay valid but BFS's are no longer shortest. Liveness under fairness is not
// preserved by these conditions, so check.ts skips it under reduction.
//
// Instance sets are bitsets: per state, each seed's closure costs its members times the
// words of a set, and nothing is allocated.

import type { CompiledModel } from './compiled.js';
import { Footprints, overlaps } from './footprint.js';
import { popcount } from './bits.js';

export class PartialOrder {
  /** False when no instance can ever be left out (each visible or dependent on all): the search skips the reducer. */
  readonly useful: boolean;
  /** Words of one instance set (a bit per action instance). */
  private readonly words: number;
  /** Instances that write a slot a property reads, or whose steps a transition property judges. */
  private readonly visible: Uint32Array;
  /** Row i (words at i * words): the instances dependent on i (dep), and those that write what i reads (enablers). */
  private readonly dep: Uint32Array;
  private readonly enablers: Uint32Array;
  /** The enabled instances of the state, and those of them that are visible. */
  private readonly enabled: Uint32Array;
  private readonly enabledVisible: Uint32Array;
  /** The closure being grown, and its members not yet followed. */
  private readonly set: Uint32Array;
  private readonly pending: Uint32Array;
  private readonly scratch: Int32Array;

  constructor(cm: CompiledModel) {
    const fp = new Footprints(cm);
    const N = cm.refs.length;
    const W = (this.words = (N + 31) >>> 5);
    const m = cm.model;
    // A step a transition property concerns (TransitionProperty.on) could break it whatever it writes.
    const judged = m.actions.map((a, i) => (m.transitionProperties ?? []).some((p) => p.on === undefined || p.on(a, i)));
    const isVisible = (i: number): boolean => judged[cm.refs[i]!.action]! || overlaps(fp.writes[i]!, fp.observed);
    const dependent = (a: number, b: number): boolean =>
      overlaps(fp.writes[a]!, fp.writes[b]!) || overlaps(fp.writes[a]!, fp.reads[b]!) || overlaps(fp.writes[b]!, fp.reads[a]!);
    this.visible = new Uint32Array(W);
    this.dep = new Uint32Array(N * W);
    this.enablers = new Uint32Array(N * W);
    let useful = false;
    for (let i = 0; i < N; i++) {
      if (isVisible(i)) this.visible[i >>> 5]! |= 1 << (i & 31);
      let deps = 0;
      for (let j = 0; j < N; j++) {
        if (i === j) continue;
        if (dependent(i, j)) {
          this.dep[i * W + (j >>> 5)]! |= 1 << (j & 31);
          deps++;
        }
        if (overlaps(fp.writes[j]!, fp.reads[i]!)) this.enablers[i * W + (j >>> 5)]! |= 1 << (j & 31);
      }
      // Some invisible instance is independent of some other: only then can a set leave one out.
      if (!isVisible(i) && deps < N - 1) useful = true;
    }
    this.useful = useful;
    this.enabled = new Uint32Array(W);
    this.enabledVisible = new Uint32Array(W);
    this.set = new Uint32Array(W);
    this.pending = new Uint32Array(W);
    this.scratch = new Int32Array(N);
  }

  /**
   * Reorders the `n` enabled instances in `en` so that a persistent set meeting C2 comes first,
   * and returns its size; `n` when no smaller one was found.
   */
  ample(en: Int32Array, n: number): number {
    if (n <= 1) return n;
    const { enabled, enabledVisible, visible, set, words: W } = this;
    enabled.fill(0);
    for (let e = 0; e < n; e++) enabled[en[e]! >>> 5]! |= 1 << (en[e]! & 31);
    for (let w = 0; w < W; w++) enabledVisible[w] = enabled[w]! & visible[w]!;
    let best = n;
    let bestSeed = -1;
    for (let e = 0; e < n; e++) {
      const seed = en[e]!;
      if ((visible[seed >>> 5]! & (1 << (seed & 31))) !== 0) continue;
      const size = this.closure(seed, best);
      if (size < best) {
        best = size;
        bestSeed = seed;
        if (best === 1) break;
      }
    }
    if (bestSeed < 0) return n;
    this.closure(bestSeed, n + 1);
    // Stable partition: the set's members first, in enabled order.
    const scratch = this.scratch;
    let m = 0;
    let k = 0;
    for (let e = 0; e < n; e++) {
      const t = en[e]!;
      if ((set[t >>> 5]! & (1 << (t & 31))) !== 0) en[m++] = t;
      else scratch[k++] = t;
    }
    for (let j = 0; j < k; j++) en[m + j] = scratch[j]!;
    return m;
  }

  /**
   * Grows the stubborn set of `seed` in `set`; returns how many enabled members it has, or
   * `limit` as soon as it reaches `limit` or takes in a visible enabled instance (then it could
   * only be all of them).
   */
  private closure(seed: number, limit: number): number {
    const { set, pending, enabled, enabledVisible, dep, enablers, words: W } = this;
    set.fill(0);
    pending.fill(0);
    set[seed >>> 5] = 1 << (seed & 31);
    pending[seed >>> 5] = 1 << (seed & 31);
    let count = 1;
    for (let w = 0; w < W;) {
      const bits = pending[w]!;
      if (bits === 0) {
        w++;
        continue;
      }
      const low = bits & -bits;
      pending[w] = bits ^ low;
      const t = (w << 5) + 31 - Math.clz32(low);
      const rows = (enabled[w]! & low) !== 0 ? dep : enablers;
      const at = t * W;
      let back = w;
      for (let v = 0; v < W; v++) {
        const add = rows[at + v]! & ~set[v]!;
        if (add === 0) continue;
        if ((add & enabledVisible[v]!) !== 0) return limit;
        set[v]! |= add;
        pending[v]! |= add;
        count += popcount(add & enabled[v]!);
        if (v < back) back = v;
      }
      if (count >= limit) return limit;
      w = back;
    }
    return count;
  }
}
