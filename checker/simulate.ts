// Random simulation (TLC's -simulate, SPIN's random mode, Quint's run): seeded random walks
// driven by the one successor step, every invariant judged at every state and every transition
// property at every step taken. A walk is a list of choices, the initial state's and then at
// each state one place in its list of enabled action instances, so a seed and a list of
// choices replay exactly. A violation's walk is cut where it revisits a state and then shrunk
// by fast-check with the choices as the shrinkable value; a shrunk walk must still break the
// same property. Nothing here says `pass`: a simulation explores some paths, not every state.

import { createRequire } from 'node:module';
import type { CompiledModel } from './compiled.js';
import type { RecordDomain } from './domain.js';
import { Expansion, Successors, type Fault } from './expand.js';
import { Fingerprint, hashHi, hashLo } from './fingerprint.js';
import { DistinctEstimate } from './hyperloglog.js';
import { Random, SwarmChoice } from './swarm.js';

export interface SimulateOptions {
  /** The seed every run's own seed derives from: the same seed, the same walks. */
  readonly seed: number;
  readonly runs: number;
  /** Steps a walk takes at most. */
  readonly depth: number;
  /** Stop starting runs, and end the current one, after this many seconds. */
  readonly seconds?: number;
  /** Swarm: each run draws its own action weights and picks an action before its actor (swarm.ts). */
  readonly swarm?: boolean;
  /** Do only runs r with r % count === index - 1 (`--shard index/count`); the seeds stay those of the whole. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Shrink a violation's walk (default true). */
  readonly shrink?: boolean;
  /** Told each run as it ends. */
  readonly onRun?: (run: RunSummary) => void;
}

/** How a walk ended: at the depth, at a legal end state, at the time limit, or at a finding. */
export type RunEnd = 'depth' | 'end state' | 'time' | 'found';

export interface RunSummary {
  readonly run: number;
  readonly seed: number;
  readonly steps: number;
  readonly end: RunEnd;
  /** Distinct action instances the walk took. */
  readonly actions: number;
  /** An estimate of the distinct states it visited. */
  readonly distinct: number;
}

export interface SimulationFinding {
  readonly run: number;
  readonly seed: number;
  /** The property broken (CompiledModel.propertyNames index), or -1 for a deadlock or a fault. */
  readonly property: number;
  readonly fault?: Fault;
  /** The trace: initial state `init`, then these action instances. */
  readonly init: number;
  readonly steps: number[];
  /** Steps of the walk as it found the violation, before it was cut and shrunk. */
  readonly walked: number;
  /** Seconds from the start of the simulation until the walk met it (shrinking not included). */
  readonly seconds: number;
}

export interface SimulationResult {
  readonly verdict: 'no violation' | 'violation' | 'deadlock' | 'error';
  readonly runs: RunSummary[];
  readonly steps: number;
  readonly seconds: number;
  /** An estimate of the distinct states all runs visited. */
  readonly distinct: number;
  /** Transitions taken per action instance (CompiledModel.refs). */
  readonly fired: Float64Array;
  readonly stoppedBy?: 'time';
  readonly found?: SimulationFinding;
}

