// Breadth-first search, level by level, so the first violation found has a shortest trace.
//
// The queue is one Uint32Array of entries (packed state, state number). A state is copied out
// of the queue before it is expanded, so the queue may grow or compact while successors are
// pushed. Nothing in the loop allocates.

import type { RecordDomain } from './domain.js';
import type { CompiledModel } from './compiled.js';
import { Exploration, Phase } from './explore.js';
import type { FoundPath, SearchOptions, SearchResult } from './result.js';

export function bfs<D extends RecordDomain>(cm: CompiledModel<D>, opts: SearchOptions = {}): SearchResult {
  const x = new Exploration(cm, opts);
  const W = cm.words;
  const E = W + 1;
  const cur = new Uint32Array(W);
  const next = new Uint32Array(W);
  const sv = cm.layout.newView();
  sv.bind(cur);
  const nv = cm.layout.newView();
  nv.bind(next);
  const s = sv.read;
  const nr = nv.read;
  const nw = nv.write;
  const { guards, effects, actors } = cm;
  const nRefs = guards.length;
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
  const push = (id: number): void => {
    if (tail + E > q.length) {
      if (head >= q.length >>> 1) {
        // The state being expanded was copied to `cur`, so the queue may move under it.
        q.copyWithin(0, head, tail);
        tail -= head;
        levelEnd -= head;
        head = 0;
      } else {
        const bigger = new Uint32Array(q.length * 2);
        bigger.set(q.subarray(0, tail));
        q = bigger;
      }
    }
    for (let k = 0; k < W; k++) q[tail + k] = next[k]!;
    q[tail + W] = id;
    tail += E;
  };
  let levelEnd = 0;

  let ref = -1;
  let id = -1;
  let cut = false;
  let pending: FoundPath | undefined;
  try {
    if (!x.seed(next, push)) return x.result(false);
    levelEnd = tail;
    let depth = 0;
    x.maxDepthSeen = 0;
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
      let enabled = false;
      if (pending !== undefined) {
        // A violation one step further is known: only a deadlock here would be shorter.
        for (ref = 0; ref < nRefs; ref++) {
          if (guards[ref]!(s, actors[ref]!)) {
            enabled = true;
            break;
          }
        }
        if (!enabled && !isEnd(s)) {
          x.found = x.pathTo(id, -1);
          break;
        }
        continue;
      }
      // At the depth bound successors are generated and checked but not stored: the search is
      // cut only if one of them is new.
      const atBound = depth >= x.maxDepth;
      for (ref = 0; ref < nRefs; ref++) {
        const a = actors[ref]!;
        if (!guards[ref]!(s, a)) continue;
        enabled = true;
        for (let k = 0; k < W; k++) next[k] = cur[k]!;
        effects[ref]!(s, nw, a);
        x.transitions++;
        fired[ref]!++;
        if (hasStepProps) {
          const p = cm.firstViolatedStep(s, ref, nr);
          if (p >= 0) {
            pending = x.pathTo(id, p, ref);
            break;
          }
        }
        if (canon !== undefined) canon.canon(next);
        if (atBound) {
          if (!store.has(next, 0)) cut = true;
          continue;
        }
        if (!store.insert(next, 0)) continue;
        if (store.size > x.maxStates) {
          x.stoppedBy = 'max-states';
          return x.result(true);
        }
        const nid = links.add(id, ref);
        if (onState !== undefined) onState(next);
        x.phase = Phase.Invariant;
        const p = cm.firstViolated(nr);
        x.phase = Phase.Action;
        if (p >= 0) {
          if (depth + 1 > x.maxDepthSeen) x.maxDepthSeen = depth + 1;
          pending = x.pathTo(nid, p);
          break;
        }
        push(nid);
      }
      if (!enabled && !isEnd(s)) {
        x.found = x.pathTo(id, -1);
        break;
      }
      x.progress((tail - head) / E, depth);
    }
    if (x.found === undefined && pending !== undefined) x.found = pending;
    return x.result(cut);
  } catch (e) {
    return x.result(false, x.error(e, ref, id));
  }
}
