// A `tdxmc check` run once its flags are checked: the search, the reports, and the text to print.
// The command runs it on a worker thread (check-worker.ts) so that the main thread stays free to
// answer Ctrl-C and SIGTERM with what was explored so far; a spec without a module runs here.

import { checkParallel, describeModelError, type CheckOptions, type CheckOutcome } from '../check.js';
import { EXIT } from '../exit.js';
import { collisionProbability } from '../fingerprint.js';
import { checkJson, memoryJson } from '../report/check-json.js';
import { reportSubject, writeReports } from '../report/write.js';
import type { Progress } from '../result.js';
import type { Params, Spec } from '../spec.js';
import { styleOf } from './colour.js';
import { renderCheck, safetyChecked, type Skipped } from './human.js';
import { reason } from './out-file.js';

/** What the command decided from its flags: plain data, to cross to a worker thread. */
export interface CheckRequest {
  readonly params: Params;
  readonly options: Omit<CheckOptions, 'onProgress' | 'progressInterval' | 'onState'> & { workers: number; probe: boolean };
  readonly skipped: readonly Skipped[];
  readonly report?: string;
  readonly json: boolean;
  /** Whether the human summary is coloured (decided by the command: colour.ts). */
  readonly colour: boolean;
  readonly debug: boolean;
  readonly version: string;
}

/** What to print, and the exit code. */
export interface CheckOutput {
  readonly out: string;
  readonly err: string;
  readonly exit: number;
}

const EXIT_OF: Record<CheckOutcome['verdict'], number> = {
  pass: EXIT.pass,
  violation: EXIT.violation,
  deadlock: EXIT.violation,
  unreachable: EXIT.violation,
  error: EXIT.badInput,
  incomplete: EXIT.incomplete,
};

/** The properties the flags leave out: `--skip-property`'s, and liveness under `--no-liveness` or `--symmetry`. */
export function skippedOf(skip: readonly string[], liveness: readonly string[], o: { noLiveness: boolean; symmetry: boolean }): Skipped[] {
  const live = liveness.filter((p) => !skip.includes(p));
  const why = o.noLiveness ? '--no-liveness' : o.symmetry ? '--symmetry: not sound for liveness here' : undefined;
  return [...skip.map((property) => ({ property, why: '--skip-property' })), ...(why === undefined ? [] : live.map((property) => ({ property, why })))];
}

export async function runCheck(spec: Spec, req: CheckRequest, onProgress?: (p: Progress) => void, progressInterval?: number): Promise<CheckOutput> {
  const o = req.options;
  const outcome = await checkParallel(spec, req.params, { ...o, ...(onProgress ? { onProgress, progressInterval } : {}) });
  let reports: string[] = [];
  const err: string[] = [];
  let unwritten = false;
  if (req.report !== undefined) {
    try {
      const subject = {
        ...(o.search === undefined ? {} : { search: o.search }),
        ...(o.maxStates === undefined ? {} : { maxStates: o.maxStates }),
        ...(o.maxDepth === undefined ? {} : { maxDepth: o.maxDepth }),
        symmetry: o.symmetry ?? false,
      };
      const at = outcome.violation?.property.name ?? outcome.error?.property ?? undefined;
      reports = writeReports(req.report, { ...reportSubject(spec, req.params, subject, req.version, at), outcome });
    } catch (e) {
      // The verdict stands and is printed; the exit code says the reports are missing.
      err.push(`tdxmc: --report: cannot write into ${req.report}: ${reason(e)}`);
      unwritten = true;
    }
  }
  let out: string;
  if (req.json) {
    const covered = outcome.verdict === 'pass' ? { checked: safetyChecked(outcome) } : {};
    out =
      JSON.stringify({
        ...checkJson(spec.name, req.params, outcome),
        memory: memoryJson(outcome),
        skipped: req.skipped,
        ...covered,
        ...(req.report === undefined ? {} : { reports }),
      }) + '\n';
  } else if (outcome.error === undefined) {
    out = renderCheck(spec.name, req.params, outcome, o.search ?? 'bfs', req.skipped, styleOf(req.colour)) + '\n';
    if (req.report !== undefined && !unwritten)
      out += reports.length === 0 ? '\nno counterexample: no report written\n' : `\nreports:\n${reports.map((f) => `  ${f}\n`).join('')}`;
  } else out = '';
  if (outcome.error !== undefined) {
    // An initial-state writer that threw leaves no state, so no trace to write.
    const where = reports.length > 0 ? `; trace written to ${req.report}` : outcome.error.phase === 'init' ? '' : '; --report writes the trace';
    err.unshift(`tdxmc: model error: ${describeModelError(outcome.error)}${where}`);
    if (req.debug) err.splice(1, 0, stackOf(outcome.error.cause));
  }
  return { out, err: err.map((l) => `${l}\n`).join(''), exit: unwritten ? EXIT.badInput : EXIT_OF[outcome.verdict] };
}

const stackOf = (cause: unknown): string => (cause instanceof Error ? (cause.stack ?? cause.message) : String(cause));

/** The `--json` object of a run a signal stopped: the documented keys, from its last progress report. */
export function interruptedJson(spec: string, req: CheckRequest, p: Progress, seconds: number, signal: string) {
  return {
    spec,
    params: req.params,
    verdict: 'incomplete',
    distinctStates: p.distinctStates,
    transitions: p.transitions,
    maxDepth: p.depth,
    seconds: Number(seconds.toFixed(3)),
    collisionProbability: req.options.exact ? 0 : collisionProbability(p.distinctStates),
    stoppedBy: signal,
    skipped: req.skipped,
  };
}
