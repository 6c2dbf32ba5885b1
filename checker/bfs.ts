// Breadth-first search, level by level, so the first violation found has a shortest trace.
//
// The queue is one Uint32Array of entries (packed state, state number). A state is copied out
// of the queue before it is expanded, so the queue may grow or compact while successors are
// pushed. Nothing in the loop allocates.
//
// The search keeps no parent links: per state it stores only a fingerprint. When it finds a
// violation, a second search, bounded to the violation's depth, keeps links and rebuilds the
// trace (TLC's re-search). Being deterministic, it stops at the same violation.

import type { RecordDomain } from './domain.js';
import type { CompiledModel } from './compiled.js';
import { Exploration, Phase } from './explore.js';
import type { FoundPath, SearchOptions, SearchResult } from './result.js';

export function bfs<D extends RecordDomain>(cm: CompiledModel<D>, opts: SearchOptions = {}): SearchResult {
  const first = search(cm, opts, false);
  if (first.found === undefined) return first;
  // Bounded by the violation's depth (and the user's bound), the second search explores
  // exactly what the first did up to the violation.
  const maxDepth = Math.min(opts.maxDepth ?? Infinity, first.found.length);
  const again = search(cm, { ...opts, maxDepth, onState: undefined, onProgress: undefined }, true);
  again.stats.seconds += first.stats.seconds;
  return again;
}

function search<D extends RecordDomain>(cm: CompiledModel<D>, opts: SearchOptions, withLinks: boolean): SearchResult {
  const x = new Exploration(cm, opts, withLinks);
  const W = cm.words;
  const E = W + 1;
  const { cur, next, s, nr, nw } = cm.stepBuffers();
  const enabledOf = cm.enabled;
  const apply = cm.apply;
  const en = new Int32Array(cm.refs.length);
  const fired = x.fired;
  const store = x.store;
  const links = x.links;
  const isEnd = cm.model.isEndState;
  const hasStepProps = (cm.model.transitionProperties?.length ?? 0) > 0;
  const onState = opts.onState;
  const canon = x.canon;

  let q = new Uint32Array(E * 1024);
  let head = 0;
  let tail = 0;
  let levelEnd = 0;
  /** Grows or compacts the queue; false when that would go over the memory budget. */
  const room = (): boolean => {
    if (head >= q.length >>> 1) {
      // The state being expanded was copied to `cur`, so the queue may move under it.
      q.copyWithin(0, head, tail);
      tail -= head;
      levelEnd -= head;
      head = 0;
      return true;
    }
    if (q.byteLength * 2 + store.bytes + (links?.bytes ?? 0) > x.memory) return false;
    const bigger = new Uint32Array(q.length * 2);
    bigger.set(q.subarray(0, tail));
    q = bigger;
    return true;
  };
  const push = (id: number): boolean => {
    if (tail + E > q.length && !room()) return false;
    for (let k = 0; k < W; k++) q[tail + k] = next[k]!;
    q[tail + W] = id;
    tail += E;
    return true;
  };

  let ref = -1;
  let id = -1;
  let cut = false;
  let pending: FoundPath | undefined;
  try {
    if (!x.seed(next, push)) return x.result(false);
    levelEnd = tail;
    let depth = 0;
    while (head < tail) {
      if (head === levelEnd) {
        // A violation one level down stands once this level has no shorter deadlock.
        if (pending) break;
        depth++;
        x.maxDepthSeen = depth;
        levelEnd = tail;
      }
      for (let k = 0; k < W; k++) cur[k] = q[head + k]!;
      id = q[head + W]!;
      head += E;
      x.phase = Phase.Action;
      ref = -1;
      const nEnabled = enabledOf(s, en);
      if (nEnabled === 0 && !isEnd(s)) {
        x.found = x.foundAt(-1, depth, id);
        break;
      }
      // A violation one step further is known: only a deadlock here would be shorter.
      if (pending !== undefined) continue;
      // At the depth bound successors are generated and checked but not stored: the search is
      // cut only if one of them is new.
      const atBound = depth >= x.maxDepth;
      for (let e = 0; e < nEnabled; e++) {
        ref = en[e]!;
        for (let k = 0; k < W; k++) next[k] = cur[k]!;
        apply(ref, s, nw);
        x.transitions++;
        fired[ref]!++;
        if (hasStepProps) {
          const p = cm.firstViolatedStep(s, ref, nr);
          if (p >= 0) {
            pending = x.foundAt(p, depth + 1, id, ref);
            break;
          }
        }
        if (canon !== undefined) canon.canon(next);
        if (atBound) {
          if (!store.has(next, 0)) cut = true;
          continue;
        }
        const r = store.insert(next, 0);
        if (r === 0) continue;
        if (r < 0) {
          x.stoppedBy = 'memory';
          return x.result(true);
        }
        if (store.size > x.maxStates) {
          x.stoppedBy = 'max-states';
          return x.result(true);
        }
        const nid = links !== undefined ? links.add(id, ref) : 0;
        if (onState !== undefined) onState(next);
        x.phase = Phase.Invariant;
        const p = cm.firstViolated(nr);
        x.phase = Phase.Action;
        if (p >= 0) {
          x.maxDepthSeen = depth + 1;
          pending = x.foundAt(p, depth + 1, nid);
          break;
        }
        if (!push(nid)) {
          x.stoppedBy = 'memory';
          return x.result(true);
        }
      }
      x.progress((tail - head) / E, depth);
    }
    if (x.found === undefined && pending !== undefined) x.found = pending;
    return x.result(cut);
  } catch (e) {
    return x.result(false, x.error(e, ref, id));
  }
}
