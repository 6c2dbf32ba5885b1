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
import { defaultMemory } from '../explore.js';
import { collisionProbability } from '../fingerprint.js';
import { RecentFingerprints } from '../store.js';
import { complete, type SearchOptions, type SearchResult } from '../result.js';
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

/** Ends the workers and searches on this thread. */
async function sequential(pool: Pool, cm: CompiledModel, opts: SearchOptions): Promise<SearchResult> {
  await pool.close();
  return bfs(cm, { ...opts, onProgress: undefined });
}

/**
 * The table's first size in fingerprints (32 MiB): searches big enough for workers would
 * otherwise spend their first growths copying the table while every worker waits.
 */
const CAPACITY = 1 << 22;

/**
 * Searches with k workers. `capacity` is the table's first size; tests start it small so that
 * it grows while workers are paused mid-level.
 */
export async function parallelBfs(cm: CompiledModel, source: ModelSource, opts: SearchOptions, k: number, capacity = CAPACITY): Promise<SearchResult> {
  const started = performance.now();
  const W = cm.words;
  const memory = opts.memory ?? defaultMemory();
  // Within a quarter of the memory budget, so a small budget still reports how far it got.
  while (capacity > 1 << 10 && capacity * 8 > memory / 4) capacity >>>= 1;
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const canon = opts.symmetry ? cm.canonicalizer() : undefined;

  // Workers start first: they load the model on the other cores while this thread builds the
  // table and stores the initial states (an initial violation is left to the sequential search).
  const init = (index: number): WorkerInit => ({ source, symmetry: opts.symmetry ?? false, index, workers: k });
  const pool = new Pool(Array.from({ length: k }, (_, i) => new Worker(new URL('./worker.js', import.meta.url), { workerData: init(i) })));
  try {
    let table = SharedTable.create(capacity, W, k);
    const branching = Math.max(1, cm.refs.length);
    // A table too small for even one state per chunk grows first.
    while (table.sizing(k, branching) === null) table = table.grown();
    let sizing = table.sizing(k, branching)!;
    const seeds: Uint32Array[] = [];
    const succ = new Successors(cm, canon);
    for (let i = 0; i < cm.model.init.length; i++) {
      // An initial state that breaks an invariant or throws is left to the sequential search.
      if (!succ.initial(i)) return await sequential(pool, cm, opts);
      if (table.insert(succ.next, 0) === 0) continue;
      if (succ.judgeState() !== -1) return await sequential(pool, cm, opts);
      seeds.push(succ.next.slice());
    }

    for (let i = 0; i < k; i++) {
      const m = await pool.next(i);
      if (m.type === 'error') throw new Error(m.message);
    }
    const fired = new Float64Array(cm.refs.length);
    let transitions = 0;
    let depth = 0;
    let maxDepthSeen = 0;
    // The initial states form worker 0's segment; the others start empty and claim from it.
    const segments = Array.from({ length: k }, () => new SharedArrayBuffer(4));
    const counts = segments.map(() => 0);
    segments[0] = new SharedArrayBuffer(Math.max(4, seeds.length * W * 4));
    seeds.forEach((w, i) => new Uint32Array(segments[0]!).set(w, i * W));
    counts[0] = seeds.length;
    let count = seeds.length;
    const ctrl = new Int32Array(new SharedArrayBuffer(4 * Ctrl.words(k)));
    const stats = (seconds: number) => ({
      distinctStates: Math.min(table.size, maxStates),
      transitions,
      maxDepth: maxDepthSeen,
      seconds,
      fired,
      storeBytes: table.buffer.byteLength + k * RecentFingerprints.BYTES,
      linkBytes: 0,
      collisionProbability: collisionProbability(Math.min(table.size, maxStates)),
    });
    let cut = false;
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
      // Both segment buffers of each worker (the one not shown is at most as large, roughly).
      const frontierBytes = 2 * segments.reduce((n, b) => n + b.byteLength, 0);
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
          if (table.buffer.byteLength * 2 + frontierBytes > memory) {
            await pool.close();
            return { verdict: 'incomplete', stoppedBy: 'memory', stats: stats((performance.now() - started) / 1000) };
          }
          table = table.grown();
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
      if (results.some((r) => r.overMaxStates)) {
        await pool.close();
        return { verdict: 'incomplete', stoppedBy: 'max-states', stats: stats((performance.now() - started) / 1000) };
      }
      for (const r of results) {
        segments[r.worker] = r.out;
        counts[r.worker] = r.outCount;
      }
      count = next;
      if (count > 0) maxDepthSeen = ++depth;
      opts.onProgress?.({ distinctStates: table.size, transitions, queue: count, depth, seconds: (performance.now() - started) / 1000 });
    }
    await pool.close();
    const seconds = (performance.now() - started) / 1000;
    return cut ? { verdict: 'incomplete', stoppedBy: 'max-depth', stats: stats(seconds) } : complete(stats(seconds), succ.reached);
  } catch (e) {
    await pool.close();
    throw e;
  }
}
