// Parallel breadth-first search: the main thread hands each BFS level to K workers, which
// claim chunks of it and share one fingerprint table. Each worker keeps the successors it
// stored as its segment of the next frontier, so between levels the main thread only sums up
// the figures; when the table fills, workers pause between chunks while it grows.
//
// A violation, deadlock or model error found by any worker ends the search; a sequential BFS
// bounded to that level then finds exactly what one worker would have reported, trace included.

import { Worker } from 'node:worker_threads';
import { bfs } from '../bfs.js';
import { Successors } from '../expand.js';
import type { CompiledModel } from '../compiled.js';
import { collisionProbability } from '../fingerprint.js';
import { defaultMemory, MemoryBudget } from '../memory.js';
import { RecentFingerprints } from '../store.js';
import { complete, type SearchOptions, type SearchResult } from '../result.js';
import type { SearchSnapshot } from '../checkpoint.js';
import { Ctrl, type LevelDone, type LevelResume, type LevelStart, type ModelSource, type WorkerInit } from './protocol.js';
import { SharedTable } from './shared-table.js';

type FromWorker = LevelDone | { type: 'paused' } | { type: 'ready' } | { type: 'error'; message: string };

class Pool {
  private readonly inbox: FromWorker[][];
  private readonly waiting: (() => void)[] = [];

  constructor(readonly workers: Worker[]) {
    this.inbox = workers.map(() => []);
    workers.forEach((w, i) =>
      w.on('message', (m: FromWorker) => {
        this.inbox[i]!.push(m);
        this.waiting.splice(0).forEach((f) => f());
      }),
    );
    workers.forEach((w) =>
      w.on('error', (e) => {
        this.inbox.forEach((box) => box.push({ type: 'error', message: e.message }));
        this.waiting.splice(0).forEach((f) => f());
      }),
    );
  }

  /** The next message of worker i. */
  async next(i: number): Promise<FromWorker> {
    while (this.inbox[i]!.length === 0) await new Promise<void>((r) => this.waiting.push(r));
    return this.inbox[i]!.shift()!;
  }

  close(): Promise<number[]> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A snapshot's frontier as one segment the workers share: taken as it is when it is one already. */
function sharedFrontier(frontier: SearchSnapshot['frontier'], W: number): SharedArrayBuffer {
  const f = frontier[0]!;
  if (frontier.length === 1 && f.stride === W && f.words.byteOffset === 0 && f.words.buffer instanceof SharedArrayBuffer) return f.words.buffer;
  const out = new Uint32Array(new SharedArrayBuffer(Math.max(4, frontier.reduce((n, g) => n + g.count, 0) * W * 4)));
  let at = 0;
  for (const g of frontier) for (let i = 0; i < g.count; i++, at += W) out.set(g.words.subarray(i * g.stride, i * g.stride + W), at);
  return out.buffer as SharedArrayBuffer;
}

/** Ends the workers and searches on this thread. */
async function sequential(pool: Pool, cm: CompiledModel, opts: SearchOptions): Promise<SearchResult> {
  await pool.close();
  return bfs(cm, { ...opts, onProgress: undefined, resume: undefined, checkpoint: undefined });
}

/**
 * The table's first size in fingerprints (32 MiB): searches big enough for workers would
 * otherwise spend their first growths copying the table while every worker waits.
 */
const CAPACITY = 1 << 22;

/**
 * What a search worker holds whatever the search's size (its isolate, the model's code, its
 * cache of recent fingerprints), rounded up. The fixed baseline the memory bound allows beside
 * the budget covers the first BASELINE_WORKERS; each further one takes WORKER_BYTES of the
 * quarter of the budget the process may go over it, and the search runs on the workers that
 * fits. The budget for states is the same for any number of workers, so whether a search fits
 * in it does not depend on their number.
 */
const WORKER_BYTES = 12 << 20;
const BASELINE_WORKERS = 4;

/** The workers a budget of `memory` bytes affords, at most `k`. */
export const affordableWorkers = (k: number, memory: number): number => Math.min(k, BASELINE_WORKERS + Math.floor(memory / 4 / WORKER_BYTES));

/**
 * Search workers, started: each loads the model from its module and says so through a shared
 * count, which a search running on this thread meanwhile reads without waiting for messages.
 */
export class SearchWorkers {
  /** The workers the memory budget affords, at most the number asked. */
  readonly k: number;
  readonly budget: MemoryBudget;
  readonly pool: Pool;
  private readonly built: Int32Array;

