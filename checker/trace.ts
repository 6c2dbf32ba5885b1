// Traces users see: the initial state, then one entry per transition with the full state after it.
// Built by replaying action instances from the initial state, and checked the same way, so a
// trace that the model cannot produce is rejected.

import type { Plain, Read, RecordDomain } from './domain.js';
import type { CompiledModel } from './compiled.js';
import { Successors } from './expand.js';
import type { Canonicalizer } from './symmetry.js';

export interface TraceStep<S = unknown> {
  /** Null for the initial state. */
  readonly action: string | null;
  /** The actor (e.g. CPU number), or null when the action has none. */
  readonly actor: number | null;
  readonly state: S;
}

/**
 * Replays `steps` (action instance indices) from initial state `init`. When the search stored
 * canonical states (`canon`), the recorded steps apply to canonical states; the trace shown is
 * concrete: at each step it takes an instance of the recorded action (another actor of the
 * same orbit where needed) whose successor has the recorded canonical form.
 */
export function buildTrace<D extends RecordDomain>(
  cm: CompiledModel<D>,
  init: number,
  steps: readonly number[],
  canon?: Canonicalizer,
): { trace: TraceStep<Plain<D>>[]; steps: number[] } {
  const { cur, next, s, nw } = cm.stepBuffers();
  // The canonical chain the search recorded, when it stored canonical states.
  const ghost = cm.bound();
  cm.writeInit(init, cur);
  ghost.words.set(cur);
  canon?.canon(ghost.words);
  // Under symmetry, the concrete state's successors (canonicalised) are searched for the
  // recorded one; `matches` is the sink that stops at it.
  const succ = canon && new Successors(cm, canon, false);
  let action = -1;
  let taken: number;
  const matches = (ref: number): boolean => {
    if (cm.refs[ref]!.action !== action || !sameWords(succ!.next, ghost.words)) return true;
    taken = ref;
    return false;
  };
  /** Applies instance `ref` to `from` (a view over `words`) into `next`. */
  const apply = (ref: number, words: Uint32Array, from: Read<D>): void => {
    next.set(words);
    cm.effects[ref]!(from, nw, cm.refs[ref]!.actor);
  };
  const trace: TraceStep<Plain<D>>[] = [{ action: null, actor: null, state: cm.layout.decode(cur) }];
  const refs: number[] = [];
  for (const recorded of steps) {
    let ref = recorded;
    if (succ) {
      if (!cm.guards[recorded]!(ghost.read, cm.refs[recorded]!.actor)) throw new Error(`replay: ${cm.label(recorded)} is not enabled at step ${trace.length}`);
      apply(recorded, ghost.words, ghost.read);
      canon!.canon(next);
      ghost.words.set(next);
      action = cm.refs[recorded]!.action;
      taken = -1;
      succ.cur.set(cur);
      succ.expand(matches);
      ref = taken;
      if (ref < 0) throw new Error(`replay: no instance of ${cm.refs[recorded]!.name} reproduces step ${trace.length}; is the declared symmetry sound?`);
    } else if (!cm.guards[ref]!(s, cm.refs[ref]!.actor)) {
      throw new Error(`replay: ${cm.label(ref)} is not enabled at step ${trace.length}`);
    }
    apply(ref, cur, s);
    cur.set(next);
    refs.push(ref);
    const r = cm.refs[ref]!;
    trace.push({ action: r.name, actor: r.actor < 0 ? null : r.actor, state: cm.layout.decode(cur) });
  }
  return { trace, steps: refs };
}

export type ReplayResult = { ok: true; steps: number[]; init: number } | { ok: false; step: number; reason: string };

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Checks that the model can produce `trace` exactly: its first state is initial, and each step's
 * action (with its actor) is enabled and leads to the state given. Returns the action instances.
 */
export function replay<D extends RecordDomain>(cm: CompiledModel<D>, trace: readonly TraceStep[]): ReplayResult {
  if (trace.length === 0) return { ok: false, step: 0, reason: 'empty trace' };
  const want = new Uint32Array(cm.words);
  const { cur, next, s, nw } = cm.stepBuffers();
  try {
    cm.layout.encode(trace[0]!.state, want);
  } catch (e) {
    return { ok: false, step: 0, reason: (e as Error).message };
  }
  let init = -1;
  for (let i = 0; i < cm.model.init.length && init < 0; i++) {
    cm.writeInit(i, cur);
    if (sameWords(cur, want)) init = i;
  }
  if (init < 0) return { ok: false, step: 0, reason: 'the first state is not an initial state' };
  const steps: number[] = [];
  for (let t = 1; t < trace.length; t++) {
    const step = trace[t]!;
    try {
      cm.layout.encode(step.state, want);
    } catch (e) {
      return { ok: false, step: t, reason: (e as Error).message };
    }
    const actor = step.actor ?? -1;
    const ref = cm.refs.findIndex((r) => r.name === step.action && r.actor === actor);
    if (ref < 0) return { ok: false, step: t, reason: `no action ${step.action}${step.actor === null ? '' : ` for actor ${step.actor}`}` };
    if (!cm.guards[ref]!(s, actor)) return { ok: false, step: t, reason: `${cm.label(ref)} is not enabled` };
    next.set(cur);
    cm.effects[ref]!(s, nw, actor);
    if (!sameWords(next, want)) return { ok: false, step: t, reason: `${cm.label(ref)} does not lead to the state given` };
    cur.set(next);
    steps.push(ref);
  }
  return { ok: true, steps, init };
}
