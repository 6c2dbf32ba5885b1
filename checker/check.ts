// The one call the command line, CI and tests use: explore a model with a strategy and return
// the verdict with its counterexample rebuilt as a trace of plain states.

import { cpus } from 'node:os';
import { bfs } from './bfs.js';
import { CompiledModel } from './compiled.js';
import { dfs } from './dfs.js';
import type { RecordDomain } from './domain.js';
import type { AnyModel, Model } from './model.js';
import type { Params, PropertyDecl, Spec } from './spec.js';
import { parallelBfs, SearchWorkers } from './parallel/coordinator.js';
import { DEADLOCK, withoutProperties } from './properties.js';
import type { ModelPhase } from './expand.js';
import type { FoundPath, SearchOptions, SearchResult, SearchStats, Verdict } from './result.js';
import { defaultMemory } from './memory.js';
import { fairnessOf, findLasso, recordGraph } from './liveness.js';
import { buildTrace, type TraceStep } from './trace.js';
import { checkpointing, type CheckpointSink, type CheckpointTarget, type OpenCheckpoint, type SearchSnapshot } from './checkpoint.js';

export type Strategy = 'bfs' | 'dfs';

export interface CheckOptions extends SearchOptions {
  search?: Strategy;
  /** Properties not to check (by name), to see what else a configuration breaks. */
  skipProperties?: readonly string[];
  /** Check the model's liveness properties once the safety search passes (default true). */
  liveness?: boolean;
  /** BFS writes checkpoints into `dir` every `every` seconds, marked with tdx-mc's `version` (checkpoint.ts). */
  checkpointTo?: CheckpointTarget;
  /** BFS continues from this checkpoint, which the caller opened and held to this run. */
  resumeFrom?: OpenCheckpoint;
}

export interface Violation {
  /** The violated property, or the deadlock pseudo-property. */
  property: PropertyDecl;
  kind: 'invariant' | 'transition' | 'deadlock' | 'liveness';
  trace: TraceStep[];
  /** Action instance indices of the trace, for replay. */
  steps: number[];
  /** A liveness violation's lasso: the index in `trace` of the state where its cycle starts (and ends). */
  loopStart?: number;
}

/** A model function that threw, located: what `tdxmc` prints as one line and reports as a trace. */
export interface ModelError {
  readonly phase: ModelPhase;
  /** The action whose guard or effect threw, or whose step a transition property was judging. */
  readonly action: string | null;
  readonly actor: number | null;
  /** How the actor is called ('CPU'); null when there is no actor. */
  readonly actorKind: string | null;
  /** The invariant or transition property that threw. */
  readonly property: string | null;
  /** The initial-state writer that threw (phase 'init'). */
  readonly init: number | null;
  /** What the model threw: the Error's message, or the value as text. */
  readonly message: string;
  /** Steps from an initial state to the state where it threw. */
  readonly depth: number;
  /** That state's number in the search's order (insertion order of the visited set); -1 from a simulation, which numbers none. */
  readonly stateNumber: number;
  /**
   * From an initial state to the state where it threw (the last entry); with a transition
   * property or an invariant, the step that led there is included. Empty for phase 'init'.
   */
  readonly trace: TraceStep[];
  /** Action instance indices of `trace`. */
  readonly steps: number[];
  /** The thrown value (its stack for --debug). */
  readonly cause: unknown;
}

export interface LivenessReport {
  /** The liveness properties checked; empty when skipped. */
  readonly checked: readonly string[];
  /** Why they were not checked: `--no-liveness`, symmetry, or the safety verdict. */
  readonly skipped?: string;
  readonly seconds: number;
  /** Bytes of the recorded graph. */
  readonly bytes: number;
  readonly edges: number;
}

export interface CheckOutcome {
  verdict: Verdict;
  stats: SearchStats;
  /** True when the search stored one canonical state per orbit (--symmetry). */
  reduced: boolean;
  violation?: Violation;
  stoppedBy?: SearchResult['stoppedBy'];
  /** The liveness check, when the model has liveness properties: which were checked, or why none was. */
  liveness?: LivenessReport;
  /** Set exactly when the verdict is 'unreachable': the reachability targets no reachable state meets. */
  unreachable?: PropertyDecl[];
  /** Set exactly when the verdict is 'error'; `stats` still say what was explored before it. */
  error?: ModelError;
  /** Bytes: the process's peak resident set when the check was done. */
  peakRss?: number;
  compiled: CompiledModel;
}