  /** `warmUp`: states of a search of its own each worker explores first (see WorkerInit). */
  constructor(source: ModelSource, opts: SearchOptions, asked: number, warmUp = 0) {
    this.k = affordableWorkers(asked, opts.memory ?? defaultMemory());
    this.budget = MemoryBudget.shared(opts.memory ?? defaultMemory());
    this.built = new Int32Array(new SharedArrayBuffer(4));
    const init = (index: number): WorkerInit => ({
      source,
      symmetry: opts.symmetry ?? false,
      index,
      workers: this.k,
      budget: this.budget.counts.buffer as SharedArrayBuffer,
      memory: this.budget.limit,
      built: this.built.buffer as SharedArrayBuffer,
      warmUp,
    });
    this.pool = new Pool(Array.from({ length: this.k }, (_, i) => new Worker(new URL('./worker.js', import.meta.url), { workerData: init(i) })));
  }

  private handed: SearchSnapshot | undefined;

  /** Gives the workers a search under way to go on from (the caller keeps no reference to it). */
  handOver(s: SearchSnapshot): void {
    this.handed = s;
  }

  /** Every worker has its model and waits for a level. */
  get ready(): boolean {
    return Atomics.load(this.built, 0) === this.k;
  }

  /** The snapshot handed over, which the workers' search takes once. */
  take(): SearchSnapshot | undefined {
    const s = this.handed;
    this.handed = undefined;
    return s;
  }

