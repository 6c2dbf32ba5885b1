// What `tdxmc check` hands its search thread (plain data, decided from the flags), and what a run
// stopped by a signal reports from it: kept apart from check-run.ts so that the command's own
// thread loads no engine or report code before the search thread starts.

import type { CheckOptions } from '../check.js';
import { collisionProbability } from '../fingerprint.js';
import type { Progress } from '../result.js';
import type { Params, Spec } from '../spec.js';
import type { Skipped } from './human.js';

/** What the command decided from its flags: plain data, to cross to a worker thread. */
export interface CheckRequest {
  readonly params: Params;
  readonly options: Omit<CheckOptions, 'onProgress' | 'progressInterval' | 'onState'> & { workers: number; probe: boolean };
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

/** The properties the flags leave out: `--skip-property`'s, and liveness under `--no-liveness`, `--symmetry` or `--por`. */
export function skippedOf(skip: readonly string[], liveness: readonly string[], o: { noLiveness: boolean; symmetry: boolean; por?: boolean }): Skipped[] {
  const live = liveness.filter((p) => !skip.includes(p));
  const why = o.noLiveness
    ? '--no-liveness'
    : o.symmetry
      ? '--symmetry: not sound for liveness here'
      : o.por
        ? '--por: not sound for liveness here'
        : undefined;
  return [...skip.map((property) => ({ property, why: '--skip-property' })), ...(why === undefined ? [] : live.map((property) => ({ property, why })))];
}

/** What the request's flags leave out, as the spec declares its liveness properties: for a run stopped before its model was built. */
export const declaredSkipped = (spec: Spec, req: CheckRequest): Skipped[] =>
  skippedOf(
    req.options.skipProperties ?? [],
    spec.properties.filter((p) => p.kind === 'liveness').map((p) => p.name),
    flagsOf(req.options),
  );

export const flagsOf = (o: CheckRequest['options']) => ({ noLiveness: o.liveness === false, symmetry: o.symmetry ?? false, por: o.por ?? false });

/** The `--json` object of a run a signal stopped: the documented keys, from its last progress report. */
export function interruptedJson(spec: Spec, req: CheckRequest, p: Progress, seconds: number, signal: string) {
  return {
    spec: spec.name,
    params: req.params,
    verdict: 'incomplete',
    distinctStates: p.distinctStates,
    transitions: p.transitions,
    maxDepth: p.depth,
    seconds: Number(seconds.toFixed(3)),
    collisionProbability: req.options.exact ? 0 : collisionProbability(p.distinctStates),
    stoppedBy: signal,
    skipped: declaredSkipped(spec, req),
  };
}
