// Runs one of a spec's expectations the way CI gates it, and reports what differs from it.

import { check, type CheckOutcome } from '../../checker/check.js';
import type { AnyModel, Expectation, Params, Spec } from '../../checker/model.js';
import { checkParams } from '../../checker/params.js';

export interface ExpectationRun {
  outcome: CheckOutcome;
  /** Empty when the verdict, property and trace length are the expected ones. */
  mismatch: string[];
}

/** The spec's model for `given` merged over its defaults. */
export function buildSpec(spec: Spec, given: Params): AnyModel {
  const p = checkParams(spec.params, given);
  if (!p.ok) throw new Error(`${spec.name}: ${p.error}`);
  return spec.build(p.params);
}

export function runExpectation(spec: Spec, e: Expectation): ExpectationRun {
  const o = e.options ?? {};
  const outcome = check(buildSpec(spec, e.params), {
    ...(o.search ? { search: o.search } : {}),
    ...(o.maxStates !== undefined ? { maxStates: o.maxStates } : {}),
    ...(o.maxDepth !== undefined ? { maxDepth: o.maxDepth } : {}),
  });
  const mismatch: string[] = [];
  const want = e.expect;
  if (outcome.verdict !== want.verdict) mismatch.push(`verdict ${outcome.verdict}, expected ${want.verdict}`);
  if (want.verdict === 'violation' && outcome.violation?.property.name !== want.property) {
    mismatch.push(`property ${outcome.violation?.property.name ?? 'none'}, expected ${want.property}`);
  }
  if (want.verdict !== 'pass' && want.traceLength !== undefined && outcome.violation?.trace.length !== want.traceLength + 1) {
    mismatch.push(`trace of ${(outcome.violation?.trace.length ?? 1) - 1} steps, expected ${want.traceLength}`);
  }
  return { outcome, mismatch };
}
