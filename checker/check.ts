// The one call the command line, CI and tests use: explore a model with a strategy and return
// the verdict with its counterexample rebuilt as a trace of plain states.

import { bfs } from './bfs.js';
import { CompiledModel } from './compiled.js';
import { dfs } from './dfs.js';
import type { RecordDomain } from './domain.js';
import type { Model, Params, PropertyDecl, Spec } from './model.js';
import { parallelBfs } from './parallel/coordinator.js';
import { withoutProperties } from './properties.js';
import type { ModelError, SearchOptions, SearchResult, SearchStats, Verdict } from './result.js';
import { buildTrace, type TraceStep } from './trace.js';

export type Strategy = 'bfs' | 'dfs';

export interface CheckOptions extends SearchOptions {
  search?: Strategy;
  /** Properties not to check (by name), to see what else a configuration breaks. */
  skipProperties?: readonly string[];
}

export interface Violation {
  /** The violated property, or the deadlock pseudo-property. */
  property: PropertyDecl;
  kind: 'invariant' | 'transition' | 'deadlock';
  trace: TraceStep[];
  /** Action instance indices of the trace, for replay. */
  steps: number[];
}

export interface CheckOutcome {
  verdict: Verdict;
  stats: SearchStats;
  /** True when the search stored one canonical state per orbit (--symmetry). */
  reduced: boolean;
  violation?: Violation;
  stoppedBy?: SearchResult['stoppedBy'];
  error?: ModelError;
  compiled: CompiledModel;
}

export const DEADLOCK: PropertyDecl = {
  name: 'deadlock',
  description: 'a state with no enabled action that the model does not declare a legal end state',
};

export function propertyDecl(cm: CompiledModel, index: number): PropertyDecl {
  if (index < 0) return DEADLOCK;
  const inv = cm.model.invariants;
  const p = index < inv.length ? inv[index]! : cm.model.transitionProperties![index - inv.length]!;
  return { name: p.name, description: p.description, ...(p.source === undefined ? {} : { source: p.source }) };
}

export function check<D extends RecordDomain>(model: Model<D> | CompiledModel<D>, opts: CheckOptions = {}): CheckOutcome {
  const cm = model instanceof CompiledModel ? model : new CompiledModel(model);
  const r = (opts.search ?? 'bfs') === 'dfs' ? dfs(cm, opts) : bfs(cm, opts);
  return outcome(cm, r, opts);
}

/**
 * Checks a spec with `workers` search threads (BFS only). Each worker builds the model from
 * the spec's module, so the spec must name its module (`Spec.file`).
 */
export async function checkParallel(
  spec: Spec,
  params: Params,
  opts: CheckOptions & { workers: number; probe?: boolean },
): Promise<CheckOutcome> {
  const cm = new CompiledModel(withoutProperties(spec.build(params), ...(opts.skipProperties ?? [])));
  if (opts.workers <= 1 || (opts.search ?? 'bfs') === 'dfs' || spec.file === undefined) return check(cm, opts);
  let probeSeconds = 0;
  if (opts.probe) {
    // Starting workers costs more than small searches take: try one thread first, up to a size.
    const limit = Math.min(opts.maxStates ?? Infinity, PROBE_STATES);
    const first = bfs(cm, { ...opts, maxStates: limit });
    if (first.stoppedBy !== 'max-states' || limit === opts.maxStates) return outcome(cm, first, opts);
    probeSeconds = first.stats.seconds;
  }
  const r = await parallelBfs(cm, { module: spec.file, name: spec.name, params, skipProperties: opts.skipProperties ?? [] }, opts, opts.workers);
  r.stats.seconds += probeSeconds;
  return outcome(cm, r, opts);
}

/** States a search may reach on one thread before checkParallel starts workers. */
export const PROBE_STATES = 100_000;

function outcome<D extends RecordDomain>(cm: CompiledModel<D>, r: SearchResult, opts: CheckOptions): CheckOutcome {
  const reduced = (opts.symmetry ?? false) && (cm.model.symmetry?.length ?? 0) > 0;
  const out: CheckOutcome = { verdict: r.verdict, stats: r.stats, reduced, compiled: cm as unknown as CompiledModel };
  if (r.stoppedBy) out.stoppedBy = r.stoppedBy;
  if (r.error) out.error = r.error;
  if (r.found) {
    const f = r.found;
    const kind = f.property < 0 ? 'deadlock' : f.property < cm.model.invariants.length ? 'invariant' : 'transition';
    if (f.init === undefined || f.steps === undefined) throw new Error('internal: a violation without its path');
    const { trace, steps } = buildTrace(cm, f.init, f.steps, opts.symmetry ? cm.canonicalizer() : undefined);
    out.violation = { property: propertyDecl(cm as unknown as CompiledModel, f.property), kind, trace, steps };
  }
  return out;
}
