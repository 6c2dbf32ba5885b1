// Action coverage (TLC's per-action counts): how often each action fired in the explored space,
// per actor too, and which never fired. A never-fired action is usually a modelling mistake
// (a guard that can never hold), unless the search stopped early at a counterexample.

import { modelInfo } from '../annotate.js';
import type { CheckOutcome } from '../check.js';

export interface ActionCoverage {
  readonly name: string;
  /** 'CPU' for an action instantiated per CPU; absent for a single instance. */
  readonly actorKind?: string;
  readonly fired: number;
  /** Fired per actor, index = actor; absent for a single instance. */
  readonly byActor?: readonly number[];
}

export interface Coverage {
  readonly actions: readonly ActionCoverage[];
  /** Names of the actions that never fired, in declaration order. */
  readonly neverFired: readonly string[];
  /** Action instances that never fired although their action did, e.g. `fail(CPU 0)`. */
  readonly instancesNeverFired: readonly string[];
}

/**
 * Coverage of a check's outcome. After a symmetry-reduced search the per-actor figures are
 * left out: they count transitions of canonical representatives, not of each CPU.
 */
export function coverage(outcome: CheckOutcome): Coverage {
  const { stats, reduced } = outcome;
  const { actions: declared, instances } = modelInfo(outcome);
  const actions = declared.map((a, i): ActionCoverage => {
    const refs = instances.flatMap((r, k) => (r.action === i ? [k] : []));
    const fired = refs.reduce((sum, k) => sum + stats.fired[k]!, 0);
    if (a.actors === undefined || reduced) return { name: a.name, fired };
    return { name: a.name, actorKind: a.actorKind, fired, byActor: refs.map((k) => stats.fired[k]!) };
  });
  const instancesNeverFired = reduced ? [] : instances.flatMap((r, k) => (stats.fired[k] === 0 && actions[r.action]!.fired > 0 ? [r.label] : []));
  return { actions, neverFired: actions.filter((a) => a.fired === 0).map((a) => a.name), instancesNeverFired };
}

/** `CPU 0: 3, CPU 1: 9`; empty for a single instance or an action that never fired. */
export function byActorText(a: ActionCoverage): string {
  if (a.byActor === undefined || a.fired === 0) return '';
  return a.byActor.map((f, i) => `${a.actorKind} ${i}: ${f.toLocaleString('en-US')}`).join(', ');
}

/** Why never-fired actions may be expected, when the search did not explore everything. */
export function coverageCaveat(verdict: string): string | undefined {
  if (verdict === 'pass') return undefined;
  if (verdict === 'incomplete') return 'the search was cut by a bound, so some actions may not have had the chance to fire';
  const stop = verdict === 'error' ? 'the model error' : 'the first counterexample';
  return `the search stopped at ${stop}, so some actions may not have had the chance to fire`;
}
