// A counterexample report's content, independent of format: what was checked, the property
// broken, the trace annotated with each step's actor, context, shared actor called and changed
// variables, and action coverage. Every format renders this and only this.

import type { CheckOutcome } from '../check.js';
import type { CompiledModel } from '../compiled.js';
import { changes, type Change } from '../diff.js';
import type { AnyModel, Params, PropertyDecl } from '../model.js';
import { coverage, type Coverage } from './coverage.js';
import { actorLane, lanes, type Lane } from './lanes.js';
import { paramText } from './values.js';

/** What was checked, as the caller (the CLI, CI) knows it. */
export interface ReportSubject {
  readonly spec: string;
  readonly specDescription?: string;
  /** Every parameter, defaults filled in. */
  readonly params: Params;
  /** The spec's defaults: titles and file names name only the parameters set otherwise. */
  readonly defaults?: Params;
  /** Search options and bounds as the user gave them, e.g. `{ search: 'bfs', 'max-depth': 'none' }`. */
  readonly options: Readonly<Record<string, string | number | boolean>>;
  /** The tdx-mc version. */
  readonly version: string;
  /** Where the violated property is written, e.g. `specs/lockstep/spec.ts:178`. */
  readonly location?: string;
}

export interface ReportStep {
  /** 0 for the initial state. */
  readonly index: number;
  /** Action instance (CompiledModel.refs index); -1 for the initial state. */
  readonly ref: number;
  readonly action: string | null;
  /** `skip(CPU 0)`, or `initial state`. */
  readonly label: string;
  /** The lane the step runs on (`CPU 0`); null for the initial state. */
  readonly lane: string | null;
  readonly context?: string;
  /** The shared actor the step calls (a lane of its own). */
  readonly target?: string;
  readonly source?: string;
  readonly changes: readonly Change[];
  readonly state: unknown;
}

export interface Report {
  readonly subject: ReportSubject;
  /** The spec and the parameters that differ from its defaults: `lockstep variant=noack`. */
  readonly heading: string;
  readonly verdict: CheckOutcome['verdict'];
  readonly kind: 'invariant' | 'transition' | 'deadlock';
  readonly property: PropertyDecl;
  readonly steps: readonly ReportStep[];
  /** Lanes for diagrams (idle CPUs included) and for 78-column text (acting actors only). */
  readonly lanes: readonly Lane[];
  readonly textLanes: readonly Lane[];
  /** What actors are called in the model's words: `CPU` when every actor is a CPU, else `actor`. */
  readonly actorTitle: string;
  readonly coverage: Coverage;
  /** The outcome the report was made from: its statistics, the `--json` object, the model. */
  readonly outcome: CheckOutcome;
}

export type ReportInput = ReportSubject & { readonly outcome: CheckOutcome };

/** Evaluates a per-state annotation (context, target) on the packed form of a plain state. */
function annotate(model: AnyModel, outcome: CheckOutcome) {
  const layout = outcome.compiled.layout;
  const view = layout.newView();
  const words = new Uint32Array(outcome.compiled.words);
  return (state: unknown, action: number, actor: number) => {
    const a = model.actions[action]!;
    layout.encode(state, words);
    view.bind(words);
    const context = typeof a.context === 'function' ? a.context(view.read, actor) : a.context;
    const target = typeof a.target === 'function' ? a.target(view.read, actor) : a.target;
    return { context, target };
  };
}

/** The parameters that differ from the spec's defaults (all of them when no defaults are known). */
export function chosenParams(s: ReportSubject): Params {
  return Object.fromEntries(Object.entries(s.params).filter(([k, v]) => s.defaults?.[k] !== v));
}

/** `CPU` when every step is taken by an instance of one actor kind, else `actor`. */
function titleOf(cm: CompiledModel, steps: readonly ReportStep[]): string {
  const kinds = new Set(
    steps.slice(1).map((s) => {
      const r = cm.refs[s.ref]!;
      return r.actor < 0 ? undefined : (cm.model.actions[r.action]!.actorKind ?? 'actor');
    }),
  );
  const [only] = kinds;
  return kinds.size === 1 && only !== undefined ? only : 'actor';
}

