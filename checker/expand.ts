// The one successor step every search drives (TLC's getNextStates, Stateright's next_state):
// the enabled action instances of a state through the compiled guards, each effect applied to
// a copy, the transition properties judged, the successor canonicalised under symmetry and
// handed to the caller's sink. BFS, DFS, the parallel workers, the state graph and trace
// replay call it; no other file loops over actions.
//
// A model function that throws becomes a located `Fault` (phase, action instance, property),
// a value the search turns into a model error with the trace to the state: nothing escapes.

import type { CompiledModel } from './compiled.js';
import type { Read, RecordDomain, Write } from './domain.js';
import type { PartialOrder } from './reduction.js';
import type { Canonicalizer } from './symmetry.js';

/** Which model function threw. */
export type ModelPhase = 'init' | 'guard' | 'effect' | 'invariant' | 'transition property' | 'end state' | 'target';

/** A model function that threw, as the engine locates it. */
export interface Fault {
  readonly phase: ModelPhase;
  /** The action instance (CompiledModel.refs index) whose guard or effect threw or whose step was judged; -1 if none. */
  readonly ref: number;
  /** The property that threw (CompiledModel.propertyNames index), or -1. */
  readonly property: number;
  /** The initial-state writer that threw (phase 'init'), or -1. */
  readonly init: number;
  readonly cause: unknown;
}

/** How an expansion ended. */
export const enum Expansion {
  /** Every successor went to the sink. */
  Done,
  /** The sink asked to stop. */
  Stopped,
  /** No action is enabled and the state is not a legal end state. */
  Deadlock,
  /** A transition property failed: `property` and `ref` say which and on which step. */
  Violation,
  /** A model function threw: see `fault`. */
  Fault,
}

/**
 * Receives each successor in `next` (canonical under symmetry), reached by action instance
 * `ref`; returns false to stop the expansion. The state expanded stays in `cur`.
 */
export type Sink = (ref: number) => boolean;

/** Where expand() was when something threw: only model functions' throws are faults. */
const enum At {
  Guard,
  End,
  Effect,
  Step,
  Engine,
}

export class Successors<D extends RecordDomain = RecordDomain> {
  /** The state to expand: the caller writes it here. */
  readonly cur: Uint32Array;
  /** Each successor in turn; also where `initial` writes. */
  readonly next: Uint32Array;
  /** Transitions fired per action instance (their sum is `transitions`). */
  readonly fired: Float64Array;
  /** After `Expansion.Violation`: the transition property broken (propertyNames index). */
  property = -1;
  /** After `Expansion.Violation`: the step's action instance. */
  ref = -1;
  /** After `Expansion.Fault`, or `initial`/`judge` reporting one. */
  fault: Fault | undefined;
  /**
   * Set by the search's sink when a successor was stored before: with a reducer, the cycle
   * proviso then expands the instances the reduced set left out (reduction.ts, C3).
   */
  revisited = false;
  /** States whose expansion the reducer cut to a proper subset of the enabled instances. */
  partial = 0;
  /** Which reachability targets (Model.targets) a judged state reached. */
  readonly reached: Uint8Array;
  /** The targets not reached yet: the first `open` entries. */
  private readonly unreached: Int32Array;
  private open: number;

  private readonly s: Read<D>;
  private readonly nr: Read<D>;
  private readonly nw: Write<D>;
  private readonly en: Int32Array;
  private readonly judge: boolean;

  /**
   * `canon`: store canonical successors (symmetry). `judgeSteps`: check transition properties
   * (the state graph records every broken one itself, so it turns this off). `reducer`: expand
   * one persistent set per state (--por); the search must then set `revisited`.
   */
  constructor(
    readonly cm: CompiledModel<D>,
    readonly canon: Canonicalizer | undefined,
    judgeSteps = true,
    private readonly reducer?: PartialOrder,
  ) {
    const b = cm.stepBuffers();
    this.cur = b.cur;
    this.next = b.next;
    this.s = b.s;
    this.nr = b.nr;
    this.nw = b.nw;
    this.en = new Int32Array(cm.refs.length);
    this.fired = new Float64Array(cm.refs.length);
    this.judge = judgeSteps && (cm.model.transitionProperties?.length ?? 0) > 0;
    const targets = cm.model.targets?.length ?? 0;
    this.reached = new Uint8Array(targets);
    this.unreached = Int32Array.from({ length: targets }, (_, i) => i);
    this.open = targets;
  }

  /** Continues the counts of a search resumed from a checkpoint: what fired, which targets were reached. */
  resume(fired: Float64Array, reached: Uint8Array): void {
    this.fired.set(fired);
    this.open = 0;
    for (let t = 0; t < reached.length; t++) {
      this.reached[t] = reached[t]!;
      if (reached[t] === 0) this.unreached[this.open++] = t;
    }
  }

  /**
   * The successor in `next` is the state expanded: a step that changed nothing (an interrupt
   * handler that only reads, say). The search has stored that state, so it need not look it up.
   */
  unchanged(): boolean {
    const { cur, next } = this;
    for (let k = 0; k < cur.length; k++) if (next[k] !== cur[k]) return false;
    return true;
  }

  /** Transitions fired so far. */
  get transitions(): number {
    let t = 0;
    for (let i = 0; i < this.fired.length; i++) t += this.fired[i]!;
    return t;
  }

