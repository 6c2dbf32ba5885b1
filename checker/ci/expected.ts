// The CI gate's one rule: a configuration passes when what its run showed is what its spec
// expects (verdict, violated property, and the shortest trace's length when one is given).
// `incomplete` is never a pass.

import { describeModelError, type CheckOutcome } from '../check.js';
import type { Expectation } from '../spec.js';
import type { Verdict } from '../result.js';

export type Expected = Expectation['expect'];

/** What a run showed, as plain data (it crosses from a worker thread). */
export interface Actual {
  readonly verdict: Verdict;
  /** The violated property, `deadlock`, or the targets no state reached (comma-separated). */
  readonly property?: string;
  /** The counterexample's length in steps (trace entries minus the initial state). */
  readonly traceLength?: number;
  /** Which bound stopped an incomplete run (`time`: the CI time budget). */
  readonly stoppedBy?: string;
  /** Set iff the verdict is `error`: the model threw (located), or could not be loaded or built. */
  readonly error?: string;
}

export function actualOf(o: CheckOutcome): Actual {
  return {
    verdict: o.verdict,
    ...(o.violation ? { property: o.violation.property.name, traceLength: o.violation.trace.length - 1 } : {}),
    ...(o.unreachable ? { property: o.unreachable.map((t) => t.name).join(', ') } : {}),
    ...(o.stoppedBy ? { stoppedBy: o.stoppedBy } : {}),
    ...(o.error ? { error: describeModelError(o.error) } : {}),
  };
}

export function passes(e: Expected, a: Actual): boolean {
  if (a.error !== undefined || a.verdict !== e.verdict) return false;
  if ((e.verdict === 'violation' || e.verdict === 'unreachable') && a.property !== e.property) return false;
  return e.verdict === 'pass' || e.verdict === 'unreachable' || e.traceLength === undefined || a.traceLength === e.traceLength;
}

const steps = (n: number | undefined): string => (n === undefined ? '' : ` in ${n} step${n === 1 ? '' : 's'}`);

/** `violation of SerialInstall in 17 steps`, `pass`, `deadlock`, `unreachable R1`. */
export function expectedText(e: Expected): string {
  if (e.verdict === 'pass') return 'pass';
  if (e.verdict === 'violation') return `violation of ${e.property}${steps(e.traceLength)}`;
  if (e.verdict === 'unreachable') return `unreachable ${e.property}`;
  return `deadlock${steps(e.traceLength)}`;
}

/** `pass`, `violation of Lockstep in 2 steps`, `incomplete (stopped by time)`, `error: ...`. */
export function actualText(a: Actual): string {
  if (a.error !== undefined) return `error: ${a.error}`;
  if (a.verdict === 'violation') return `violation of ${a.property}${steps(a.traceLength)}`;
  if (a.verdict === 'deadlock') return `deadlock${steps(a.traceLength)}`;
  if (a.verdict === 'unreachable') return `unreachable ${a.property}`;
  if (a.verdict === 'incomplete') return `incomplete${a.stoppedBy === undefined ? '' : ` (stopped by ${a.stoppedBy})`}`;
  return 'pass';
}
