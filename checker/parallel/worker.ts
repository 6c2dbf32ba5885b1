// A search worker: builds the model from its spec module, then expands the frontier chunks it
// claims, level after level, storing successors in the shared table and its own segment of the
// next frontier. Between chunks it pauses when the table needs to grow, and stops when another
// worker found a violation.

import { parentPort, workerData } from 'node:worker_threads';
import { CompiledModel } from '../compiled.js';
import { withoutProperties } from '../properties.js';
import { Ctrl, loadSpec, type LevelDone, type LevelResume, type LevelStart, type WorkerInit } from './protocol.js';
import { SharedTable } from './shared-table.js';

const init = workerData as WorkerInit;
const spec = await loadSpec(init.source);
const cm = new CompiledModel(withoutProperties(spec.build(init.source.params), ...init.source.skipProperties));
const canon = init.symmetry ? cm.canonicalizer() : undefined;
const W = cm.words;
const me = init.index;

const { cur, next, s, nr, nw } = cm.stepBuffers();
const en = new Int32Array(cm.refs.length);
const enabledOf = cm.enabled;
const apply = cm.apply;
const isEnd = cm.model.isEndState;
const hasStepProps = (cm.model.transitionProperties?.length ?? 0) > 0;

let level: LevelStart;
let table = undefined as unknown as SharedTable;
let segments: Uint32Array[] = [];
let ctrl: Int32Array;
/**
 * This worker's two segment buffers, shared with the others: one is read as a frontier segment
 * while successors go to the other, and they swap each level. No per-level allocation or copy.
 */
const outs = [0, 1].map(() => new Uint32Array(new SharedArrayBuffer(W * 4 * 1024)));
let out = outs[0]!;
let outCount = 0;
/** Transitions fired per action instance in this level (their sum is the transition count). */
const fired = new Float64Array(cm.refs.length);
let found: LevelDone['found'] = null;
let cut = false;
let overMaxStates = false;

function emit(): void {
  if ((outCount + 1) * W > out.length) {
    const bigger = new Uint32Array(new SharedArrayBuffer(out.byteLength * 2));
    bigger.set(out);
    out = outs[level.depth & 1] = bigger;
  }
  const at = outCount * W;
  for (let k = 0; k < W; k++) out[at + k] = next[k]!;
  outCount++;
}

function stop(f: LevelDone['found']): void {
  if (found === null || (f !== null && f.length < found.length)) found = f;
  Atomics.store(ctrl, Ctrl.STOP, 1);
}

/** Expands one state; returns false when the level must stop. */
function expand(depth: number, atBound: boolean): boolean {
  const n = enabledOf(s, en);
  if (n === 0 && !isEnd(s)) {
    stop({ property: -1, length: depth });
    return false;
  }
  for (let e = 0; e < n; e++) {
    const ref = en[e]!;
    for (let k = 0; k < W; k++) next[k] = cur[k]!;
    apply(ref, s, nw);
    fired[ref]!++;
    if (hasStepProps) {
      const p = cm.firstViolatedStep(s, ref, nr);
      if (p >= 0) {
        stop({ property: p, length: depth + 1 });
        return false;
      }
    }
    canon?.canon(next);
    if (atBound) {
      if (!table.has(next, 0)) cut = true;
      continue;
    }
    if (table.insert(next, 0) === 0) continue;
    const p = cm.firstViolated(nr);
    if (p >= 0) {
      stop({ property: p, length: depth + 1 });
      return false;
    }
    emit();
  }
  return true;
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
  for (let owner = me; owner >= 0; ) {
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
  const { depth } = level;
  const { growAt } = level.sizing;
  chunk = level.sizing.chunk;
  const atBound = depth >= level.maxDepth;
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
      if (!expand(depth, atBound)) break;
    }
  }
  const transitions = fired.reduce((a, b) => a + b, 0);
  const done: LevelDone = { type: 'done', worker: me, out: out.buffer as SharedArrayBuffer, outCount, transitions, fired, found, cut, overMaxStates };
  parentPort!.postMessage(done);
  outCount = 0;
  fired.fill(0);
  found = null;
  cut = false;
  overMaxStates = false;
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
parentPort!.postMessage({ type: 'ready' });