  /**
   * Expands the state in `cur`, handing each successor to `sink`. Allocates nothing. Without a
   * sink it only tells whether the state is a deadlock (Deadlock, Done or Fault). With
   * `choose` (a random walk, simulate.ts) only the successor by the instance it picks, by its
   * place among the n in `enabled`, is made; Stopped when it picks none (-1). With a reducer
   * only a persistent set is expanded, unless a successor through it was `revisited`.
   */
  expand(sink: Sink | null, choose?: (enabled: Int32Array, n: number) => number): Expansion {
    const { cm, cur, next, s, nr, nw, en, fired, canon, judge, reducer } = this;
    const W = cur.length;
    let at = At.Guard;
    let ref = -1;
    try {
      const n = cm.enabled(s, en);
      if (n === 0) {
        at = At.End;
        return cm.model.isEndState(s) ? Expansion.Done : Expansion.Deadlock;
      }
      if (sink === null) return Expansion.Done;
      let e = 0;
      let end = n;
      /** Where the expansion ends: `end`, or all n when the cycle proviso asks for them. */
      let all = n;
      if (choose !== undefined) {
        e = choose(en, n);
        if (e < 0) return Expansion.Stopped;
        all = end = e + 1;
      } else if (reducer !== undefined) {
        at = At.Engine;
        end = reducer.ample(en, n);
        this.revisited = false;
      }
      for (;;) {
        for (; e < end; e++) {
          ref = en[e]!;
          for (let k = 0; k < W; k++) next[k] = cur[k]!;
          at = At.Effect;
          cm.apply(ref, s, nw);
          fired[ref]!++;
          if (judge) {
            at = At.Step;
            const p = cm.firstViolatedStep(s, ref, nr);
            if (p >= 0) {
              this.property = p;
              this.ref = ref;
              return Expansion.Violation;
            }
          }
          at = At.Engine;
          if (canon !== undefined) canon.canon(next);
          if (!sink(ref)) return Expansion.Stopped;
        }
        if (end === all) break;
        if (!this.revisited) {
          this.partial++;
          break;
        }
        end = all;
      }
      return Expansion.Done;
    } catch (e) {
      if (at === At.Engine) throw e;
      this.fault = this.locate(at, ref, e);
      return Expansion.Fault;
    }
  }

  /**
   * Judges the state in `next`, just stored: the index of the first invariant it breaks, -1 if
   * none, -2 if an invariant or a reachability target threw (`fault`). Marks the targets it
   * reaches; once every target is reached this costs nothing more.
   */
  judgeState(): number {
    const p = this.invariant();
    return p !== -1 || this.open === 0 ? p : this.reach();
  }

  /** The first invariant the state in `next` breaks, -1 if none, -2 if one threw. */
  private invariant(): number {
    const { cm, nr } = this;
    try {
      return cm.firstViolated(nr);
    } catch (e) {
      const inv = cm.model.invariants;
      const i = firstThrowing(inv.length, (k) => inv[k]!.holds(nr));
      this.fault = { phase: 'invariant', ref: -1, property: i, init: -1, cause: e };
      return -2;
    }
  }

  /** Marks the targets the state in `next` reaches: -1, or -2 if one threw. */
  private reach(): number {
    const { cm, nr, unreached, reached } = this;
    const targets = cm.model.targets!;
    let t = 0;
    try {
      for (let k = 0; k < this.open; k++) {
        t = unreached[k]!;
        if (!targets[t]!.reached(nr)) continue;
        reached[t] = 1;
        unreached[k--] = unreached[--this.open]!;
      }
    } catch (e) {
      this.fault = { phase: 'target', ref: -1, property: cm.firstTarget + t, init: -1, cause: e };
      return -2;
    }
    return -1;
  }

  /** Writes initial state `i` into `next` (canonical under symmetry); false if its writer threw (`fault`). */
  initial(i: number): boolean {
    try {
      this.cm.writeInit(i, this.next);
    } catch (e) {
      this.fault = { phase: 'init', ref: -1, property: -1, init: i, cause: e };
      return false;
    }
    this.canon?.canon(this.next);
    return true;
  }

  /**
   * Which function threw: the same call again, one function at a time (model functions are
   * pure), so the hot loop keeps no record of which guard or property it is in.
   */
  private locate(at: At, ref: number, cause: unknown): Fault {
    const { cm, s, nr } = this;
    switch (at) {
      case At.Guard:
        ref = firstThrowing(cm.refs.length, (k) => cm.guards[k]!(s, cm.actors[k]!));
        return { phase: 'guard', ref, property: -1, init: -1, cause };
      case At.End:
        return { phase: 'end state', ref: -1, property: -1, init: -1, cause };
      case At.Effect:
        return { phase: 'effect', ref, property: -1, init: -1, cause };
      default: {
        const tp = cm.model.transitionProperties ?? [];
        const r = cm.refs[ref]!;
        const i = firstThrowing(tp.length, (k) => tp[k]!.holds(s, r, nr));
        return { phase: 'transition property', ref, property: i < 0 ? -1 : cm.model.invariants.length + i, init: -1, cause };
      }
    }
  }
}

/** The first k in 0..n-1 for which `call(k)` throws, or -1. */
function firstThrowing(n: number, call: (k: number) => unknown): number {
  for (let k = 0; k < n; k++) {
    try {
      call(k);
    } catch {
      return k;
    }
  }
  return -1;
}
