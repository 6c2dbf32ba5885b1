// The `--json` object: exactly the documented keys first (spec, params, verdict, counts,
// violation), then a few optional extras that scripts may ignore.

import type { CheckOutcome } from '../check.js';
import type { Params } from '../model.js';
import { coverage, type Coverage } from '../report/coverage.js';

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
    trace: { action: string | null; actor: number | null; state: unknown }[];
  };
  /** Which bound stopped an incomplete run. */
  stoppedBy?: string;
  /** Transitions fired per action (and per actor), and the actions that never fired. */
  coverage?: Coverage;
}

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
    j.violation = {
      property: o.violation.property.name,
      trace: o.violation.trace.map((t) => ({ action: t.action, actor: t.actor, state: t.state })),
    };
  }
  if (o.stoppedBy) j.stoppedBy = o.stoppedBy;
  j.coverage = coverage(o);
  return j;
}
