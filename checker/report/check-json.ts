// The `--json` object of `tdxmc check` (and the head of the JSON report): exactly the documented
// keys first (spec, params, verdict, counts, violation or error), then a few optional extras
// that scripts may ignore.

import type { CheckOutcome, ModelError, Params, TraceStep } from '../index.js';
import { coverage, type Coverage } from './coverage.js';

type JsonTrace = { action: string | null; actor: number | null; state: unknown }[];

export interface CheckJson {
  spec: string;
  params: Params;
  verdict: CheckOutcome['verdict'];
  distinctStates: number;
  transitions: number;
  maxDepth: number;
  seconds: number;
  /** Probability that fingerprint collisions merged states (0 with --exact). */
  collisionProbability: number;
  violation?: {
    property: string;
    trace: JsonTrace;
    /** A liveness violation's lasso: the index in `trace` where its cycle starts. */
    loopStart?: number;
  };
  /** The model function that threw (verdict 'error'), and the trace to the state where it did. */
  error?: Pick<ModelError, 'phase' | 'action' | 'actor' | 'property' | 'init' | 'message' | 'depth' | 'stateNumber'> & { trace: JsonTrace };
  /** The reachability targets no reachable state meets (verdict 'unreachable'). */
  unreachable?: string[];
  /** Which bound stopped an incomplete run. */
  stoppedBy?: string;
  /** Present when partial-order reduction was on (--por): the states expanded through a proper subset of their enabled steps. */
  partialOrder?: { partiallyExpanded: number };
  /** The liveness check: the properties checked on fair paths, or why none was. */
  liveness?: { checked: readonly string[]; skipped?: string; seconds: number };
  /** Transitions fired per action (and per actor), and the actions that never fired. */
  coverage?: Coverage;
  /**
   * Bytes: the memory budget (--memory), the most of it the search's arrays held at once, and
   * the process's peak resident set when the check was done (all threads); and the search threads used.
   */
  memory?: { budget: number; peak: number; peakRss: number; workers: number };
}

const jsonTrace = (trace: readonly TraceStep[]): JsonTrace => trace.map((t) => ({ action: t.action, actor: t.actor, state: t.state }));

export function checkJson(spec: string, params: Params, o: CheckOutcome): CheckJson {
  const j: CheckJson = {
    spec,
    params,
    verdict: o.verdict,
    distinctStates: o.stats.distinctStates,
    transitions: o.stats.transitions,
    maxDepth: o.stats.maxDepth,
    seconds: Number(o.stats.seconds.toFixed(3)),
    collisionProbability: o.stats.collisionProbability,
  };
  if (o.violation) {
    const v = o.violation;
    j.violation = { property: v.property.name, trace: jsonTrace(v.trace), ...(v.loopStart === undefined ? {} : { loopStart: v.loopStart }) };
  }
  if (o.error) {
    const { phase, action, actor, property, init, message, depth, stateNumber, trace } = o.error;
    j.error = { phase, action, actor, property, init, message, depth, stateNumber, trace: jsonTrace(trace) };
  }
  if (o.unreachable) j.unreachable = o.unreachable.map((t) => t.name);
  if (o.stoppedBy) j.stoppedBy = o.stoppedBy;
  if (o.stats.partiallyExpanded !== undefined) j.partialOrder = { partiallyExpanded: o.stats.partiallyExpanded };
  if (o.liveness) {
    const { checked, skipped, seconds } = o.liveness;
    j.liveness = { checked, ...(skipped === undefined ? {} : { skipped }), seconds: Number(seconds.toFixed(3)) };
  }
  j.coverage = coverage(o);
  return j;
}

/**
 * What `tdxmc check --json` adds about memory (not the reports, which a rerun writes the same):
 * the budget, the most of it held at once, the process's peak RSS, the search threads.
 */
export const memoryJson = (o: CheckOutcome): NonNullable<CheckJson['memory']> => ({
  budget: o.stats.memoryBudget,
  peak: o.stats.memoryPeak,
  peakRss: o.peakRss ?? 0,
  workers: o.stats.workers,
});
