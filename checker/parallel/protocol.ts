// Messages between the search coordinator and its workers, and how a worker finds its model:
// by the spec's module URL and name, so the engine needs no registry of specs.

import type { Params } from '../spec.js';
import type { Sizing } from './shared-table.js';

export interface ModelSource {
  /** URL of the module exporting the spec (Spec.file). */
  module: string;
  name: string;
  params: Params;
  skipProperties: readonly string[];
}

export interface WorkerInit {
  source: ModelSource;
  symmetry: boolean;
  /** This worker's number: which insert counter and which frontier segment it owns. */
  index: number;
  workers: number;
  /** The search's memory budget, shared (memory.ts), and its limit in bytes. */
  budget: SharedArrayBuffer;
  memory: number;
  /** Int32: the workers that built their model, each adding 1 once it has. */
  built: SharedArrayBuffer;
  /** States of a search of its own the worker explores before it counts itself built (0: none). */
  warmUp: number;
}

/**
 * The level's control words. The frontier is one segment per worker: the successors that
 * worker stored in the level before. Each worker expands its own segment first, in order, so
 * consecutive states (which share most successors) go through the same cache of recent
 * fingerprints, as in a one-thread search; a worker done with its own claims chunks from the
 * segment with most left.
 */
export const Ctrl = {
  STOP: 0,
  /** Index of the next unclaimed state of worker i's segment. */
  next: (i: number) => 1 + 2 * i,
  /** States in worker i's segment. */
  end: (i: number) => 2 + 2 * i,
  words: (workers: number) => 1 + 2 * workers,
  /** Clears the stop flag and sets each segment's state count. */
  start(ctrl: Int32Array, counts: readonly number[]): void {
    ctrl[Ctrl.STOP] = 0;
    counts.forEach((n, i) => {
      ctrl[Ctrl.next(i)] = 0;
      ctrl[Ctrl.end(i)] = n;
    });
  },
};

export interface LevelStart {
  type: 'level';
  depth: number;
  maxDepth: number;
  maxStates: number;
  /** The frontier: packed states, one segment per worker (lengths in `ctrl`). */
  segments: SharedArrayBuffer[];
  table: SharedArrayBuffer;
  counters: SharedArrayBuffer;
  /** Int32: the stop flag, then each segment's claim cursor and length (see `Ctrl`). */
  ctrl: SharedArrayBuffer;
  sizing: Sizing;
}

/** Sent to paused workers once the table has grown. */
export interface LevelResume {
  type: 'resume';
  table: SharedArrayBuffer;
  counters: SharedArrayBuffer;
  sizing: Sizing;
}

export interface LevelDone {
  type: 'done';
  worker: number;
  /** The worker's segment of the next frontier: `outCount` packed states from word 0. */
  out: SharedArrayBuffer;
  outCount: number;
  transitions: number;
  fired: Float64Array;
  /** Something in this level stops the search: a violation, a deadlock, a model that threw. */
  found: boolean;
  /** The reachability targets this worker's states reached so far. */
  reached: Uint8Array;
  cut: boolean;
  overMaxStates: boolean;
  /** The memory budget could not hold this worker's segment of the next frontier. */
  overMemory: boolean;
}