export function propertyDecl(cm: CompiledModel, index: number): PropertyDecl {
  if (index < 0) return DEADLOCK;
  const m = cm.model;
  const p = [...m.invariants, ...(m.transitionProperties ?? []), ...(m.targets ?? [])][index]!;
  return { name: p.name, description: p.description, ...(p.source === undefined ? {} : { source: p.source }) };
}

export function check<D extends RecordDomain>(model: Model<D> | CompiledModel<D>, opts: CheckOptions = {}): CheckOutcome {
  const cm = model instanceof CompiledModel ? model : new CompiledModel(model);
  const r = (opts.search ?? 'bfs') === 'dfs' ? dfs(cm, opts) : bfs(cm, opts);
  return outcomeOf(cm, r, opts);
}

/** A spec's model, built, and the seconds its build took. */
export interface BuiltModel {
  readonly model: AnyModel;
  readonly seconds: number;
}

export function buildModel(spec: Spec, params: Params): BuiltModel {
  const started = performance.now();
  const model = spec.build(params);
  return { model, seconds: (performance.now() - started) / 1000 };
}

/**
 * Checks a spec with `workers` search threads (BFS only). Each worker builds the model from
 * the spec's module, so the spec must name its module (`Spec.file`). With `probe` one thread
 * searches first and starts the workers only when the search outlasts the probe's rule; it goes
 * on alone while they build and warm up, then hands its table and frontier over to them
 * between two levels. `prepared`: the model when the caller built it already (buildModel).
 */
export async function checkParallel(
  spec: Spec,
  params: Params,
  opts: CheckOptions & { workers: number; probe?: boolean | ProbeRule },
  prepared: BuiltModel = buildModel(spec, params),
): Promise<CheckOutcome> {
  const building = performance.now();
  const cm = new CompiledModel(withoutProperties(prepared.model, ...(opts.skipProperties ?? [])));
  // What a worker will take before it searches: building the model and compiling it, as here.
  const built = prepared.seconds + (performance.now() - building) / 1000;
  // The reduced search runs on one thread: its cycle proviso asks the one store it fills.
  const parallel = opts.workers > 1 && (opts.search ?? 'bfs') === 'bfs' && spec.file !== undefined && !opts.por;
  opts = { ...opts, ...checkpointing(spec.name, params, cm, opts, parallel) };
  if (!parallel) return check(cm, opts);
  const source = { module: spec.file!, name: spec.name, params, skipProperties: opts.skipProperties ?? [] };
  if (!opts.probe || opts.resume !== undefined) return outcomeOf(cm, await parallelBfs(cm, source, opts, opts.workers), opts);
  const rule = opts.probe === true ? PROBE : opts.probe;
  const probe = new Probe(rule, built, () => new SearchWorkers(source, opts, opts.workers, WARM_UP), opts.checkpoint);
  const first = bfs(cm, { ...opts, checkpoint: probe });
  if (!probe.handed) {
    await probe.workers?.close();
    return outcomeOf(cm, first, opts);
  }
  return outcomeOf(cm, await parallelBfs(cm, source, opts, opts.workers, undefined, probe.workers), opts);
}

/**
 * When the default's one thread starts workers: once it stored `states` and searched `factor`
 * times as long as a worker takes before it searches at full speed (building the model, then
 * warming up, judged by what this thread took for both), and with `idleCore`, only when the
 * machine's cores sat idle for most of a core's time while this thread searched: on cores
 * other work keeps busy, workers take their time from this thread instead of adding to it.
 * (Measured over the probe itself, not by the load average, which still counts a run that
 * ended a minute ago.) Searches that never meet the rule are finished by the one thread.
 */
export interface ProbeRule {
  readonly states: number;
  readonly factor: number;
  readonly idleCore: boolean;
}

export const PROBE: ProbeRule = { states: 100_000, factor: 3, idleCore: true };

/** Milliseconds every core of the machine has spent idle since boot. */
const idleMillis = (): number => cpus().reduce((t, c) => t + c.times.idle, 0);

