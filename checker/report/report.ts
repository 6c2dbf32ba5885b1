// A report's content, independent of format: what was checked, the property broken (or the
// model function that threw), the annotated trace, and action coverage. Every format renders
// this and only this.

import {
  annotateTrace,
  describeModelError,
  modelInfo,
  type AnnotatedStep,
  type CheckOutcome,
  type ModelError,
  type Params,
  type PropertyDecl,
} from '../index.js';
import { coverage, type Coverage } from './coverage.js';
import { lanes, type Lane } from './lanes.js';
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

export type ReportStep = AnnotatedStep;

export interface Report {
  readonly subject: ReportSubject;
  /** The spec and the parameters that differ from its defaults: `lockstep variant=noack`. */
  readonly heading: string;
  readonly verdict: CheckOutcome['verdict'];
  readonly kind: 'invariant' | 'transition' | 'deadlock' | 'liveness' | 'error';
  /** A liveness violation's lasso: the step index of the state where its cycle starts and ends. */
  readonly loopStart?: number;
  /** The property broken; for a deadlock or a model error, a pseudo-property saying what happened. */
  readonly property: PropertyDecl;
  /** The model function that threw (kind 'error'). */
  readonly error?: ModelError;
  /** The trace, to the state where the property fails or the model threw. */
  readonly steps: readonly ReportStep[];
  /** Lanes for diagrams (idle CPUs included) and for 78-column text (acting actors only). */
  readonly lanes: readonly Lane[];
  readonly textLanes: readonly Lane[];
  /** What actors are called in the model's words: `CPU` when every actor is a CPU, else `actor`. */
  readonly actorTitle: string;
  /** The kinds of actor (`CPU`) of the model's per-actor actions, in declaration order. */
  readonly actorKinds: readonly string[];
  readonly coverage: Coverage;
  /** The outcome the report was made from: its statistics and the `--json` object. */
  readonly outcome: CheckOutcome;
}

export type ReportInput = ReportSubject & { readonly outcome: CheckOutcome };

/** The parameters that differ from the spec's defaults (all of them when no defaults are known). */
export function chosenParams(s: ReportSubject): Params {
  return Object.fromEntries(Object.entries(s.params).filter(([k, v]) => s.defaults?.[k] !== v));
}

/** `CPU` when every step is taken by an instance of one actor kind, else `actor`. */
function titleOf(steps: readonly ReportStep[]): string {
  const kinds = new Set(steps.slice(1).map((s) => s.actorKind));
  const [only] = kinds;
  return kinds.size === 1 && only !== undefined ? only : 'actor';
}

/**
 * The report of a run that found a counterexample or a model error; undefined for one that did
 * not, and for an initial-state writer that threw (there is no state to show).
 */
export function buildReport(input: ReportInput): Report | undefined {
  const { outcome } = input;
  const steps = annotateTrace(outcome);
  if (steps === undefined) return undefined;
  const { actions } = modelInfo(outcome);
  const e = outcome.error;
  const failed =
    e === undefined
      ? {
          kind: outcome.violation!.kind,
          property: outcome.violation!.property,
          ...(outcome.violation!.loopStart === undefined ? {} : { loopStart: outcome.violation!.loopStart }),
        }
      : { kind: 'error' as const, property: { name: 'model error', description: describeModelError(e) }, error: e };
  const laneSteps = steps.slice(1).map((s) => ({ lane: s.lane!, ...(s.target === undefined ? {} : { target: s.target }) }));
  const { outcome: _, ...subject } = input;
  const chosen = paramText(chosenParams(subject));
  return {
    subject,
    heading: chosen === '' ? `${subject.spec} (default parameters)` : `${subject.spec} ${chosen}`,
    verdict: outcome.verdict,
    ...failed,
    steps,
    lanes: lanes(actions, laneSteps, true),
    textLanes: lanes(actions, laneSteps, false),
    actorTitle: titleOf(steps),
    actorKinds: [...new Set(actions.filter((a) => a.actors !== undefined).map((a) => a.actorKind))],
    coverage: coverage(outcome),
    outcome,
  };
}

/** Whether a property broke (a deadlock and a model error have pseudo-properties). */
export const brokeProperty = (r: Report): boolean => r.kind === 'invariant' || r.kind === 'transition' || r.kind === 'liveness';

type Style = 'lower' | 'title' | 'upper';

/** The property's name; the pseudo-property's (`deadlock`, `model error`) in `style`: `Deadlock`, `DEADLOCK`. */
export function propertyName(r: Report, style: Style = 'lower'): string {
  const n = r.property.name;
  if (brokeProperty(r)) return n;
  return style === 'upper' ? n.toUpperCase() : style === 'title' ? n[0]!.toUpperCase() + n.slice(1) : n;
}

/** What failed: `Lockstep violated` (the name shown through `name`), or the pseudo-property's name. */
export function failureName(r: Report, style: Style = 'lower', name: (n: string) => string = (n) => n): string {
  return brokeProperty(r) ? `${name(r.property.name)} ${style === 'upper' ? 'VIOLATED' : 'violated'}` : propertyName(r, style);
}

/** Where the property fails, as a clause: `the state after step 2 breaks it`. */
export function failurePoint(r: Report): string {
  const last = r.steps.length - 1;
  const state = last === 0 ? 'the initial state' : `the state after step ${last}`;
  if (r.kind === 'error') {
    const phase = r.error!.phase;
    if (phase === 'transition property') return `it threw judging step ${last} (${r.steps[last]!.label})`;
    return phase === 'invariant' ? `it threw judging ${state}` : `it threw in ${state}`;
  }
  if (r.kind === 'transition') return `step ${last} (${r.steps[last]!.label}) breaks it`;
  if (r.kind === 'liveness') {
    const at = r.loopStart ?? last;
    const from = at === 0 ? 'the initial state' : `the state after step ${at}`;
    return at === last ? `the path stays in ${from} for ever without meeting it` : `from ${from}, steps ${at + 1}-${last} repeat for ever without meeting it`;
  }
  if (r.kind === 'deadlock') return last === 0 ? 'the initial state has no enabled action' : `after step ${last} no action is enabled`;
  return `${state} breaks it`;
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
