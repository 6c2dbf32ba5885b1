// A search worker: builds the model from its spec module, then expands the frontier chunks it
// claims through the one successor step, level after level, storing successors in the shared table and its own segment of the
// next frontier. Between chunks it pauses when the table needs to grow, and stops when another
// worker found a violation.

import { parentPort, workerData } from 'node:worker_threads';
import { bfs } from '../bfs.js';
import { CompiledModel } from '../compiled.js';
import { Expansion, Successors } from '../expand.js';
import { MemoryBudget } from '../memory.js';
import { withoutProperties } from '../properties.js';
import { Ctrl, type LevelDone, type LevelResume, type LevelStart, type WorkerInit } from './protocol.js';
import { SharedTable } from './shared-table.js';
import { loadSpec } from '../spec-module.js';

const init = workerData as WorkerInit;
const spec = await loadSpec(init.source.module, init.source.name);
const cm = new CompiledModel(withoutProperties(spec.build(init.source.params), ...init.source.skipProperties));
const succ = new Successors(cm, init.symmetry ? cm.canonicalizer() : undefined);
const { cur, next } = succ;
const W = cm.words;
const me = init.index;

let level: LevelStart;
let table = undefined as unknown as SharedTable;
let segments: Uint32Array[] = [];
let ctrl: Int32Array;
/**
 * This worker's two segment buffers, shared with the others: one is read as a frontier segment
 * while successors go to the other, and they swap each level. No per-level allocation or copy.
 */
const outs = [0, 1].map(() => new Uint32Array(new SharedArrayBuffer(W * 4 * 1024)));
const budget = new MemoryBudget(init.memory, new Int32Array(init.budget));
budget.force(2 * outs[0]!.byteLength);
let out = outs[0]!;
let outCount = 0;
let found = false;
let cut = false;
let overMaxStates = false;
let overMemory = false;
let atBound = false;

/** Keeps the successor in `next` for the next level; false when the memory budget cannot. */
function emit(): boolean {
  if ((outCount + 1) * W > out.length) {
    if (!budget.take(out.byteLength * 2)) return false;
    const bigger = new Uint32Array(new SharedArrayBuffer(out.byteLength * 2));
    bigger.set(out);
    budget.give(out.byteLength);
    out = outs[level.depth & 1] = bigger;
  }
  const at = outCount * W;
  for (let k = 0; k < W; k++) out[at + k] = next[k]!;
  outCount++;
  return true;
}

/**
 * Something in this level stops the search (a violation, a deadlock, a model function that
 * threw): the coordinator has the sequential search find it again with its trace.
 */
function stop(): false {
  found = true;
  Atomics.store(ctrl, Ctrl.STOP, 1);
  return false;
}

/** Stores each new successor, checks it and keeps it for the next level. */
function sink(): boolean {
  // The state expanded is in the table: a step back to it needs no lookup.
  if (succ.unchanged()) return true;
  if (atBound) {
    if (!table.has(next, 0)) cut = true;
    return true;
  }
  if (table.insert(next, 0) === 0) return true;
  if (succ.judgeState() !== -1) return stop();
  if (emit()) return true;
  overMemory = true;
  Atomics.store(ctrl, Ctrl.STOP, 1);
  return false;
}

const MIN_CHUNK = 8;
let chunk = 1;
let chunkSegment = 0;
let chunkEnd = 0;

/**
 * The start of the next chunk to expand (its segment goes to `chunkSegment`, its end to
 * `chunkEnd`), or -1 when the level is done.
 */
function claim(): number {
  for (let owner = me; owner >= 0;) {
    const end = ctrl[Ctrl.end(owner)]!;
    // A quarter of what is left, within [MIN_CHUNK, chunk]: near a level's end chunks shrink,
    // so the workers finish it together instead of one waiting on the other's last chunk.
    const left = end - Atomics.load(ctrl, Ctrl.next(owner));
    const take = Math.min(chunk, Math.max(MIN_CHUNK, left >> 2));
    const start = Atomics.add(ctrl, Ctrl.next(owner), take);
    if (start < end) {
      chunkSegment = owner;
      chunkEnd = Math.min(end, start + take);
      return start;
    }
    owner = -1;
    let most = 0;
    for (let j = 0; j < init.workers; j++) {
      const left = ctrl[Ctrl.end(j)]! - Atomics.load(ctrl, Ctrl.next(j));
      if (left > most) {
        owner = j;
        most = left;
      }
    }
  }
  return -1;
}

function run(): void {
  const { growAt } = level.sizing;
  chunk = level.sizing.chunk;
  atBound = level.depth >= level.maxDepth;
  for (;;) {
    if (Atomics.load(ctrl, Ctrl.STOP) !== 0) break;
    // Checked between chunks: a chunk's inserts overshoot a bound by at most its successors.
    const size = table.size;
    if (size > level.maxStates) {
      overMaxStates = true;
      Atomics.store(ctrl, Ctrl.STOP, 1);
      break;
    }
    if (size > growAt) {
      parentPort!.postMessage({ type: 'paused' });
      return;
    }
    const start = claim();
    if (start < 0) break;
    const end = chunkEnd;
    const frontier = segments[chunkSegment]!;
    for (let i = start; i < end; i++) {
      for (let k = 0; k < W; k++) cur[k] = frontier[i * W + k]!;
      const how = succ.expand(sink);
      if (how === Expansion.Done) continue;
      if (how !== Expansion.Stopped) stop();
      break;
    }
  }
  const done: LevelDone = {
    type: 'done',
    worker: me,
    out: out.buffer as SharedArrayBuffer,
    outCount,
    transitions: succ.transitions,
    fired: succ.fired,
    reached: succ.reached,
    found,
    cut,
    overMaxStates,
    overMemory,
  };
  parentPort!.postMessage(done);
  outCount = 0;
  succ.fired.fill(0);
  found = false;
  cut = false;
  overMaxStates = false;
  overMemory = false;
}

parentPort!.on('message', (m: LevelStart | LevelResume) => {
  try {
    if (m.type === 'level') {
      level = m;
      segments = m.segments.map((b) => new Uint32Array(b));
      ctrl = new Int32Array(m.ctrl);
      out = outs[m.depth & 1]!;
    } else level = { ...level, sizing: m.sizing };
    // The cache of recent fingerprints stays valid as levels pass and the table grows.
    if (table === undefined || table.buffer !== m.table) table = new SharedTable(m.table, m.counters, W, me, table?.recent);
    run();
  } catch (e) {
    parentPort!.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});
// A worker handed a search under way warms its compiled code up on a search of its own first,
// so that it does not take its first chunks at a fraction of a warm thread's speed.
if (init.warmUp > 0) bfs(cm, { maxStates: init.warmUp, symmetry: init.symmetry });
Atomics.add(new Int32Array(init.built), 0, 1);
parentPort!.postMessage({ type: 'ready' });
