// What a search reports. Errors are values here: a model that throws ends the search with a
// located `Fault` and the path to it, not an exception through the caller.

import type { CheckpointSink, SearchSnapshot } from './checkpoint.js';
import type { Fault } from './expand.js';

export type Verdict = 'pass' | 'violation' | 'deadlock' | 'unreachable' | 'incomplete' | 'error';

export interface SearchStats {
  distinctStates: number;
  transitions: number;
  maxDepth: number;
  seconds: number;
  /** Transitions fired per action instance (index = CompiledModel.refs). */
  fired: Float64Array;
  storeBytes: number;
  linkBytes: number;
  /** The memory budget (--memory), and the most of it the search's arrays held at once. */
  memoryBudget: number;
  memoryPeak: number;
  /** The search threads the search ran on (the memory budget may afford fewer than asked). */
  workers: number;
  /** Probability that fingerprint collisions merged states (0 in exact mode). */
  collisionProbability: number;
  /** With partial-order reduction (--por): the states expanded through a proper subset of their enabled instances. */
  partiallyExpanded?: number;
}

/**
 * What stopped the search: a violation (the property's index into CompiledModel.propertyNames,
 * -1 for a deadlock) or a model function that threw (`fault`). `length` is the trace's length;
 * `state` the number, in the search's order, of the state concerned (the one whose expansion
 * threw, or the one an invariant judged). A search that kept parent links (BFS's second pass)
 * or a stack (DFS) also gives the trace: the initial state's index and the action instances
 * from it.
 */
export interface FoundPath {
  property: number;
  length: number;
  state: number;
  init?: number;
  steps?: number[];
  fault?: Fault;
}

export interface SearchResult {
  verdict: Verdict;
  stats: SearchStats;
  found?: FoundPath;
  /** Why a run is incomplete: which bound stopped it. */
  stoppedBy?: 'max-states' | 'max-depth' | 'memory' | 'time';
  /** The reachability targets (Model.targets indices) no stored state reached, of a search that explored everything. */
  unreached?: number[];
  /** A search that explored everything into a fingerprint table: the table (pairs by slot), which numbers the liveness graph's states. */
  visited?: Uint32Array;
}

/** The verdict of a search that explored everything within its bounds and found nothing: pass, unless a target stayed out of reach. */
export function complete(stats: SearchStats, reached: Uint8Array, visited: Uint32Array | undefined): SearchResult {
  const unreached = [...reached.keys()].filter((t) => reached[t] === 0);
  return unreached.length > 0 ? { verdict: 'unreachable', stats, unreached } : { verdict: 'pass', stats, ...(visited === undefined ? {} : { visited }) };
}

export interface Progress {
  distinctStates: number;
  transitions: number;
  queue: number;
  depth: number;
  seconds: number;
}

export interface SearchOptions {
  maxStates?: number;
  maxDepth?: number;
  /** Keep full states instead of fingerprints. */
  exact?: boolean;
  /** Memory budget in bytes for the visited store, frontier and parent links (memory.ts); over it the verdict is incomplete. */
  memory?: number;
  /** Store one canonical state per orbit of the model's declared symmetry. */
  symmetry?: boolean;
  /** Partial-order reduction from the model's declared footprints (reduction.ts); not with `symmetry`. */
  por?: boolean;
  onProgress?: (p: Progress) => void;
  /** Seconds between progress callbacks (default 1). */
  progressInterval?: number;
  /** Called with each newly stored state's words (valid only during the call): for tests and exports. */
  onState?: (words: Uint32Array) => void;
  /** Where BFS hands itself between levels, every so often (checkpoint.ts). */
  checkpoint?: CheckpointSink;
  /** A checkpoint BFS continues from instead of the initial states. */
  resume?: SearchSnapshot;
}
