// Runs one of a spec's expectations the way CI gates it (checker/ci's rule, in this process),
// and reports what differs from it.

import { describe, expect, it } from 'vitest';
import { check, type CheckOutcome } from '../../checker/check.js';
import type { AnyModel } from '../../checker/model.js';
import type { Expectation, Params, Spec } from '../../checker/spec.js';
import { checkOptions } from '../../checker/ci/configuration.js';
import { actualOf, actualText, expectedText, passes } from '../../checker/ci/expected.js';
import { checkParams } from '../../checker/params.js';
import { replay } from '../../checker/trace.js';

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

/**
 * One test per expectation: the verdict CI gates, a counterexample that replays, and for the
 * expectations `golden` names, [states, transitions, depth] (or a prefix) from runs of the checker.
 */
/** [distinct states, transitions, depth] of each configuration's BFS, for golden-count tests. */
export const stateCounts = (spec: Spec, configs: readonly Params[]): number[][] =>
  configs.map((p) => {
    const s = check(buildSpec(spec, p)).stats;
    return [s.distinctStates, s.transitions, s.maxDepth];
  });

export function describeExpectations(spec: Spec, golden: Readonly<Record<string, readonly number[]>> = {}): void {
  describe(`${spec.name} expectations`, () => {
    for (const e of spec.expectations ?? []) {
      it(e.name, () => {
        const r = runExpectation(spec, e);
        expect(r.mismatch).toEqual([]);
        if (r.outcome.violation) expect(replay(r.outcome.compiled, r.outcome.violation.trace).ok).toBe(true);
        const g = golden[e.name];
        const s = r.outcome.stats;
        if (g) expect([s.distinctStates, s.transitions, s.maxDepth].slice(0, g.length)).toEqual(g);
      });
    }
    it('every golden count names an expectation', () => {
      const names = (spec.expectations ?? []).map((e) => e.name);
      for (const name of Object.keys(golden)) expect(names).toContain(name);
    });
  });
}
