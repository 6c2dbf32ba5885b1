// What a search reports. Errors are values here: a model that throws becomes a `ModelError`
// naming the action and state, not an exception through the caller.

export type Verdict = 'pass' | 'violation' | 'deadlock' | 'incomplete';

export interface SearchStats {
  distinctStates: number;
  transitions: number;
  maxDepth: number;
  seconds: number;
  /** Transitions fired per action instance (index = CompiledModel.refs). */
  fired: Float64Array;
  storeBytes: number;
  linkBytes: number;
  /** Probability that fingerprint collisions merged states (0 in exact mode). */
  collisionProbability: number;
}

/**
 * A violation: the property (index into CompiledModel.propertyNames, -1 for a deadlock), the
 * length of its shortest trace, and, from a search that kept parent links, the trace itself as
 * the initial state's index and the action instances from it.
 */
export interface FoundPath {
  property: number;
  length: number;
  init?: number;
  steps?: number[];
}

export interface ModelError {
  message: string;
  /** The action instance being evaluated, if any (-1 in init or an invariant). */
  ref: number;
  cause: unknown;
}

export interface SearchResult {
  verdict: Verdict;
  stats: SearchStats;
  found?: FoundPath;
  /** Why a run is incomplete: which bound stopped it. */
  stoppedBy?: 'max-states' | 'max-depth' | 'memory' | 'time';
  error?: ModelError;
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
  /** Memory budget in bytes for the visited store and frontier; over it the verdict is incomplete. */
  memory?: number;
  /** Store one canonical state per orbit of the model's declared symmetry. */
  symmetry?: boolean;
  onProgress?: (p: Progress) => void;
  /** Seconds between progress callbacks (default 1). */
  progressInterval?: number;
  /** Called with each newly stored state's words (valid only during the call): for tests and exports. */
  onState?: (words: Uint32Array) => void;
}
