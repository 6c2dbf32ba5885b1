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
import { Expansion } from './expand.js';
import { Exploration } from './explore.js';
import type { FoundPath, SearchOptions, SearchResult } from './result.js';

export function bfs<D extends RecordDomain>(cm: CompiledModel<D>, opts: SearchOptions = {}): SearchResult {
  const first = search(cm, opts, false);
  if (first.found === undefined) return first;
  // Bounded by the finding's depth (and the user's bound), the second search explores exactly
  // what the first did up to it, so it stops at the same violation or fault.
  const maxDepth = Math.min(opts.maxDepth ?? Infinity, first.found.length);
  // From the initial states, whether the first search resumed from a checkpoint or not.
  const again = search(cm, { ...opts, maxDepth, onState: undefined, onProgress: undefined, resume: undefined, checkpoint: undefined }, true);
  again.stats.seconds += first.stats.seconds;
  return again;
}

function search<D extends RecordDomain>(cm: CompiledModel<D>, opts: SearchOptions, withLinks: boolean): SearchResult {
  const x = new Exploration(cm, opts, withLinks);
  const W = cm.words;
  const E = W + 1;
  const succ = x.succ;
  const { cur, next } = succ;
  const links = x.links;

  let q = new Uint32Array(E * 1024);
  x.budget.force(q.byteLength);
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
    if (!x.budget.take(q.byteLength * 2)) return false;
    const bigger = new Uint32Array(q.length * 2);
    bigger.set(q.subarray(0, tail));
    x.budget.give(q.byteLength);
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

  let id = -1;
  let depth = opts.resume?.depth ?? 0;
  let atBound = false;
  let pending: FoundPath | undefined;
  /** Stores each new successor, checks it, queues it; false stops (a bound, a finding). */
  const sink = (ref: number): boolean => {
    const nid = x.admit(atBound);
    if (nid < 0) return nid === -1;
    // State numbers are insertion order, which the parent links follow too.
    if (links !== undefined && !links.add(id, ref)) {
      x.stoppedBy = 'memory';
      return false;
    }
    const p = succ.judgeState();
    if (p !== -1) {
      x.maxDepthSeen = depth + 1;
      if (p === -2) x.found = x.invariantAt(p, depth + 1, nid);
      else pending = x.invariantAt(p, depth + 1, nid);
      return false;
    }
    if (!push(nid)) {
      x.stoppedBy = 'memory';
      return false;
    }
    return true;
  };

  if (opts.resume === undefined ? !x.seed(push) : !x.resumeFrontier(opts.resume, push)) return x.result();
  levelEnd = tail;
  while (head < tail) {
    if (head === levelEnd) {
      // A violation one level down stands once this level has no shorter deadlock.
      if (pending) break;
      depth++;
      x.maxDepthSeen = depth;
      levelEnd = tail;
      if (x.checkpointDue() && x.saveCheckpoint(depth, [{ words: q.subarray(head, tail), count: (tail - head) / E, stride: E }])) {
        // Handed over: the caller goes on from the snapshot and reads nothing of this result.
        x.stoppedBy = 'max-states';
        return x.result();
      }
    }
    for (let k = 0; k < W; k++) cur[k] = q[head + k]!;
    id = q[head + W]!;
    head += E;
    atBound = depth >= x.maxDepth;
    // With a violation one step further known, only a deadlock here would be shorter.
    const how = succ.expand(pending === undefined ? sink : null);
    if (how === Expansion.Stopped) {
      if (x.stoppedBy !== undefined) return x.result();
      if (x.found !== undefined) break;
    } else if (how !== Expansion.Done) {
      const f = x.expansionAt(how, depth, id);
      if (how === Expansion.Violation) pending = f;
      else {
        x.found = f;
        break;
      }
    }
    x.progress((tail - head) / E, depth);
  }
  if (x.found === undefined && pending !== undefined) x.found = pending;
  return x.result();
}