/** The share of a core that sat idle, on average, since the meter was made. */
class IdleMeter {
  private readonly idle = idleMillis();
  private readonly at = performance.now();

  /** At least this share of one core was idle: most of a core is free besides the searching thread. */
  idleCore(share = 0.75): boolean {
    const wall = performance.now() - this.at;
    return wall > 0 && (idleMillis() - this.idle) / wall >= share;
  }
}

/** States after which the probe's thread counts itself warmed up. */
const WARM_STATES = 1000;

/** States each worker started by the probe explores on its own first, to warm up. */
const WARM_UP = 5000;

/**
 * The one-thread search's sink, asked at every level's end: once the rule says so it starts
 * the workers, and once they are ready it takes the search over for them. It passes the run's
 * own checkpoints on when they are due.
 */
class Probe implements CheckpointSink {
  readonly every = 0;
  workers: SearchWorkers | undefined;
  handed = false;
  private warm: number | undefined;
  private readonly meter = new IdleMeter();
  private nextCheckpoint: number;

  constructor(
    private readonly rule: ProbeRule,
    /** Seconds this thread took to build the model. */
    private readonly built: number,
    private readonly start: () => SearchWorkers,
    private readonly checkpoint: CheckpointSink | undefined,
  ) {
    this.nextCheckpoint = performance.now() + (checkpoint?.every ?? 0) * 1000;
  }

  takeOver(s: SearchSnapshot): boolean {
    if (this.warm === undefined && s.store.size >= WARM_STATES) this.warm = s.seconds;
    const r = this.rule;
    if (
      this.workers === undefined &&
      s.store.size >= r.states &&
      s.seconds >= r.factor * (this.built + (this.warm ?? s.seconds)) &&
      (!r.idleCore || this.meter.idleCore())
    )
      this.workers = this.start();
    if (this.workers?.ready !== true) return false;
    this.workers.handOver(s);
    this.handed = true;
    return true;
  }

  save(s: SearchSnapshot): void {
    if (this.checkpoint === undefined || performance.now() < this.nextCheckpoint) return;
    this.checkpoint.save(s);
    this.nextCheckpoint = performance.now() + this.checkpoint.every * 1000;
  }
}

/** A search's result as a check's outcome: the finding's trace rebuilt, liveness checked after a pass (unless opts say not). */
export function outcomeOf<D extends RecordDomain>(cm: CompiledModel<D>, r: SearchResult, opts: CheckOptions): CheckOutcome {
  const reduced = (opts.symmetry ?? false) && (cm.model.symmetry?.length ?? 0) > 0;
  const out: CheckOutcome = { verdict: r.verdict, stats: r.stats, reduced, compiled: cm as unknown as CompiledModel };
  if (r.stoppedBy) out.stoppedBy = r.stoppedBy;
  if (r.unreached) out.unreachable = r.unreached.map((t) => propertyDecl(cm as unknown as CompiledModel, cm.firstTarget + t));
  const f = r.found;
  if (f === undefined) {
    checkLiveness(cm as unknown as CompiledModel, out, opts, r);
    return measured(out);
  }
  if (f.init === undefined || f.steps === undefined) throw new Error('internal: a finding without its path');
  const { trace, steps } =
    f.fault?.phase === 'init' ? { trace: [], steps: [] } : buildTrace(cm, f.init, f.steps, opts.symmetry ? cm.canonicalizer() : undefined);
  if (f.fault) out.error = modelError(cm as unknown as CompiledModel, f, trace, steps);
  else {
    const kind = f.property < 0 ? 'deadlock' : f.property < cm.model.invariants.length ? 'invariant' : 'transition';
    out.violation = { property: propertyDecl(cm as unknown as CompiledModel, f.property), kind, trace, steps };
  }
  return measured(out);
}

/** Records the process's peak resident set, all threads, once the check is done. */
function measured(out: CheckOutcome): CheckOutcome {
  out.peakRss = process.resourceUsage().maxRSS * 1024;
  return out;
}

/**
 * Checks the liveness properties of a model whose safety search passed: the reachable graph
 * is recorded again, numbered by the safety search's table, and searched for fair cycles
 * (liveness.ts). Symmetry reduction is not
 * sound for them here, so it skips them, and says so.
 */
