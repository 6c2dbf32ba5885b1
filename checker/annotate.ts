// A checked model and its trace as reports and summaries read them, built here once: the
// model's actions and action instances as plain data, and each step of a trace with its action,
// actor and lane, the context and shared actor the model declares for it (evaluated on the
// state before the step), its source and the fields it changed in schema order. Renderers get
// this data and never the compiled model.

import type { CheckOutcome } from './check.js';
import { changes, type Change } from './diff.js';
import type { TraceStep } from './trace.js';

/** An action as declared, without its functions. */
export interface ActionInfo {
  readonly name: string;
  /** Instances, one per actor 0..actors-1; absent for a single instance. */
  readonly actors?: number;
  /** What its actor is called: the model's word, else `actor` (`system` for a single instance). */
  readonly actorKind: string;
}

/** One action instance; its index is the `ref` of steps and of `SearchStats.fired`. */
export interface InstanceInfo {
  /** Index into ModelInfo.actions. */
  readonly action: number;
  /** -1 for a single instance. */
  readonly actor: number;
  /** `skip(CPU 0)` */
  readonly label: string;
}

export interface ModelInfo {
  readonly actions: readonly ActionInfo[];
  readonly instances: readonly InstanceInfo[];
}

export interface AnnotatedStep {
  /** 0 for the initial state. */
  readonly index: number;
  /** Action instance (index into ModelInfo.instances); -1 for the initial state. */
  readonly ref: number;
  readonly action: string | null;
  /** The actor (CPU number); null for the initial state and a single-instance action. */
  readonly actor: number | null;
  /** What the actor is called (`CPU`); absent when `actor` is null. */
  readonly actorKind?: string;
  /** `skip(CPU 0)`, or `initial state`. */
  readonly label: string;
  /** The lane the step runs on (`CPU 0`); null for the initial state. */
  readonly lane: string | null;
  readonly context?: string;
  /** The shared actor the step calls (a lane of its own), when not its own lane. */
  readonly target?: string;
  readonly source?: string;
  readonly changes: readonly Change[];
  readonly state: unknown;
}

/** The lane of an instance of `a`: `CPU 2`, or the actor kind of a single instance. */
export function actorName(a: ActionInfo, actor: number): string {
  return actor < 0 ? a.actorKind : `${a.actorKind} ${actor}`;
}

export function modelInfo(outcome: Pick<CheckOutcome, 'compiled'>): ModelInfo {
  const cm = outcome.compiled;
  return {
    actions: cm.model.actions.map((a) => ({
      name: a.name,
      ...(a.actors === undefined ? {} : { actors: a.actors }),
      actorKind: a.actorKind ?? (a.actors === undefined ? 'system' : 'actor'),
    })),
    instances: cm.refs.map((r, ref) => ({ action: r.action, actor: r.actor, label: cm.label(ref) })),
  };
}

/**
 * The annotated trace of a violation or a model error (to the state where the model threw);
 * undefined when the outcome has none (a pass, a bounded run, an initial-state writer that threw).
 */
export function annotateTrace(outcome: CheckOutcome): AnnotatedStep[] | undefined {
  const found = outcome.violation ?? outcome.error;
  if (found === undefined || found.trace.length === 0) return undefined;
  return annotate(outcome, found.trace, found.steps);
}

function annotate(outcome: CheckOutcome, trace: readonly TraceStep[], refs: readonly number[]): AnnotatedStep[] {
  const cm = outcome.compiled;
  const info = modelInfo(outcome);
  const words = new Uint32Array(cm.words);
  const view = cm.layout.newView();
  view.bind(words);
  // immer lists nested changes before top-level ones; readers expect the schema's order.
  const slot = new Map(cm.layout.slots.map((x, i) => [x.path, i]));
  const ordered = (cs: Change[]): Change[] => cs.sort((a, b) => (slot.get(a.path) ?? 0) - (slot.get(b.path) ?? 0));
  return trace.map((t, i): AnnotatedStep => {
    if (i === 0) return { index: 0, ref: -1, action: null, actor: null, label: 'initial state', lane: null, changes: [], state: t.state };
    const ref = refs[i - 1]!;
    const inst = info.instances[ref]!;
    const a = cm.model.actions[inst.action]!;
    const before = trace[i - 1]!.state;
    cm.layout.encode(before, words);
    const context = typeof a.context === 'function' ? a.context(view.read, inst.actor) : a.context;
    const target = typeof a.target === 'function' ? a.target(view.read, inst.actor) : a.target;
    const lane = actorName(info.actions[inst.action]!, inst.actor);
    return {
      index: i,
      ref,
      action: a.name,
      actor: inst.actor < 0 ? null : inst.actor,
      ...(inst.actor < 0 ? {} : { actorKind: info.actions[inst.action]!.actorKind }),
      label: inst.label,
      lane,
      ...(context === undefined ? {} : { context }),
      ...(target === undefined || target === lane ? {} : { target }),
      ...(a.source === undefined ? {} : { source: a.source }),
      changes: ordered(changes(before as object, t.state as object)),
      state: t.state,
    };
  });
}
