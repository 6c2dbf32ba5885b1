// What a model declares (Stateright's Model, Murphi's guarded commands). The engine explores any
// Model; a Model knows nothing about search order, stores or reports.

import type { Read, RecordDomain, Write } from './domain.js';

/** Where a rule stands in the sources: a kernel function, a spec chapter, a seed post. */
export type Source = string;

/**
 * A guarded command, instantiated once per actor when `actors` is set (e.g. once per CPU).
 * `effect` receives the current state read-only and a copy of it to write the next state into;
 * it must not keep references to either.
 */
export interface Action<D extends RecordDomain> {
  readonly name: string;
  /** Number of instances, one per actor 0..actors-1 (e.g. CPUs). Absent: a single instance. */
  readonly actors?: number;
  /** What the actor is called in reports, e.g. 'CPU'. Default 'actor'. */
  readonly actorKind?: string;
  readonly guard: (s: Read<D>, actor: number) => boolean;
  readonly effect: (s: Read<D>, next: Write<D>, actor: number) => void;
  /** Execution context for reports (task, IRQ, NMI, stop_machine, ...). */
  readonly context?: string | ((s: Read<D>, actor: number) => string);
  /**
   * The shared actor this step calls, for the sequence diagram's lanes: e.g. 'TDX module' for
   * a SEAMCALL, 'P-SEAMLDR' for SEAMLDR.INSTALL. Absent: a step local to the actor.
   */
  readonly target?: string | ((s: Read<D>, actor: number) => string | undefined);
  readonly description?: string;
  readonly source?: Source;
  /**
   * Which paths liveness counts as fair for this action, per instance: `weak` (the default) —
   * an instance enabled from some point on for ever is taken infinitely often; `strong` — one
   * enabled infinitely often is taken infinitely often; `none` — the environment (a fault, a
   * hotplug, an NMI) may never act, so "the update may fail" is no liveness violation.
   */
  readonly fairness?: 'weak' | 'strong' | 'none';
  /**
   * What the guard and the effect read, and what the effect writes, as field paths (footprint.ts):
   * `stage`, `cpu[@].stopper` (the actor's own entry), `cpu[*].online` (every entry), `cpu[@]`
   * (a whole entry). Partial-order reduction (--por) uses them; absent: everything.
   */
  readonly reads?: readonly FieldPath[];
  readonly writes?: readonly FieldPath[];
}

/** A field path over the schema, as footprints are declared (footprint.ts). */
export type FieldPath = string;

export interface Invariant<D extends RecordDomain> {
  readonly name: string;
  readonly description: string;
  readonly source?: Source;
  readonly holds: (s: Read<D>) => boolean;
  /** The fields it reads, which --por counts as visible (reduction.ts); absent: every field. */
  readonly reads?: readonly FieldPath[];
}

/** A property of one transition (TLC's action property): checked on (state, action, next state). */
export interface TransitionProperty<D extends RecordDomain> {
  readonly name: string;
  readonly description: string;
  readonly source?: Source;
  readonly holds: (s: Read<D>, action: ActionRef, next: Read<D>) => boolean;
  /**
   * The actions (with their index in `Model.actions`) whose steps it concerns: on any other it
   * holds by what the action is (its leaf, its name), whatever the states and whatever its
   * effect does, so the search does not call it there. Absent: every action.
   */
  readonly on?: (action: Action<D>, index: number) => boolean;
  /** The fields of either state it reads, which --por counts as visible (reduction.ts); absent: every field. */
  readonly reads?: readonly FieldPath[];
}

/**
 * A state a run must be able to reach (Murphi's and TLC's cover, a guard against vacuity): a
 * search that explores everything within its bounds and never stores a state where `reached`
 * holds ends `unreachable`. Judged on stored states, canonical under symmetry.
 */
export interface ReachabilityTarget<D extends RecordDomain> {
  readonly name: string;
  readonly description: string;
  readonly source?: Source;
  readonly reached: (s: Read<D>) => boolean;
  /** The fields it reads, which --por counts as visible (reduction.ts); absent: every field. */
  readonly reads?: readonly FieldPath[];
}

/**
 * A liveness property, checked on fair paths (see `Action.fairness`), of one of three forms: `eventually` — every
 * path from an initial state meets `to`; `leadsTo` — from every reachable state where `from`
 * holds, every path meets `to`; `alwaysEventually` — `to` holds again and again (SPIN's
 * progress). A path that ends in a legal end state stays there for ever.
 */
export interface LivenessProperty<D extends RecordDomain> {
  readonly name: string;
  readonly description: string;
  readonly source?: Source;
  readonly form: 'eventually' | 'leadsTo' | 'alwaysEventually';
  /** leadsTo's trigger. */
  readonly from?: (s: Read<D>) => boolean;
  readonly to: (s: Read<D>) => boolean;
}

/** Identifies one action instance: the action's index in `Model.actions` and its actor. */
export interface ActionRef {
  readonly action: number;
  readonly name: string;
  readonly actor: number;
}

/** Which actors are interchangeable: array entries indexed by `index` in `from..to-1` permute together. */
export interface Symmetry {
  readonly index: string;
  readonly from: number;
  readonly to: number;
}

export interface Model<D extends RecordDomain = RecordDomain> {
  readonly schema: D;
  /** Each entry writes one initial state into a zeroed state (ints at their minimum, enums at their first name). */
  readonly init: readonly ((s: Write<D>) => void)[];
  readonly actions: readonly Action<D>[];
  readonly invariants: readonly Invariant<D>[];
  readonly transitionProperties?: readonly TransitionProperty<D>[];
  readonly targets?: readonly ReachabilityTarget<D>[];
  readonly liveness?: readonly LivenessProperty<D>[];
  /** States with no enabled action that are legal ends; any other such state is a deadlock. */
  readonly isEndState: (s: Read<D>) => boolean;
  readonly symmetry?: readonly Symmetry[];
}

/** A model of any schema, as specs hand it to the engine. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = Model<any>;
