// Runs one of a spec's expectations the way CI gates it (checker/ci's rule, in this process),
// and reports what differs from it.

import { check, type CheckOutcome } from '../../checker/check.js';
import type { AnyModel, Expectation, Params, Spec } from '../../checker/model.js';
import { checkOptions } from '../../checker/ci/configuration.js';
import { actualOf, actualText, expectedText, passes } from '../../checker/ci/expected.js';
import { checkParams } from '../../checker/params.js';

export interface ExpectationRun {
  outcome: CheckOutcome;
  /** Empty when the verdict, property and trace length are the expected ones; else why not. */
  mismatch: string[];
}

/** The spec's model for `given` merged over its defaults. */
export function buildSpec(spec: Spec, given: Params): AnyModel {
  const p = checkParams(spec.params, given);
  if (!p.ok) throw new Error(`${spec.name}: ${p.error}`);
  return spec.build(p.params);
}

export function runExpectation(spec: Spec, e: Expectation): ExpectationRun {
  const outcome = check(buildSpec(spec, e.params), checkOptions(e.options ?? {}));
  const actual = actualOf(outcome);
  return { outcome, mismatch: passes(e.expect, actual) ? [] : [`expected ${expectedText(e.expect)}, got ${actualText(actual)}`] };
}
