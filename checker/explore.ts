// What BFS and DFS share: the visited store, the successor step and its counters, initial
// states, the memory budget, and turning what stopped the search into a SearchResult. The
// strategies keep only their order.

import type { SearchSnapshot } from './checkpoint.js';
import type { RecordDomain } from './domain.js';
import type { CompiledModel } from './compiled.js';
import { Expansion, Successors, type Fault } from './expand.js';
import { collisionProbability } from './fingerprint.js';
import { ParentLinks } from './links.js';
import { defaultMemory, MemoryBudget } from './memory.js';
import { PartialOrder } from './reduction.js';
import { complete, type FoundPath, type SearchOptions, type SearchResult } from './result.js';
import { ExactStore, FingerprintStore, type VisitedStore } from './store.js';

export class Exploration<D extends RecordDomain> {
  readonly store: VisitedStore;
  /** Parent links, kept only by BFS's second pass, which rebuilds the trace (DFS's stack is its path). */
  readonly links: ParentLinks | undefined;
  /** The successor step, canonicalising when the search stores canonical states (--symmetry). */
  readonly succ: Successors<D>;
  readonly maxStates: number;
  readonly maxDepth: number;
  /** What the store, the frontier and the links may hold together (--memory). */
  readonly budget: MemoryBudget;
  started = performance.now();
  maxDepthSeen = 0;
  found: FoundPath | undefined;
  /** A successor at the depth bound was new: the bound cut the search. */
  cut = false;
  /**
   * The path to state `id`, `length` steps long, where the search knows it: BFS's parent links,
   * DFS's stack. Without it a finding carries no trace (BFS's first pass).
   */
  pathTo: ((id: number, length: number) => { init: number; steps: number[] }) | undefined;
  stoppedBy: SearchResult['stoppedBy'];
  private nextProgress: number;

  constructor(
    readonly cm: CompiledModel<D>,
    readonly opts: SearchOptions,
    withLinks: boolean,
  ) {
    const budget = (this.budget = new MemoryBudget(opts.memory ?? defaultMemory()));
    const r = opts.resume;
    const from = r?.store;
    this.store = opts.exact
      ? new ExactStore(cm.words, budget, undefined, from && { arena: from.words, size: from.size })
      : new FingerprintStore(cm.words, budget, undefined, from && { table: from.words, size: from.size });
    const links = withLinks ? new ParentLinks(cm.refs.length, budget) : undefined;
    this.links = links;
    this.pathTo = links && ((id) => links.pathTo(id));
    this.succ = new Successors(cm, opts.symmetry ? cm.canonicalizer() : undefined, true, reducerOf(cm, opts));
    this.maxStates = opts.maxStates ?? Infinity;
    this.maxDepth = opts.maxDepth ?? Infinity;
    this.nextProgress = this.started + (opts.progressInterval ?? 1) * 1000;
    this.nextCheckpoint = this.started + (opts.checkpoint?.every ?? 0) * 1000;
    if (r !== undefined) {
      this.succ.resume(r.fired, r.reached);
      this.maxDepthSeen = r.maxDepthSeen;
      this.cut = r.cut;
      this.started -= r.seconds * 1000;
    }
  }

  /**
   * Queues the frontier of a checkpoint through `visit`, numbering its states as they were (the
   * last ones stored); false when the memory budget cannot hold it.
   */
  resumeFrontier(r: SearchSnapshot, visit: (id: number) => boolean): boolean {
    const { next } = this.succ;
    const W = this.cm.words;
    let id = this.store.size - r.frontier.reduce((n, f) => n + f.count, 0);
    for (const f of r.frontier) {
      for (let i = 0; i < f.count; i++) {
        for (let k = 0; k < W; k++) next[k] = f.words[i * f.stride + k]!;
        if (!visit(id++)) {
          this.stoppedBy = 'memory';
          return false;
        }
      }
    }
    return true;
  }

  private nextCheckpoint: number;

  /** Whether a checkpoint is due (--checkpoint): asked between levels. */
  checkpointDue(): boolean {
    return this.opts.checkpoint !== undefined && performance.now() >= this.nextCheckpoint;
  }

  /** Hands the search, between levels, to the checkpoint sink: the frontier is at `depth`. True when the sink took the search over. */
  saveCheckpoint(depth: number, frontier: SearchSnapshot['frontier']): boolean {
    const cp = this.opts.checkpoint!;
    const s: SearchSnapshot = {
      depth,
      maxDepthSeen: this.maxDepthSeen,
      transitions: this.succ.transitions,
      fired: this.succ.fired,
      reached: this.succ.reached,
      cut: this.cut,
      seconds: (performance.now() - this.started) / 1000,
      store: this.store.contents,
      frontier,
    };
    if (cp.takeOver?.(s) === true) return true;
    cp.save(s);
    this.nextCheckpoint = performance.now() + cp.every * 1000;
    return false;
  }

