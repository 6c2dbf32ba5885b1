// One checked configuration as a worker thread runs it: the spec is loaded from its module by
// name (the worker shares no objects with the main thread), checked, and returned as plain data
// with its counterexample's reports written and its text report rendered.

import { mutate, type Mutant } from '../mutants.js';
import { check, type CheckOutcome } from '../check.js';
import { checkJson, type CheckJson } from '../report/check-json.js';
import type { ConfigOptions, Params, Spec } from '../spec.js';
import { loadSpec } from '../spec-module.js';
import type { Progress } from '../result.js';
import { buildReport } from '../report/report.js';
import { renderText } from '../report/text.js';
import { reportSubject, writeReport } from '../report/write.js';
import { checkOptions } from './configuration.js';
import { actualOf, passes, type Actual, type Expected } from './expected.js';
import { focusOn } from './focus.js';

export interface Job {
  /** The module that exports the spec (its `Spec.file`) and the spec's name. */
  readonly module: string;
  readonly spec: string;
  /** Every parameter, validated. */
  readonly params: Params;
  readonly options: ConfigOptions;
  /** Check this property alone (`deadlock`: deadlocks alone); absent: every property. */
  readonly property?: string;
  /** The configuration's name and expected outcome, for reports and the choice to write them. */
  readonly name?: string;
  readonly expect?: Expected;
  /** Write a counterexample's reports into `dir`: every one (`all`) or only an unexpected one. */
  readonly reports?: { readonly dir: string; readonly all: boolean };
  /** The tdx-mc version, for reports. */
  readonly version: string;
  /** Check this mutant of the model instead (`tdxmc audit`). */
  readonly mutant?: Mutant;
}

export interface JobStats {
  readonly distinctStates: number;
  readonly transitions: number;
  readonly seconds: number;
}

export interface JobResult {
  readonly actual: Actual;
  readonly stats: JobStats;
  /** The `check --json` object; absent when the model could not be loaded or built. */
  readonly json?: CheckJson;
  /** The counterexample's plain-text report. */
  readonly text?: string;
  readonly reports: readonly string[];
  /** Why the reports could not be written: the verdict stands, the run's exit code is 2. */
  readonly reportError?: string;
  /** Stopped by a signal before it finished (`ci` interrupted): no verdict. */
  readonly notRun?: boolean;
}

export type WorkerMessage = { readonly type: 'progress'; readonly progress: Progress } | { readonly type: 'done'; readonly result: JobResult };

const NO_STATS: JobStats = { distinctStates: 0, transitions: 0, seconds: 0 };

export function failedJob(error: string, stats: JobStats = NO_STATS): JobResult {
  return { actual: { verdict: 'error', error }, stats, reports: [] };
}

export async function runJob(job: Job, onProgress: (p: Progress) => void): Promise<JobResult> {
  let spec: Spec;
  let outcome: CheckOutcome;
  try {
    spec = await loadSpec(job.module, job.spec);
    const built = spec.build(job.params);
    const model = job.mutant === undefined ? built : mutate(built, job.mutant);
    outcome = check(job.property === undefined ? model : focusOn(model, job.property), { ...checkOptions(job.options), onProgress, progressInterval: 1 });
  } catch (e) {
    return failedJob(`${job.spec}: ${(e as Error).message}`);
  }
  const actual = actualOf(outcome);
  const stats = { distinctStates: outcome.stats.distinctStates, transitions: outcome.stats.transitions, seconds: outcome.stats.seconds };
  const json = checkJson(spec.name, job.params, outcome);
  // A counterexample's or a model error's trace (none when an initial-state writer threw).
  const at = outcome.violation?.property.name ?? outcome.error?.property ?? undefined;
  const report = buildReport({ ...reportSubject(spec, job.params, { ...job.options, configuration: job.name }, job.version, at), outcome });
  if (report === undefined) return { actual, stats, json, reports: [] };
  const text = renderText(report);
  const unexpected = job.expect !== undefined && !passes(job.expect, actual);
  let reports: string[] = [];
  if (job.reports !== undefined && (job.reports.all || unexpected)) {
    try {
      reports = writeReport(job.reports.dir, report);
    } catch (e) {
      return { actual, stats, json, text, reports, reportError: `cannot write into ${job.reports.dir}: ${(e as Error).message}` };
    }
  }
  return { actual, stats, json, text, reports };
}
