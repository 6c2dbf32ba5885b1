// Depth-first search with an explicit stack. Reaches the same set of states as BFS when no
// bound cuts it; its counterexamples are valid but not necessarily shortest.
//
// A state is expanded when it is popped, through the same successor step as BFS: its new
// successors are stored, checked and pushed, so the stack holds states generated but not yet
// expanded, each with its number, depth and the action instance that produced it. The path
// to the state being expanded is kept by depth: when a state at depth d is popped, the states
// at depths below d on the path are exactly its ancestors (the stack discipline), so
// `path[d - 1]` is all that changes.

import type { RecordDomain } from './domain.js';
import type { CompiledModel } from './compiled.js';
import { Expansion } from './expand.js';
import { Exploration } from './explore.js';
import type { SearchOptions, SearchResult } from './result.js';

export function dfs<D extends RecordDomain>(cm: CompiledModel<D>, opts: SearchOptions = {}): SearchResult {
  const x = new Exploration(cm, opts, false);
  const W = cm.words;
  const F = W + 3;
  const ID = W;
  const DEPTH = W + 1;
  /** The action instance that produced the state; for an initial state, its init index. */
  const VIA = W + 2;
  const succ = x.succ;
  const { cur, next } = succ;

  let st = new Uint32Array(F * 256);
  x.budget.force(st.byteLength);
  let top = 0; // words in use
  let path: Int32Array = new Int32Array(256);
  let root = 0;
  const push = (id: number, depth: number, via: number): boolean => {
    if (top + F > st.length) {
      if (!x.budget.take(st.byteLength * 2)) return false;
      const bigger = new Uint32Array(st.length * 2);
      bigger.set(st);
      x.budget.give(st.byteLength);
      st = bigger;
    }
    for (let k = 0; k < W; k++) st[top + k] = next[k]!;
    st[top + ID] = id;
    st[top + DEPTH] = depth;
    st[top + VIA] = via;
    top += F;
    return true;
  };
  /** The path to the state being expanded, or, one longer, to the successor just stored. */
  x.pathTo = (_id, length) => ({ init: root, steps: Array.from(path.subarray(0, length)) });

  let depth = 0;
  let atBound = false;
  /** Stores each new successor, checks it, pushes it; false stops (a bound, a finding). */
  const sink = (ref: number): boolean => {
    const nid = x.admit(atBound);
    if (nid < 0) return nid === -1;
    const p = succ.judgeState();
    if (p !== -1) {
      path = onPath(path, depth, ref);
      x.found = x.invariantAt(p, depth + 1, nid);
      return false;
    }
    if (!push(nid, depth + 1, ref)) {
      x.stoppedBy = 'memory';
      return false;
    }
    return true;
  };

  if (!x.seed((sid, init) => push(sid, 0, init))) return x.result();
  // The first initial state is expanded first, as it was stored first.
  reverseFrames(st, top, F);
  while (top > 0) {
    top -= F;
    for (let k = 0; k < W; k++) cur[k] = st[top + k]!;
    const id = st[top + ID]!;
    depth = st[top + DEPTH]!;
    if (depth === 0) root = st[top + VIA]!;
    else path = onPath(path, depth - 1, st[top + VIA]!);
    if (depth > x.maxDepthSeen) x.maxDepthSeen = depth;
    atBound = depth >= x.maxDepth;
    const how = succ.expand(sink);
    if (how === Expansion.Stopped) {
      if (x.stoppedBy !== undefined) return x.result();
      break;
    }
    if (how !== Expansion.Done) {
      x.found = x.expansionAt(how, depth, id);
      break;
    }
    x.progress(top / F, depth);
  }
  return x.result();
}

/** Sets step `i` of the path (growing it when full); returns the path. */
function onPath(path: Int32Array, i: number, ref: number): Int32Array {
  if (i >= path.length) {
    const longer = new Int32Array(path.length * 2);
    longer.set(path);
    path = longer;
  }
  path[i] = ref;
  return path;
}

/** Reverses the order of the `top / F` frames of F words at the start of `st`. */
function reverseFrames(st: Uint32Array, top: number, F: number): void {
  const tmp = new Uint32Array(F);
  for (let a = 0, b = top - F; a < b; a += F, b -= F) {
    tmp.set(st.subarray(a, a + F));
    st.copyWithin(a, b, b + F);
    st.set(tmp, b);
  }
}
