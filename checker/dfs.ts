// Depth-first search with an explicit stack (SPIN's order). Reaches the same set of states as
// BFS when no bound cuts it; its counterexamples are valid but not necessarily shortest.
//
// A stack frame is (packed state, state number, next action instance to try, any-enabled flag).

import type { RecordDomain } from './domain.js';
import type { CompiledModel } from './compiled.js';
import { Exploration, Phase } from './explore.js';
import type { SearchOptions, SearchResult } from './result.js';

export function dfs<D extends RecordDomain>(cm: CompiledModel<D>, opts: SearchOptions = {}): SearchResult {
  const x = new Exploration(cm, opts);
  const W = cm.words;
  const F = W + 3;
  const ID = W;
  const NEXT = W + 1;
  const ENABLED = W + 2;
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
  const store = x.store;
  const isEnd = cm.model.isEndState;
  const hasStepProps = (cm.model.transitionProperties?.length ?? 0) > 0;
  const onState = opts.onState;
  const canon = x.canon;

  let st = new Uint32Array(F * 256);
  let top = -F; // offset of the top frame
  const push = (id: number): void => {
    if (top + 2 * F > st.length) {
      const bigger = new Uint32Array(st.length * 2);
      bigger.set(st);
      st = bigger;
    }
    top += F;
    for (let k = 0; k < W; k++) st[top + k] = next[k]!;
    st[top + ID] = id;
    st[top + NEXT] = 0;
    st[top + ENABLED] = 0;
  };

  let ref = -1;
  let id = -1;
  let cut = false;
  try {
    const roots: number[] = [];
    const rootStates: Uint32Array[] = [];
    if (!x.seed(next, (rid) => {
      roots.push(rid);
      rootStates.push(next.slice());
    })) return x.result(false);
    for (let r = 0; r < roots.length && x.found === undefined; r++) {
      next.set(rootStates[r]!);
      push(roots[r]!);
      while (top >= 0) {
        const depth = top / F;
        if (depth > x.maxDepthSeen) x.maxDepthSeen = depth;
        for (let i = 0; i < W; i++) cur[i] = st[top + i]!;
        id = st[top + ID]!;
        x.phase = Phase.Action;
        let k = st[top + NEXT]!;
        while (k < nRefs && !guards[k]!(s, actors[k]!)) k++;
        ref = k;
        if (k === nRefs) {
          if (st[top + ENABLED] === 0 && !isEnd(s)) {
            x.found = x.pathTo(id, -1);
            break;
          }
          top -= F;
          continue;
        }
        st[top + NEXT] = k + 1;
        st[top + ENABLED] = 1;
        for (let i = 0; i < W; i++) next[i] = cur[i]!;
        effects[k]!(s, nw, actors[k]!);
        x.transitions++;
        x.fired[k]!++;
        if (hasStepProps) {
          const p = cm.firstViolatedStep(s, k, nr);
          if (p >= 0) {
            x.found = x.pathTo(id, p, k);
            break;
          }
        }
        if (canon !== undefined) canon.canon(next);
        // At the depth bound successors are checked but not stored: cut only if one is new.
        if (depth >= x.maxDepth) {
          if (!store.has(next, 0)) cut = true;
          continue;
        }
        if (!store.insert(next, 0)) continue;
        if (store.size > x.maxStates) {
          x.stoppedBy = 'max-states';
          return x.result(true);
        }
        const nid = x.links.add(id, k);
        if (onState !== undefined) onState(next);
        x.phase = Phase.Invariant;
        const p = cm.firstViolated(nr);
        if (p >= 0) {
          x.found = x.pathTo(nid, p);
          break;
        }
        push(nid);
        x.progress(top / F + 1, top / F);
      }
    }
    return x.result(cut);
  } catch (e) {
    return x.result(false, x.error(e, ref, id));
  }
}
