// How strong are a spec's properties? Mutation testing of the model (Certora runs Gambit's
// program mutants against CVL specs; hardware verification measures the mutation coverage of
// temporal properties): every mutant of the reference configuration (mutants.ts) is checked,
// on the reference's graph where that is exact (graph-mutants.ts), else as a CI job on worker
// threads, and either a property, a deadlock or a reachability target kills it, or it
// survives: a bug of that shape the properties let pass.

import { check } from './check.js';
import type { Job, JobResult } from './ci/job.js';
import { runPool } from './ci/pool.js';
import { UsageError } from './exit.js';
import { decidable, decide, referenceGraph, type GraphFate } from './graph-mutants.js';
import { behaviour, mutantName, mutants, type Mutant, type Operator } from './mutants.js';
import type { Params, Spec } from './spec.js';

export type Fate = 'killed' | 'survived' | 'accepted' | 'equivalent' | 'model error' | 'incomplete';

export interface MutantResult {
  readonly mutant: Mutant;
  /** `stop_machine without its write of cpu[].stopper`. */
  readonly name: string;
  readonly fate: Fate;
  /** killed: the property (or `deadlock`, or the unreachable targets); model error: what threw;
   *  equivalent, accepted: why; incomplete: the bound. */
  readonly detail?: string;
}

export interface AuditResult {
  readonly spec: string;
  readonly params: Params;
  readonly operators: readonly Operator[];
  /** The patterns that chose the actions mutated, when not every action was. */
  readonly actions?: readonly string[];
  /** Distinct states of the reference configuration. */
  readonly referenceStates: number;
  /** Each mutant's bound: a mutant that explodes is `incomplete`, not a survivor. */
  readonly maxStates: number;
  readonly counts: Readonly<Record<Fate, number>>;
  /** killed / (mutants - equivalent - accepted): 1 when every mutant that can matter is killed. */
  readonly score: number;
  readonly floor?: number;
  readonly mutants: readonly MutantResult[];
}

export interface AuditOptions {
  readonly operators: readonly Operator[];
  /** Only the mutants of actions whose name contains one of these (case-insensitive). */
  readonly actions?: readonly string[];
  readonly jobs: number;
  /** Each mutant's state bound; default ten times the reference's states. */
  readonly maxStates?: number;
  readonly version: string;
  readonly onDone?: (done: number, of: number) => void;
}

/** Operators in the order their mutants start on the threads. */
const LONG_FIRST: readonly Operator[] = ['ignore-guard', 'stutter', 'drop-action', 'drop-init', 'skip-write', 'off-by-one'];

function fateOf(r: JobResult): { fate: Fate; detail?: string } {
  const a = r.actual;
  if (a.error !== undefined) return { fate: 'model error', detail: a.error };
  if (a.verdict === 'incomplete') return { fate: 'incomplete', detail: a.stoppedBy ?? 'bound' };
  if (a.verdict === 'pass') return { fate: 'survived' };
  return { fate: 'killed', detail: a.property ?? a.verdict };
}

/** Whether an action (none: drop-init) is one of those `patterns` name. */
const picks = (patterns: readonly string[], action: string | undefined): boolean =>
  action !== undefined && patterns.some((p) => action.toLowerCase().includes(p.toLowerCase()));

/** Audits the spec's configuration `params` (validated, defaults filled in). */
export async function audit(spec: Spec, params: Params, o: AuditOptions): Promise<AuditResult> {
  if (spec.file === undefined) throw new UsageError(`audit: spec ${spec.name} has no file (import.meta.url), so its mutants cannot run on worker threads`);
  const model = spec.build(params);
  for (const a of o.actions ?? [])
    if (!model.actions.some((x) => picks([a], x.name))) throw new UsageError(`--actions: '${a}' is in the name of no action of ${spec.name}`);
  const reference = check(model);
  if (reference.verdict !== 'pass') {
    throw new UsageError(
      `audit: the configuration to mutate must pass, and spec ${spec.name} here ends ${reference.verdict}${reference.violation ? ` (${reference.violation.property.name})` : ''}`,
    );
  }
  const maxStates = o.maxStates ?? 10 * reference.stats.distinctStates;
  const chosen = mutants(model, behaviour(model, Infinity), o.operators).filter((c) => o.actions === undefined || picks(o.actions, c.mutant.action));
  const accepted = new Map((spec.audit?.accepted ?? []).map((a) => [a.mutant, a.reason]));
  const open = chosen.filter((c) => c.equivalent === undefined && !accepted.has(mutantName(c.mutant)));
  // Drop-action and stutter mutants are decided on the reference's graph where that is exact.
  const graph = open.some((c) => decidable(reference.compiled, c.mutant))
    ? referenceGraph(reference.compiled, { states: reference.stats.distinctStates, edges: reference.stats.transitions })
    : undefined;
  const decided = new Map<(typeof open)[number], GraphFate>();
  for (const c of open) {
    const f = graph !== undefined && decidable(reference.compiled, c.mutant) ? decide(graph, c.mutant, maxStates) : undefined;
    if (f !== undefined) decided.set(c, f);
  }
  // The mutants that change a whole action tend to explore the most, so they start first and
  // the short ones fill the threads at the end; results keep the mutants' order.
  const toRun = open.filter((c) => !decided.has(c)).sort((a, b) => LONG_FIRST.indexOf(a.mutant.operator) - LONG_FIRST.indexOf(b.mutant.operator));
  const jobs: Job[] = toRun.map((c) => ({ module: spec.file!, spec: spec.name, params, options: { maxStates }, version: o.version, mutant: c.mutant }));
  let done = decided.size;
  const of = open.length;
  if (done > 0) o.onDone?.(done, of);
  const results = await runPool(jobs, { workers: o.jobs, onDone: () => o.onDone?.(++done, of) });
  const ran = new Map<(typeof open)[number], { fate: Fate; detail?: string }>([...decided, ...toRun.map((c, i) => [c, fateOf(results[i]!)] as const)]);
  const rows: MutantResult[] = chosen.map((c) => {
    const name = mutantName(c.mutant);
    const f: { fate: Fate; detail?: string } =
      c.equivalent !== undefined
        ? { fate: 'equivalent', detail: c.equivalent }
        : accepted.has(name)
          ? { fate: 'accepted', detail: accepted.get(name)! }
          : ran.get(c)!;
    return { mutant: c.mutant, name, ...f };
  });
  const counts = { killed: 0, survived: 0, accepted: 0, equivalent: 0, 'model error': 0, incomplete: 0 };
  for (const r of rows) counts[r.fate]++;
  const judged = rows.length - counts.equivalent - counts.accepted;
  return {
    spec: spec.name,
    params,
    operators: o.operators,
    ...(o.actions === undefined ? {} : { actions: o.actions }),
    referenceStates: reference.stats.distinctStates,
    maxStates,
    counts,
    score: judged === 0 ? 1 : counts.killed / judged,
    ...(spec.audit?.floor === undefined ? {} : { floor: spec.audit.floor }),
    mutants: rows,
  };
}

/** Whether the audit holds the spec's line: no survivor it has not accepted, and at least its floor. */
export const auditHolds = (r: Pick<AuditResult, 'counts' | 'score' | 'floor'>): boolean => r.counts.survived === 0 && r.score >= (r.floor ?? 0);