  /**
   * Stores each initial state and calls `visit(id, initIndex)` for the new ones (the state is
   * in `succ.next`). Returns false when the search must stop (an initial state violates an
   * invariant or throws, a bound).
   */
  seed(visit: (id: number, init: number) => void): boolean {
    const { succ, store } = this;
    for (let i = 0; i < this.cm.model.init.length; i++) {
      if (!succ.initial(i)) {
        this.found = { property: -1, length: 0, state: store.size, init: i, steps: [], fault: succ.fault! };
        return false;
      }
      const r = store.insert(succ.next, 0);
      if (r === 0) continue;
      if (r < 0 || store.size > this.maxStates) {
        this.stoppedBy = r < 0 ? 'memory' : 'max-states';
        return false;
      }
      const id = store.size - 1;
      if (this.links?.add(ParentLinks.root(i), 0) === false) {
        this.stoppedBy = 'memory';
        return false;
      }
      this.opts.onState?.(succ.next);
      const p = succ.judgeState();
      if (p !== -1) {
        this.found = { property: p, length: 0, state: id, init: i, steps: [], ...(p === -2 ? { fault: succ.fault! } : {}) };
        return false;
      }
      visit(id, i);
    }
    return true;
  }

  /**
   * Stores the successor in `succ.next`: its number (insertion order) when new, -1 when already
   * stored or, at the depth bound, only looked up (a new one there cuts the search), -2 when
   * the memory budget or --max-states stops the search.
   */
  admit(atBound: boolean): number {
    const { store, succ } = this;
    // The state expanded is stored, and stored canonical, so a step back to it needs no lookup.
    if (succ.unchanged()) {
      succ.revisited = true;
      return -1;
    }
    if (atBound) {
      if (!store.has(succ.next, 0)) this.cut = true;
      else succ.revisited = true;
      return -1;
    }
    const r = store.insert(succ.next, 0);
    if (r === 0) {
      succ.revisited = true;
      return -1;
    }
    if (r < 0 || store.size > this.maxStates) {
      this.stoppedBy = r < 0 ? 'memory' : 'max-states';
      return -2;
    }
    this.opts.onState?.(succ.next);
    return store.size - 1;
  }

  /**
   * What stopped the search, `length` steps from an initial state at state `id` (its trace
   * too when links are kept), plus step `ref` when the finding is about a transition from it.
   */
  foundAt(property: number, length: number, id: number, ref = -1, fault?: Fault): FoundPath {
    const f: FoundPath = { property, length, state: id, ...(fault ? { fault } : {}) };
    const path = this.pathTo?.(id, ref >= 0 ? length - 1 : length);
    if (path === undefined) return f;
    if (ref >= 0) path.steps.push(ref);
    return { ...f, init: path.init, steps: path.steps };
  }

  /** The finding of an invariant check of the state just stored as `id` (-2: it threw). */
  invariantAt(p: number, length: number, id: number): FoundPath {
    return this.foundAt(p === -2 ? -1 : p, length, id, -1, p === -2 ? this.succ.fault : undefined);
  }

  /** The finding of an expansion of state `id` at `depth` that did not end in Done or Stopped. */
  expansionAt(how: Expansion, depth: number, id: number): FoundPath {
    const succ = this.succ;
    if (how === Expansion.Deadlock) return this.foundAt(-1, depth, id);
    if (how === Expansion.Violation) return this.foundAt(succ.property, depth + 1, id, succ.ref);
    const f = succ.fault!;
    // A transition property that threw is shown with its step; a guard or effect on the state.
    return f.phase === 'transition property' ? this.foundAt(-1, depth + 1, id, f.ref, f) : this.foundAt(-1, depth, id, -1, f);
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
    cb({ distinctStates: this.store.size, transitions: this.succ.transitions, queue, depth, seconds: (now - this.started) / 1000 });
  }

  result(): SearchResult {
    const distinct = Math.min(this.store.size, this.maxStates);
    const stats = {
      distinctStates: distinct,
      transitions: this.succ.transitions,
      maxDepth: this.maxDepthSeen,
      seconds: (performance.now() - this.started) / 1000,
      fired: this.succ.fired,
      storeBytes: this.store.bytes,
      linkBytes: this.links?.bytes ?? 0,
      memoryBudget: this.budget.limit,
      memoryPeak: this.budget.peak,
      workers: 1,
      collisionProbability: this.store.lossy ? collisionProbability(distinct) : 0,
      ...(this.opts.por ? { partiallyExpanded: this.succ.partial } : {}),
    };
    const f = this.found;
    if (f) return { verdict: f.fault ? 'error' : f.property < 0 ? 'deadlock' : 'violation', stats, found: f };
    if (this.stoppedBy || this.cut) return { verdict: 'incomplete', stats, stoppedBy: this.stoppedBy ?? 'max-depth' };
    const kept = this.store.contents;
    return complete(stats, this.succ.reached, kept.kind === 'fingerprints' ? kept.words : undefined);
  }
}

/** The reducer of a search with `por`, unless no instance could ever be left out; refuses `symmetry` and checkpoints alongside. */
export function reducerOf(cm: CompiledModel, opts: SearchOptions): PartialOrder | undefined {
  if (!opts.por) return undefined;
  if (opts.symmetry) throw new Error('partial-order reduction does not combine with symmetry reduction here');
  // A checkpoint keeps no count of partial expansions, and the probe's hand-over would give the search to unreduced workers.
  if (opts.checkpoint !== undefined || opts.resume !== undefined) throw new Error('partial-order reduction is not checkpointed');
  const r = new PartialOrder(cm);
  return r.useful ? r : undefined;
}
