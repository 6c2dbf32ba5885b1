// What BFS and DFS share: the visited store, parent links, counters, initial states, and turning
// the final counters into a SearchResult. The strategies keep only their loops.

import type { RecordDomain } from './domain.js';
import type { CompiledModel } from './compiled.js';
import { collisionProbability } from './fingerprint.js';
import { ParentLinks } from './links.js';
import type { FoundPath, ModelError, SearchOptions, SearchResult } from './result.js';
import { ExactStore, FingerprintStore, type VisitedStore } from './store.js';
import type { Canonicalizer } from './symmetry.js';

/** Where the search was when a model function threw, for the one-line error. */
export const enum Phase {
  Init,
  Action,
  Invariant,
}

export class Exploration<D extends RecordDomain> {
  readonly store: VisitedStore;
  readonly links = new ParentLinks();
  /** Set when the search stores canonical states (--symmetry). */
  readonly canon: Canonicalizer | undefined;
  readonly fired: Float64Array;
  readonly maxStates: number;
  readonly maxDepth: number;
  readonly started = performance.now();
  transitions = 0;
  maxDepthSeen = 0;
  phase = Phase.Init;
  found: FoundPath | undefined;
  stoppedBy: SearchResult['stoppedBy'];
  private nextProgress: number;

  constructor(
    readonly cm: CompiledModel<D>,
    readonly opts: SearchOptions,
  ) {
    this.store = opts.exact ? new ExactStore(cm.words) : new FingerprintStore(cm.words);
    this.canon = opts.symmetry ? cm.canonicalizer() : undefined;
    this.fired = new Float64Array(cm.refs.length);
    this.maxStates = opts.maxStates ?? Infinity;
    this.maxDepth = opts.maxDepth ?? Infinity;
    this.nextProgress = this.started + (opts.progressInterval ?? 1) * 1000;
  }

  /**
   * Stores each initial state and calls `visit(words, id)` for the new ones. Returns false when
   * the search must stop (an initial state violates an invariant, or max-states).
   */
  seed(scratch: Uint32Array, visit: (id: number) => void): boolean {
    const view = this.cm.layout.newView();
    for (let i = 0; i < this.cm.model.init.length; i++) {
      this.phase = Phase.Init;
      this.cm.writeInit(i, scratch, view);
      this.canon?.canon(scratch);
      if (!this.store.insert(scratch, 0)) continue;
      if (this.store.size > this.maxStates) {
        this.stoppedBy = 'max-states';
        return false;
      }
      const id = this.links.add(ParentLinks.root(i), 0);
      this.opts.onState?.(scratch);
      this.phase = Phase.Invariant;
      const p = this.cm.firstViolated(view.read);
      if (p >= 0) {
        this.found = { init: i, steps: [], property: p };
        return false;
      }
      visit(id);
    }
    return true;
  }

  /** The path to state `id`, extended by `ref` when a transition property failed on it. */
  pathTo(id: number, property: number, ref = -1): FoundPath {
    const { init, steps } = this.links.pathTo(id);
    if (ref >= 0) steps.push(ref);
    return { init, steps, property };
  }

  /** Calls the progress callback at most once per interval; cheap enough to call per state. */
  progress(queue: number, depth: number): void {
    const cb = this.opts.onProgress;
    if (cb === undefined) return;
    const now = performance.now();
    if (now < this.nextProgress) return;
    this.nextProgress = now + (this.opts.progressInterval ?? 1) * 1000;
    cb({ distinctStates: this.store.size, transitions: this.transitions, queue, depth, seconds: (now - this.started) / 1000 });
  }

  error(e: unknown, ref: number, stateId: number): ModelError {
    const where =
      this.phase === Phase.Init
        ? 'in an initial state'
        : this.phase === Phase.Action
          ? `in action ${this.cm.label(ref)} from state #${stateId}`
          : `in an invariant, on a state reached by ${ref >= 0 ? this.cm.label(ref) : 'init'}`;
    const msg = e instanceof Error ? e.message : String(e);
    return { message: `model threw ${where}: ${msg}`, ref: this.phase === Phase.Action ? ref : -1, cause: e };
  }

  result(cut: boolean, error?: ModelError): SearchResult {
    const distinct = Math.min(this.store.size, this.maxStates);
    const stats = {
      distinctStates: distinct,
      transitions: this.transitions,
      maxDepth: this.maxDepthSeen,
      seconds: (performance.now() - this.started) / 1000,
      fired: this.fired,
      storeBytes: this.store.bytes,
      linkBytes: this.links.bytes,
      collisionProbability: this.store.lossy ? collisionProbability(distinct) : 0,
    };
    if (error) return { verdict: 'incomplete', stats, error };
    if (this.found) return { verdict: this.found.property < 0 ? 'deadlock' : 'violation', stats, found: this.found };
    if (this.stoppedBy || cut) return { verdict: 'incomplete', stats, stoppedBy: this.stoppedBy ?? 'max-depth' };
    return { verdict: 'pass', stats };
  }
}