/** A run's seed: the simulation's seed and the run's number, mixed (a 32-bit finalizer). */
export function runSeed(seed: number, run: number): number {
  let h = (seed ^ Math.imul(run + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** What ended a walk: nothing (it stopped), or a finding at its last state or step. */
interface Met {
  kind: 'none' | 'invariant' | 'step' | 'deadlock' | 'fault' | 'end state';
  /** The property broken (propertyNames index), -1 for the other kinds. */
  property: number;
  /** Steps taken. */
  taken: number;
}

/**
 * One walk of at most `tries` choices: `choose` gives the initial state's among n, then at
 * each state one of the n instances `enabled` lists by its place there, or -1 to take none and
 * choose again. `visit` sees each state before it is judged, with the instance that led to it
 * (-1 for the initial state).
 */
function walk<D extends RecordDomain>(
  succ: Successors<D>,
  tries: number,
  choose: (n: number, enabled: Int32Array | null) => number,
  visit: (words: Uint32Array, via: number) => void,
  stop: () => boolean,
): Met {
  const { cur, next } = succ;
  let taken = 0;
  // The instance the last step took, -1 when none did (the initial state, a legal end state).
  let ref = -1;
  const met = (kind: Met['kind'], property = -1): Met => ({ kind, property, taken });
  const judged = (): Met | undefined => {
    visit(next, ref);
    const p = succ.judgeState();
    return p === -2 ? met('fault') : p >= 0 ? met('invariant', p) : undefined;
  };
  if (!succ.initial(choose(succ.cm.model.init.length, null))) return met('fault');
  const first = judged();
  if (first) return first;
  const pick = (enabled: Int32Array, n: number): number => choose(n, enabled);
  const took = (r: number): boolean => ((ref = r), true);
  for (let t = 0; t < tries; t++) {
    if (stop()) break;
    cur.set(next);
    ref = -1;
    const how = succ.expand(took, pick);
    if (how === Expansion.Stopped) continue;
    if (how === Expansion.Deadlock) return met('deadlock');
    if (how === Expansion.Fault) {
      if (succ.fault!.phase === 'effect' || succ.fault!.phase === 'transition property') taken++;
      return met('fault');
    }
    if (how === Expansion.Violation) {
      taken++;
      return met('step', succ.property);
    }
    if (ref < 0) return met('end state');
    taken++;
    const j = judged();
    if (j) return j;
  }
  return met('none');
}

export function simulate<D extends RecordDomain>(cm: CompiledModel<D>, opts: SimulateOptions): SimulationResult {
  const started = performance.now();
  const deadline = opts.seconds === undefined ? Infinity : started + opts.seconds * 1000;
  const succ = new Successors(cm, undefined);
  const W = cm.words;
  const all = new DistinctEstimate();
  const runs: RunSummary[] = [];
  // The walk as its initial state's index and then the instances it took.
  const path = new Int32Array(opts.depth + 1);
  let steps = 0;
  let ticks = 0;
  let timedOut = false;
  const stop = (): boolean => (++ticks & 0xfff) === 0 && performance.now() > deadline && (timedOut = true);
  const swarm = opts.swarm
    ? new SwarmChoice(
        Int32Array.from(cm.refs, (r) => r.action),
        cm.model.actions.length,
      )
    : undefined;
  const shard = opts.shard ?? { index: 1, count: 1 };
  const fp = new Fingerprint();
  for (let run = shard.index - 1; run < opts.runs && !timedOut; run += shard.count) {
    if (performance.now() > deadline) {
      timedOut = true;
      break;
    }
    const seed = runSeed(opts.seed, run);
    const rng = new Random(seed);
    swarm?.start(rng);
    const mine = new DistinctEstimate();
    const firedBefore = Float64Array.from(succ.fired);
    let n = 0;
    const choose = (k: number, enabled: Int32Array | null): number => {
      if (enabled === null) return (path[n++] = rng.below(k));
      const c = swarm === undefined ? rng.below(k) : swarm.pick(rng, enabled, k);
      path[n++] = enabled[c]!;
      return c;
    };
    const visit = (words: Uint32Array, via: number): void => {
      if (swarm !== undefined && via >= 0) swarm.took(via);
      fp.of(words, 0, W);
      mine.add(fp.hi || 1, fp.lo || 1);
    };
    const met = walk(succ, opts.depth, choose, visit, stop);
    steps += met.taken;
    all.merge(mine);
    let actions = 0;
    for (let r = 0; r < firedBefore.length; r++) if (succ.fired[r]! > firedBefore[r]!) actions++;
    const end: RunEnd = met.kind === 'none' ? (timedOut ? 'time' : 'depth') : met.kind === 'end state' ? 'end state' : 'found';
    const summary: RunSummary = { run, seed, steps: met.taken, end, actions, distinct: mine.estimate };
    runs.push(summary);
    opts.onRun?.(summary);
    if (end !== 'found') continue;
    const at = (performance.now() - started) / 1000;
    const found = finding(cm, met, Array.from(path.subarray(0, n)), { run, seed, seconds: at }, opts.shrink ?? true, succ.fault);
    const verdict = met.kind === 'deadlock' ? 'deadlock' : met.kind === 'fault' ? 'error' : 'violation';
    return { verdict, runs, steps, seconds: (performance.now() - started) / 1000, distinct: all.estimate, fired: succ.fired, found };
  }
  return {
    verdict: 'no violation',
    runs,
    steps,
    seconds: (performance.now() - started) / 1000,
    distinct: all.estimate,
    fired: succ.fired,
    ...(timedOut ? { stoppedBy: 'time' as const } : {}),
  };
}

/**
 * The finding of a walk, as a trace: its path (initial state, instances taken) cut where it
 * revisits a state, then shrunk by fast-check. A shrunk path is replayed with every instance
 * not enabled where it comes skipped, so dropping one CPU's step leaves the others' meaning
 * the same; it must still meet the same finding.
 */
function finding<D extends RecordDomain>(
  cm: CompiledModel<D>,
  met: Met,
  walked: number[],
  where: { run: number; seed: number; seconds: number },
  shrink: boolean,
  fault: Fault | undefined,
): SimulationFinding {
  const same = (m: Met): boolean => m.kind === met.kind && m.property === met.property;
  let path = walked;
  // A fault is located by the walk that met it; a shorter one might meet another.
  if (shrink && met.kind !== 'fault') {
    const cut = withoutLoops(cm, path);
    if (same(replay(cm, cut).met)) path = cut;
    // fast-check is loaded only here, when a finding is shrunk: every other import of the checker
    // (the command line's start included) goes without it. Synchronously, as simulate() runs.
    const fc = createRequire(import.meta.url)('fast-check') as typeof import('fast-check');
    const r = fc.check(
      fc.property(fc.array(fc.nat({ max: Math.max(cm.refs.length, cm.model.init.length) - 1 }), { maxLength: path.length }), (p) => !same(replay(cm, p).met)),
      { examples: [[path]], numRuns: 1, seed: where.seed | 0 },
    );
    const walkedPath = path;
    if (r.failed && r.counterexample !== null) path = r.counterexample[0];
    path = improved(cm, path, same);
    // fast-check may shrink the initial state's choice to one from which the finding is further.
    if (replay(cm, path).refs.length > replay(cm, walkedPath).refs.length) path = walkedPath;
  }
  const { met: again, refs } = replay(cm, path);
  if (!same(again)) throw new Error('internal: a simulated violation did not replay');
  const init = (path[0] ?? 0) % cm.model.init.length;
  return { ...where, property: met.property, ...(fault === undefined ? {} : { fault }), init, steps: refs, walked: met.taken };
}

/** Replays the local search after fast-check may take: enough for traces of a few dozen steps. */
const IMPROVE_REPLAYS = 20_000;

/**
 * A local search after fast-check, whose shrinking only drops steps or lowers their numbers: a
 * step replaced by another instance enabled where it is taken (a CPU's INSTALL succeeding
 * instead of failing), then single steps dropped, kept when the trace is shorter and still
 * meets the same finding. Bounded by IMPROVE_REPLAYS replays.
 */
function improved<D extends RecordDomain>(cm: CompiledModel<D>, path: number[], same: (m: Met) => boolean): number[] {
  let replays = 0;
  /** The path as replayed (instances skipped there are gone), or undefined when it misses the finding. */
  const taken = (p: readonly number[]): number[] | undefined => {
    replays++;
    const r = replay(cm, p);
    return same(r.met) ? [p[0] ?? 0, ...r.refs] : undefined;
  };
  const dropped = (p: number[]): number[] => {
    for (let i = p.length - 1; i >= 1 && replays < IMPROVE_REPLAYS; i--) p = taken([...p.slice(0, i), ...p.slice(i + 1)]) ?? p;
    return p;
  };
  let best = taken(path)!;
  search: while (replays < IMPROVE_REPLAYS) {
    const options = enabledAlong(cm, best);
    for (let i = 1; i < best.length; i++) {
      for (const r of options[i - 1]!) {
        if (r === best[i] || replays >= IMPROVE_REPLAYS) continue;
        const q = taken([...best.slice(0, i), r, ...best.slice(i + 1)]);
        if (q === undefined) continue;
        const d = dropped(q);
        if (d.length < best.length) {
          best = d;
          continue search;
        }
      }
    }
    break;
  }
  return best;
}

/** Per step of a path, the instances enabled where it is taken. */
function enabledAlong<D extends RecordDomain>(cm: CompiledModel<D>, path: readonly number[]): number[][] {
  const out: number[][] = [];
  const next = follow(path);
  const record = (n: number, enabled: Int32Array | null): number => {
    if (enabled !== null) out.push(Array.from(enabled.subarray(0, n)));
    return next(n, enabled);
  };
  walk(
    new Successors(cm, undefined),
    path.length - 1,
    record,
    () => {},
    () => false,
  );
  return out;
}

/**
 * The choices that follow a path: its initial state (modulo their number), then each instance
 * where it is enabled, none (-1) where not, and once the path runs out the first enabled one.
 */
function follow(path: readonly number[]): (n: number, enabled: Int32Array | null) => number {
  let i = 0;
  return (n, enabled) => {
    const want = path[i++];
    if (enabled === null) return (want ?? 0) % n;
    if (want === undefined) return 0;
    for (let e = 0; e < n; e++) if (enabled[e] === want) return e;
    return -1;
  };
}

/**
 * Replays a path, and one step more once it runs out, so that a deadlock at its end shows.
 * Returns what it met and the instances taken.
 */
function replay<D extends RecordDomain>(cm: CompiledModel<D>, path: readonly number[]): { met: Met; refs: number[] } {
  const succ = new Successors(cm, undefined);
  const refs: number[] = [];
  const met = walk(
    succ,
    path.length,
    follow(path),
    (_, via) => void (via >= 0 && refs.push(via)),
    () => false,
  );
  if (met.kind === 'step') refs.push(succ.ref);
  return { met, refs };
}

/** The path with every loop cut out: from a state it visits again, it goes on as after the last visit. */
function withoutLoops<D extends RecordDomain>(cm: CompiledModel<D>, path: readonly number[]): number[] {
  const W = cm.words;
  const keys: string[] = [];
  walk(
    new Successors(cm, undefined),
    path.length - 1,
    follow(path),
    (words) => keys.push(`${hashHi(words, 0, W)}:${hashLo(words, 0, W)}`),
    () => false,
  );
  const last = new Map<string, number>();
  keys.forEach((k, at) => last.set(k, at));
  const out = [path[0]!];
  for (let at = 0; at < keys.length && at + 1 < path.length; at++) {
    at = last.get(keys[at]!)!;
    if (at + 1 < path.length) out.push(path[at + 1]!);
  }
  return out;
}
