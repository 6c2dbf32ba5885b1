// What BFS and DFS share: the visited store, counters, initial states, the memory budget, and
// turning the final counters into a SearchResult. The strategies keep only their loops.

import { totalmem } from 'node:os';
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

/** Default memory budget: half of the machine's RAM. */
export const defaultMemory = (): number => Math.floor(totalmem() / 2);

export class Exploration<D extends RecordDomain> {
  readonly store: VisitedStore;
  /** Parent links, kept only by BFS's second pass, which rebuilds the trace (DFS's stack is its path). */
  readonly links: ParentLinks | undefined;
  readonly fired: Float64Array;
  readonly maxStates: number;
  readonly maxDepth: number;
  readonly memory: number;
  readonly started = performance.now();
  /** Set when the search stores canonical states (--symmetry). */
  readonly canon: Canonicalizer | undefined;
  transitions = 0;
  maxDepthSeen = 0;
  phase = Phase.Init;
  found: FoundPath | undefined;
  stoppedBy: SearchResult['stoppedBy'];
  private nextProgress: number;

  constructor(
    readonly cm: CompiledModel<D>,
    readonly opts: SearchOptions,
    withLinks: boolean,
  ) {
    this.memory = opts.memory ?? defaultMemory();
    this.store = opts.exact ? new ExactStore(cm.words, this.memory) : new FingerprintStore(cm.words, this.memory);
    this.links = withLinks ? new ParentLinks(cm.refs.length) : undefined;
    this.canon = opts.symmetry ? cm.canonicalizer() : undefined;
    this.fired = new Float64Array(cm.refs.length);
    this.maxStates = opts.maxStates ?? Infinity;
    this.maxDepth = opts.maxDepth ?? Infinity;
    this.nextProgress = this.started + (opts.progressInterval ?? 1) * 1000;
  }

  /**
   * Stores each initial state and calls `visit(id, initIndex)` for the new ones (`scratch` holds it).
   * Returns false when the search must stop (an initial state violates an invariant, a bound).
   */
  seed(scratch: Uint32Array, visit: (id: number, init: number) => void): boolean {
    const view = this.cm.layout.newView();
    for (let i = 0; i < this.cm.model.init.length; i++) {
      this.phase = Phase.Init;
      this.cm.writeInit(i, scratch, view);
      this.canon?.canon(scratch);
      const r = this.store.insert(scratch, 0);
      if (r === 0) continue;
      if (r < 0 || this.store.size > this.maxStates) {
        this.stoppedBy = r < 0 ? 'memory' : 'max-states';
        return false;
      }
      const id = this.links ? this.links.add(ParentLinks.root(i), 0) : 0;
      this.opts.onState?.(scratch);
      this.phase = Phase.Invariant;
      const p = this.cm.firstViolated(view.read);
      if (p >= 0) {
        this.found = { property: p, length: 0, init: i, steps: [] };
        return false;
      }
      visit(id, i);
    }
    return true;
  }

  /** A violation whose trace ends `length` steps from an initial state, at state `id` when links are kept. */
  foundAt(property: number, length: number, id: number, ref = -1): FoundPath {
    if (!this.links) return { property, length };
    const { init, steps } = this.links.pathTo(id);
    if (ref >= 0) steps.push(ref);
    return { property, length, init, steps };
  }

  private untilClock = 0;

  /** Calls the progress callback at most once per interval; reads the clock every 1024 calls. */
  progress(queue: number, depth: number): void {
    const cb = this.opts.onProgress;
    if (cb === undefined || --this.untilClock > 0) return;
    this.untilClock = 1024;
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
          ? `in action ${ref >= 0 ? this.cm.label(ref) : '(a guard)'} from state #${stateId}`
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
      linkBytes: this.links?.bytes ?? 0,
      collisionProbability: this.store.lossy ? collisionProbability(distinct) : 0,
    };
    if (error) return { verdict: 'incomplete', stats, error };
    if (this.found) return { verdict: this.found.property < 0 ? 'deadlock' : 'violation', stats, found: this.found };
    if (this.stoppedBy || cut) return { verdict: 'incomplete', stats, stoppedBy: this.stoppedBy ?? 'max-depth' };
    return { verdict: 'pass', stats };
  }
}