  close(): Promise<number[]> {
    return this.pool.close();
  }
}

/**
 * Searches with `asked` workers, or the fewer the memory budget affords, or with `workers`
 * started before. `capacity` is the table's first size; tests start it small so that it grows
 * while workers are paused mid-level. A snapshot handed to `workers` is where they go on from,
 * as from `opts.resume`.
 */
export async function parallelBfs(
  cm: CompiledModel,
  source: ModelSource,
  opts: SearchOptions,
  asked: number,
  capacity = CAPACITY,
  workers = new SearchWorkers(source, opts, asked),
): Promise<SearchResult> {
  const { k, budget, pool } = workers;
  // Once copied into shared memory, a one-thread search's snapshot is dropped, not kept beside it.
  let resume = opts.resume ?? workers.take();
  const started = performance.now() - (resume?.seconds ?? 0) * 1000;
  const W = cm.words;
  // Within a quarter of the memory budget, so a small budget still reports how far it got.
  while (capacity > 1 << 10 && capacity * 8 > budget.limit / 4) capacity >>>= 1;
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const canon = opts.symmetry ? cm.canonicalizer() : undefined;

  // The workers, started first, load the model on the other cores while this thread builds the
  // table and stores the initial states (an initial violation is left to the sequential search).
  try {
    let table = resume === undefined ? SharedTable.create(capacity, W, k) : SharedTable.resumed(resume.store.words, resume.store.size, W, k, capacity);
    budget.force(table.buffer.byteLength);
    /** Doubles the table; false when the budget cannot hold the old and the new one together (unless it `must`). */
    const grow = (must = false): boolean => {
      const old = table.buffer.byteLength;
      if (must) budget.force(old * 2);
      else if (!budget.take(old * 2)) return false;
      table = table.grown();
      budget.give(old);
      return true;
    };
    const branching = Math.max(1, cm.refs.length);
    // A table too small for even one state per chunk grows first.
    while (table.sizing(k, branching) === null) grow(true);
    let sizing = table.sizing(k, branching)!;
    const succ = new Successors(cm, canon);
    // The first frontier is worker 0's segment; the others start empty and claim from it.
    const segments = Array.from({ length: k }, () => new SharedArrayBuffer(4));
    const counts = segments.map(() => 0);
    let transitions = 0;
    let depth = 0;
    let maxDepthSeen = 0;
    let cut = false;
    if (resume === undefined) {
      const seeds: Uint32Array[] = [];
      for (let i = 0; i < cm.model.init.length; i++) {
        // An initial state that breaks an invariant or throws is left to the sequential search.
        if (!succ.initial(i)) return await sequential(pool, cm, opts);
        if (table.insert(succ.next, 0) === 0) continue;
        if (succ.judgeState() !== -1) return await sequential(pool, cm, opts);
        seeds.push(succ.next.slice());
      }
      segments[0] = new SharedArrayBuffer(Math.max(4, seeds.length * W * 4));
      seeds.forEach((w, i) => new Uint32Array(segments[0]!).set(w, i * W));
      counts[0] = seeds.length;
    } else {
      segments[0] = sharedFrontier(resume.frontier, W);
      counts[0] = resume.frontier.reduce((n, f) => n + f.count, 0);
      succ.resume(resume.fired, resume.reached);
      transitions = resume.transitions;
      depth = resume.depth;
      maxDepthSeen = resume.maxDepthSeen;
      cut = resume.cut;
    }
    /** The first segment's bytes, given back once the workers' own segments replace it. */
    let firstSegment = segments[0]!.byteLength;
    budget.force(firstSegment);

    for (let i = 0; i < k; i++) {
      const m = await pool.next(i);
      if (m.type === 'error') throw new Error(m.message);
    }
    const fired = new Float64Array(cm.refs.length);
    if (resume !== undefined) fired.set(resume.fired);
    resume = undefined;
    let count = counts[0]!;
    const ctrl = new Int32Array(new SharedArrayBuffer(4 * Ctrl.words(k)));
    const stats = (seconds: number) => ({
      distinctStates: Math.min(table.size, maxStates),
      transitions,
      maxDepth: maxDepthSeen,
      seconds,
      fired,
      storeBytes: table.buffer.byteLength + k * RecentFingerprints.BYTES,
      linkBytes: 0,
      memoryBudget: budget.limit,
      memoryPeak: budget.peak,
      workers: k,
      collisionProbability: collisionProbability(Math.min(table.size, maxStates)),
    });
    const stopped = async (by: 'memory' | 'max-states'): Promise<SearchResult> => {
      await pool.close();
      return { verdict: 'incomplete', stoppedBy: by, stats: stats((performance.now() - started) / 1000) };
    };
    const checkpoint = opts.checkpoint;
    let nextCheckpoint = performance.now() + (checkpoint?.every ?? 0) * 1000;
    while (count > 0) {
      Ctrl.start(ctrl, counts);
      const level = (): LevelStart => ({
        type: 'level',
        depth,
        maxDepth,
        maxStates,
        segments,
        table: table.buffer,
        counters: table.counters.buffer as SharedArrayBuffer,
        ctrl: ctrl.buffer as SharedArrayBuffer,
        sizing,
      });
      pool.workers.forEach((w) => w.postMessage(level()));
      const results: LevelDone[] = [];
      let active = Array.from({ length: k }, (_, i) => i);
      while (active.length > 0) {
        const paused: number[] = [];
        for (const i of active) {
          const m = await pool.next(i);
          if (m.type === 'error') throw new Error(m.message);
          if (m.type === 'paused') paused.push(i);
          else if (m.type === 'done') results.push(m);
        }
        if (paused.length > 0) {
          if (!grow()) return await stopped('memory');
          // Chunks that fit in a table fit in one twice as large.
          sizing = table.sizing(k, branching)!;
          const resume: LevelResume = { type: 'resume', table: table.buffer, counters: table.counters.buffer as SharedArrayBuffer, sizing };
          for (const i of paused) pool.workers[i]!.postMessage(resume);
          opts.onProgress?.({ distinctStates: table.size, transitions, queue: count, depth, seconds: (performance.now() - started) / 1000 });
        }
        active = paused;
      }
      let found = false;
      let next = 0;
      for (const r of results) {
        transitions += r.transitions;
        for (let i = 0; i < fired.length; i++) fired[i]! += r.fired[i]!;
        r.reached.forEach((hit, t) => (succ.reached[t]! |= hit));
        found ||= r.found;
        cut ||= r.cut;
        next += r.outCount;
      }
      if (found) {
        // Up to this level's successors, the sequential search does what one worker would, in
        // its order, so it stops at the same finding, shortest trace and figures included.
        const again = await sequential(pool, cm, { ...opts, maxDepth: Math.min(maxDepth, depth + 1) });
        again.stats.seconds = (performance.now() - started) / 1000;
        return again;
      }
      if (results.some((r) => r.overMaxStates)) return await stopped('max-states');
      // A table filled past its load holds no more states than one search thread's would: it
      // grows now, as that thread's would have, or the budget stops the search here too.
      if (results.some((r) => r.overMemory) || (table.size > sizing.growAt && !grow())) return await stopped('memory');
      sizing = table.sizing(k, branching)!;
      budget.give(firstSegment);
      firstSegment = 0;
      for (const r of results) {
        segments[r.worker] = r.out;
        counts[r.worker] = r.outCount;
      }
      count = next;
      if (count > 0) maxDepthSeen = ++depth;
      if (checkpoint !== undefined && count > 0 && performance.now() >= nextCheckpoint) {
        const frontier = segments.map((b, i) => ({ words: new Uint32Array(b), count: counts[i]!, stride: W }));
        const store = { kind: 'fingerprints' as const, words: new Uint32Array(table.buffer), size: table.size };
        const seconds = (performance.now() - started) / 1000;
        checkpoint.save({ depth, maxDepthSeen, transitions, fired, reached: succ.reached, cut, seconds, store, frontier });
        nextCheckpoint = performance.now() + checkpoint.every * 1000;
      }
      opts.onProgress?.({ distinctStates: table.size, transitions, queue: count, depth, seconds: (performance.now() - started) / 1000 });
    }
    await pool.close();
    const seconds = (performance.now() - started) / 1000;
    return cut
      ? { verdict: 'incomplete', stoppedBy: 'max-depth', stats: stats(seconds) }
      : complete(stats(seconds), succ.reached, new Uint32Array(table.buffer));
  } catch (e) {
    await pool.close();
    throw e;
  }
}