function checkLiveness(cm: CompiledModel, out: CheckOutcome, opts: CheckOptions, safety: SearchResult): void {
  const props = cm.model.liveness ?? [];
  if (props.length === 0) return;
  const skip = (skipped: string): void => void (out.liveness = { checked: [], skipped, seconds: 0, bytes: 0, edges: 0 });
  if (opts.liveness === false) return skip('--no-liveness');
  if (out.verdict !== 'pass') return skip(`the safety verdict is ${out.verdict}`);
  if (opts.symmetry && out.reduced) return skip('symmetry reduction is not sound for liveness here');
  if (opts.por) return skip('partial-order reduction does not preserve liveness under fairness here');
  const started = performance.now();
  const size = { states: out.stats.distinctStates, edges: out.stats.transitions };
  const r = recordGraph(cm, props, opts.maxStates ?? Infinity, opts.memory ?? defaultMemory(), size, borrowVisited(safety));
  const seconds = (): number => (performance.now() - started) / 1000;
  if (r.kind === 'stopped') {
    // A liveness verdict needs the whole graph: a bound makes it incomplete, never a pass.
    out.verdict = 'incomplete';
    out.stoppedBy = r.why === 'max-states' ? 'max-states' : 'memory';
    out.liveness = { checked: [], skipped: `the graph could not be recorded (${r.why})`, seconds: seconds(), bytes: 0, edges: 0 };
    return;
  }
  const fair = fairnessOf(cm);
  const checked: string[] = [];
  for (let p = 0; p < props.length && out.verdict === 'pass'; p++) {
    checked.push(props[p]!.name);
    const lasso = findLasso(r.graph, p, props[p]!.form, fair);
    if (lasso === undefined) continue;
    const { trace, steps } = buildTrace(cm, lasso.init, lasso.steps);
    const { name, description, source } = props[p]!;
    out.verdict = 'violation';
    out.violation = {
      property: { name, description, ...(source === undefined ? {} : { source }) },
      kind: 'liveness',
      trace,
      steps,
      loopStart: lasso.loopStart,
    };
  }
  out.liveness = { checked, seconds: seconds(), bytes: r.bytes, edges: r.graph.edges.length };
  out.stats.memoryPeak = Math.max(out.stats.memoryPeak, r.bytes);
}

/** The safety search's table, taken out of its result so that it is freed once the graph is recorded. */
function borrowVisited(safety: SearchResult): Uint32Array | undefined {
  const t = safety.visited;
  delete safety.visited;
  return t;
}

function modelError(cm: CompiledModel, f: FoundPath, trace: TraceStep[], steps: number[]): ModelError {
  const fault = f.fault!;
  const r = fault.ref >= 0 ? cm.refs[fault.ref]! : undefined;
  const cause = fault.cause;
  return {
    phase: fault.phase,
    action: r?.name ?? null,
    actor: r === undefined || r.actor < 0 ? null : r.actor,
    actorKind: r === undefined || r.actor < 0 ? null : (cm.model.actions[r.action]!.actorKind ?? 'actor'),
    property: fault.property >= 0 ? cm.propertyNames[fault.property]! : null,
    init: fault.phase === 'init' ? fault.init : null,
    message: cause instanceof Error ? cause.message : String(cause),
    depth: f.length,
    stateNumber: f.state,
    trace,
    steps,
    cause,
  };
}

/** One line: `the effect of SEAMLDR.INSTALL (CPU 2) threw "boom" at depth 7 (state #1234)`. */
export function describeModelError(e: ModelError): string {
  const action = e.action === null ? '' : e.actor === null ? e.action : `${e.action} (${e.actorKind} ${e.actor})`;
  const what: Record<ModelPhase, string> = {
    init: `the writer of initial state ${e.init}`,
    guard: `the guard of ${action}`,
    effect: `the effect of ${action}`,
    invariant: `invariant ${e.property}`,
    'transition property': `transition property ${e.property} on ${action}`,
    'end state': 'the end-state predicate',
    target: `reachability target ${e.property}`,
  };
  const where = e.phase === 'init' ? '' : ` at depth ${e.depth}${e.stateNumber < 0 ? '' : ` (state #${e.stateNumber})`}`;
  return `${what[e.phase]} threw ${JSON.stringify(e.message)}${where}`;
}
