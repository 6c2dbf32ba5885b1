// Depth-first search with an explicit stack (SPIN's order). Reaches the same set of states as
// BFS when no bound cuts it; its counterexamples are valid but not necessarily shortest.
//
// A stack frame is (packed state, next action instance to try, any-enabled flag, the action
// instance that produced it). The stack is the path, so no parent links are kept.

import type { RecordDomain } from './domain.js';
import type { CompiledModel } from './compiled.js';
import { Exploration, Phase } from './explore.js';
import type { FoundPath, SearchOptions, SearchResult } from './result.js';

export function dfs<D extends RecordDomain>(cm: CompiledModel<D>, opts: SearchOptions = {}): SearchResult {
  const x = new Exploration(cm, opts, false);
  const W = cm.words;
  const F = W + 3;
  const NEXT = W;
  const ENABLED = W + 1;
  const VIA = W + 2;
  const { cur, next, s, nr, nw } = cm.stepBuffers();
  const { guards, actors } = cm;
  const apply = cm.apply;
  const nRefs = guards.length;
  const store = x.store;
  const isEnd = cm.model.isEndState;
  const hasStepProps = (cm.model.transitionProperties?.length ?? 0) > 0;
  const onState = opts.onState;
  const canon = x.canon;

  let st = new Uint32Array(F * 256);
  let top = -F; // offset of the top frame
  let root = 0;
  const push = (via: number): boolean => {
    if (top + 2 * F > st.length) {
      if (st.byteLength * 2 + store.bytes > x.memory) return false;
      const bigger = new Uint32Array(st.length * 2);
      bigger.set(st);
      st = bigger;
    }
    top += F;
    for (let k = 0; k < W; k++) st[top + k] = next[k]!;
    st[top + NEXT] = 0;
    st[top + ENABLED] = 0;
    st[top + VIA] = via;
    return true;
  };
  /** The path to the top frame (plus `ref` when a transition property failed on it). */
  const found = (property: number, ref = -1): FoundPath => {
    const steps: number[] = [];
    for (let f = F; f <= top; f += F) steps.push(st[f + VIA]!);
    if (ref >= 0) steps.push(ref);
    return { property, length: steps.length, init: root, steps };
  };

  let ref = -1;
  let cut = false;
  try {
    const roots: { init: number; words: Uint32Array }[] = [];
    if (!x.seed(next, (_id, init) => roots.push({ init, words: next.slice() }))) return x.result(false);
    for (let r = 0; r < roots.length && x.found === undefined; r++) {
      root = roots[r]!.init;
      next.set(roots[r]!.words);
      push(0);
      while (top >= 0) {
        const depth = top / F;
        if (depth > x.maxDepthSeen) x.maxDepthSeen = depth;
        for (let i = 0; i < W; i++) cur[i] = st[top + i]!;
        x.phase = Phase.Action;
        let k = st[top + NEXT]!;
        while (k < nRefs && !guards[k]!(s, actors[k]!)) k++;
        ref = k;
        if (k === nRefs) {
          if (st[top + ENABLED] === 0 && !isEnd(s)) {
            x.found = found(-1);
            break;
          }
          top -= F;
          continue;
        }
        st[top + NEXT] = k + 1;
        st[top + ENABLED] = 1;
        for (let i = 0; i < W; i++) next[i] = cur[i]!;
        apply(k, s, nw);
        x.transitions++;
        x.fired[k]!++;
        if (hasStepProps) {
          const p = cm.firstViolatedStep(s, k, nr);
          if (p >= 0) {
            x.found = found(p, k);
            break;
          }
        }
        if (canon !== undefined) canon.canon(next);
        // At the depth bound successors are checked but not stored: cut only if one is new.
        if (depth >= x.maxDepth) {
          if (!store.has(next, 0)) cut = true;
          continue;
        }
        const ins = store.insert(next, 0);
        if (ins === 0) continue;
        if (ins < 0) {
          x.stoppedBy = 'memory';
          return x.result(true);
        }
        if (store.size > x.maxStates) {
          x.stoppedBy = 'max-states';
          return x.result(true);
        }
        if (onState !== undefined) onState(next);
        if (!push(k)) {
          x.stoppedBy = 'memory';
          return x.result(true);
        }
        x.phase = Phase.Invariant;
        const p = cm.firstViolated(nr);
        if (p >= 0) {
          x.found = found(p);
          break;
        }
        x.progress(top / F + 1, top / F);
      }
    }
    return x.result(cut);
  } catch (e) {
    return x.result(false, x.error(e, ref, top / F));
  }
}
