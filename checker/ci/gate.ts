// `tdxmc ci`'s run: every configuration on the worker pool, each compared with its expected
// outcome, and the exit code of the whole (0 all match, 1 any differs, 2 a model that throws,
// 3 a run that ended incomplete where a verdict was expected).

import { EXIT } from '../exit.js';
import type { Progress } from '../result.js';
import type { Configuration } from './configuration.js';
import { passes, type Actual } from './expected.js';
import type { Job, JobResult } from './job.js';
import { runPool } from './pool.js';

export interface GateOptions {
  readonly workers: number;
  /** Seconds for the whole run. */
  readonly timeout?: number;
  /** Aborted by a signal: what is unfinished is not run (pool.ts). */
  readonly signal?: AbortSignal;
  /** Where counterexample reports go: always for an unexpected outcome, with `all` for every one. */
  readonly reports: { readonly dir: string; readonly all: boolean };
  readonly version: string;
  readonly onStart?: (i: number) => void;
  readonly onProgress?: (i: number, p: Progress) => void;
  readonly onDone?: (i: number, row: GateRow) => void;
}

export interface GateRow {
  readonly config: Configuration;
  readonly result: JobResult;
  readonly passed: boolean;
}

export interface GateResult {
  readonly rows: readonly GateRow[];
  readonly seconds: number;
  readonly exit: number;
}

function jobOf(c: Configuration, reports: GateOptions['reports'], version: string): Job {
  return {
    module: c.spec.file!,
    spec: c.spec.name,
    params: c.params,
    options: c.expectation.options ?? {},
    name: c.expectation.name,
    expect: c.expectation.expect,
    reports,
    version,
  };
}

/** The exit code of outcomes: a model error wins, then an outcome not as expected, then an incomplete run (also `tdxmc merge`'s). */
export function exitOf(outcomes: readonly { readonly passed: boolean; readonly verdict: Actual['verdict'] }[]): number {
  if (outcomes.some((o) => o.verdict === 'error')) return EXIT.badInput;
  if (outcomes.some((o) => !o.passed && o.verdict !== 'incomplete')) return EXIT.violation;
  if (outcomes.some((o) => o.verdict === 'incomplete')) return EXIT.incomplete;
  return EXIT.pass;
}

const gateExit = (rows: readonly GateRow[]): number => exitOf(rows.map((r) => ({ passed: r.passed, verdict: r.result.actual.verdict })));

export async function runGate(configs: readonly Configuration[], o: GateOptions): Promise<GateResult> {
  const started = Date.now();
  const row = (i: number, result: JobResult): GateRow => ({ config: configs[i]!, result, passed: passes(configs[i]!.expectation.expect, result.actual) });
  const results = await runPool(
    configs.map((c) => jobOf(c, o.reports, o.version)),
    {
      workers: o.workers,
      ...(o.timeout === undefined ? {} : { deadline: started + o.timeout * 1000 }),
      ...(o.signal === undefined ? {} : { signal: o.signal }),
      ...(o.onStart ? { onStart: o.onStart } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(o.onDone ? { onDone: (i: number, r: JobResult) => o.onDone!(i, row(i, r)) } : {}),
    },
  );
  const rows = results.map((r, i) => row(i, r));
  return { rows, seconds: (Date.now() - started) / 1000, exit: gateExit(rows) };
}