/** The report of a run that found a counterexample; undefined for one that did not. */
export function buildReport(input: ReportInput): Report | undefined {
  const { outcome } = input;
  const v = outcome.violation;
  if (v === undefined) return undefined;
  const cm = outcome.compiled;
  const model = cm.model as AnyModel;
  const at = annotate(model, outcome);
  // immer lists nested changes before top-level ones; readers expect the schema's order.
  const slot = new Map(cm.layout.slots.map((x, i) => [x.path, i]));
  const ordered = (cs: Change[]): Change[] => cs.sort((a, b) => (slot.get(a.path) ?? 0) - (slot.get(b.path) ?? 0));
  const steps: ReportStep[] = v.trace.map((t, i) => {
    if (i === 0) return { index: 0, ref: -1, action: null, label: 'initial state', lane: null, changes: [], state: t.state };
    const ref = v.steps[i - 1]!;
    const r = cm.refs[ref]!;
    const a = model.actions[r.action]!;
    const lane = actorLane(model, r.action, r.actor);
    const { context, target } = at(v.trace[i - 1]!.state, r.action, r.actor);
    return {
      index: i,
      ref,
      action: r.name,
      label: cm.label(ref),
      lane,
      ...(context === undefined ? {} : { context }),
      ...(target === undefined || target === lane ? {} : { target }),
      ...(a.source === undefined ? {} : { source: a.source }),
      changes: ordered(changes(v.trace[i - 1]!.state as object, t.state as object)),
      state: t.state,
    };
  });
  const laneSteps = steps.slice(1).map((s) => {
    const r = cm.refs[s.ref]!;
    return { action: r.action, actor: r.actor, ...(s.target === undefined ? {} : { target: s.target }) };
  });
  const { outcome: _, ...subject } = input;
  const chosen = paramText(chosenParams(subject));
  return {
    subject,
    heading: chosen === '' ? `${subject.spec} (default parameters)` : `${subject.spec} ${chosen}`,
    verdict: outcome.verdict,
    kind: v.kind,
    property: v.property,
    steps,
    lanes: lanes(model, laneSteps, true),
    textLanes: lanes(model, laneSteps, false),
    actorTitle: titleOf(cm, steps),
    coverage: coverage(outcome),
    outcome,
  };
}

/** Where the property fails, as a clause: `the state after step 2 breaks it`. */
export function failurePoint(r: Report): string {
  const last = r.steps.length - 1;
  if (r.kind === 'transition') return `step ${last} (${r.steps[last]!.label}) breaks it`;
  if (r.kind === 'deadlock') return last === 0 ? 'the initial state has no enabled action' : `after step ${last} no action is enabled`;
  return last === 0 ? 'the initial state breaks it' : `the state after step ${last} breaks it`;
}

export interface Row {
  readonly label: string;
  readonly value: string;
  /** Differs between reruns (wall-clock time): the only such rows in a report. */
  readonly timing?: boolean;
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** What was checked: the spec, its parameters, the search options and the tool. */
export function checkedRows(r: Report): Row[] {
  const s = r.subject;
  return [
    { label: 'spec', value: s.specDescription === undefined ? s.spec : `${s.spec}: ${s.specDescription}` },
    { label: 'parameters', value: paramText(s.params) || '(none)' },
    ...Object.entries(s.options).map(([k, v]) => ({ label: k, value: String(v) })),
    { label: 'tool', value: `tdx-mc ${s.version}` },
  ];
}

/** Search statistics; `time` is the one timing row. */
export function statRows(r: Report): Row[] {
  const s = r.outcome.stats;
  const stoppedBy = r.outcome.stoppedBy;
  return [
    { label: 'distinct states', value: count(s.distinctStates) },
    { label: 'transitions', value: count(s.transitions) },
    { label: 'max depth', value: String(s.maxDepth) },
    {
      label: 'state storage',
      value:
        s.collisionProbability > 0
          ? `64-bit fingerprints, probability of a missed state ${s.collisionProbability.toExponential(1)}`
          : 'exact (no collisions possible)',
    },
    ...(stoppedBy === undefined ? [] : [{ label: 'stopped by', value: stoppedBy }]),
    { label: 'time', value: `${s.seconds.toFixed(2)} s (varies between runs)`, timing: true },
  ];
}
