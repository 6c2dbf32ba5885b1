// Liveness under fairness (TLC's approach, on the one successor step): a breadth-first search
// records the reachable graph compactly, in arrays allocated once at the sizes the safety
// search counted — states numbered through the safety search's own table (state-numbers.ts),
// per state its first edge, per edge its target and action instance in one word, per state
// one bit of each property's `from` and `to` — and then, for each
// property, Tarjan's algorithm (iterative) finds the strongly connected components of the
// states where `to` fails. A component is fair when no weakly fair action instance is enabled
// in all of its states yet never taken inside it, and no strongly fair one is enabled in some
// of its states yet never taken inside it (strong fairness is refined by dropping the states
// where such an instance is enabled and looking again, Emerson-Lei style). A property fails
// when a state it starts from can stay among `to`-failing states into a fair component, or
// into a legal end state (where a path stays for ever); the counterexample is a lasso: a
// shortest path to that state, a path on to the component, and a cycle in it that meets
// every fairness requirement.

import type { CompiledModel } from './compiled.js';
import type { RecordDomain } from './domain.js';
import { Expansion, Successors } from './expand.js';
import type { LivenessProperty } from './model.js';
import { StateNumbers, VisitedNumbers, type StateNumbering } from './state-numbers.js';

/** The reachable graph: states numbered in BFS order, edges grouped by source. */
export interface StateGraphCsr {
  readonly states: number;
  /** Edges of state v: first[v] .. first[v + 1] - 1. */
  readonly first: Uint32Array;
  /** Per edge its target and action instance in one number: target * refRange + ref. */
  readonly edges: Uint32Array | Float64Array;
  /** A power of two above every action instance's number. */
  readonly refRange: number;
  /** Per state and property p: bit 2p is `from`, bit 2p + 1 is `to`. */
  readonly bits: Uint8Array;
  readonly bytesPerState: number;
  /** The initial states: their numbers and the init writer of each. */
  readonly initial: readonly { readonly id: number; readonly init: number }[];
  /** The bytes the liveness check holds: the graph, and while it runs, the search's arrays. */
  readonly meter: Meter;
}

export type RecordResult =
  | { readonly kind: 'graph'; readonly graph: StateGraphCsr; readonly bytes: number }
  | { readonly kind: 'stopped'; readonly why: 'max-states' | 'memory' | 'not-safe' };

/** What the safety search counted, an upper bound on the graph (it hashes states alike): the graph's arrays are allocated once at these sizes. */
export interface GraphSize {
  readonly states: number;
  readonly edges: number;
}

/** The bytes held now and the most held at once. */
export class Meter {
  now = 0;
  peak = 0;
  take(bytes: number): void {
    this.now += bytes;
    if (this.now > this.peak) this.peak = this.now;
  }
  give(bytes: number): void {
    this.now -= bytes;
  }
}

const target = (g: StateGraphCsr, e: number): number => (g.edges[e]! / g.refRange) >>> 0;
const refOf = (g: StateGraphCsr, e: number): number => g.edges[e]! % g.refRange;

/** A power of two above every action instance's number. */
const refRangeFor = (refs: number): number => 2 ** Math.max(0, Math.ceil(Math.log2(refs)));

/** Bytes per edge: one 32-bit word while target * refRange + ref fits in it, else a double (exact to 2^53). */
export const edgeBytes = (states: number, refs: number): 4 | 8 => (states * refRangeFor(refs) <= 2 ** 32 ? 4 : 8);

/**
 * The states waiting to be expanded, in number order, in a ring: a state's words are dropped
 * once it has been expanded, so the queue holds a BFS frontier, not every state, and grows
 * only when the frontier outgrows it.
 */
class StateQueue {
  private data: Uint32Array;
  /** Where the oldest state held starts, and how many are held. */
  private head = 0;
  count = 0;
  constructor(
    private readonly W: number,
    private readonly meter: Meter,
    /** The graph's states: a small model's queue starts small. */
    states: number,
  ) {
    this.data = new Uint32Array(W * Math.max(16, Math.min(Math.ceil(states / 16), 4096)));
    meter.take(this.data.byteLength);
  }
  push(words: Uint32Array): void {
    const W = this.W;
    const cap = this.data.length / W;
    if (this.count === cap) {
      const d = new Uint32Array(Math.ceil(cap * 1.5) * W);
      this.meter.take(d.byteLength);
      d.set(this.data.subarray(this.head * W));
      d.set(this.data.subarray(0, this.head * W), (cap - this.head) * W);
      this.meter.give(this.data.byteLength);
      this.data = d;
      this.head = 0;
    }
    let at = this.head + this.count;
    if (at >= this.data.length / W) at -= this.data.length / W;
    this.data.set(words, at * W);
    this.count++;
  }
  /** Copies the oldest state held into `into` and drops it. */
  take(into: Uint32Array): void {
    const W = this.W;
    const at = this.head * W;
    for (let k = 0; k < W; k++) into[k] = this.data[at + k]!;
    this.head = this.head + 1 === this.data.length / W ? 0 : this.head + 1;
    this.count--;
  }
  release(): void {
    this.meter.give(this.data.byteLength);
  }
}

/** Out-degrees of at least this are kept beside the byte array. */
const WIDE = 0xff;

/**
 * Records the reachable graph of a model that passed its safety check (the search stops, as
 * `not-safe`, at anything the safety check would report), within `maxStates` and `memory`.
 * `size` is what the safety search counted; the arrays are allocated once at it. `visited`,
 * the safety search's fingerprint table when it kept one, numbers the states; it is borrowed
 * only while recording.
 */
export function recordGraph<D extends RecordDomain>(
  cm: CompiledModel<D>,
  props: readonly LivenessProperty<D>[],
  maxStates: number,
  memory: number,
  size: GraphSize,
  visited?: Uint32Array,
): RecordResult {
  if (size.states > maxStates) return { kind: 'stopped', why: 'max-states' };
  const L = props.length;
  const bytesPerState = Math.max(1, Math.ceil(L / 4));
  const refRange = refRangeFor(cm.refs.length);
  const perEdge = edgeBytes(size.states, cm.refs.length);
  const meter = new Meter();
  // Recording holds the numbering, the out-degrees, the bits and the edges; the search after
  // it the offsets in place of numbering and degrees, and its own arrays (findLasso).
  // The borrowed table is not the graph's, but the budget bounds what is held at once.
  const numberingBytes =
    visited === undefined ? StateNumbers.bytesFor(size.states) : visited.byteLength + VisitedNumbers.bytesFor(size.states, visited.length >>> 1);
  const need =
    Math.max(numberingBytes + size.states, 4 * (size.states + 1) + SEARCH_BYTES_PER_STATE * size.states) + size.states * bytesPerState + perEdge * size.edges;
  if (need > memory) return { kind: 'stopped', why: 'memory' };
  const succ = new Successors(cm, undefined);
  const { cur, next } = succ;
  const view = cm.layout.newView();
  view.bind(next);
  const numbers: StateNumbering = visited === undefined ? new StateNumbers(cm.words, size.states) : new VisitedNumbers(cm.words, visited);
  const bits = new Uint8Array(size.states * bytesPerState);
  const degree = new Uint8Array(size.states);
  const wide = new Map<number, number>();
  const edges = perEdge === 4 ? new Uint32Array(size.edges) : new Float64Array(size.edges);
  meter.take(numbers.bytes + bits.byteLength + degree.byteLength + edges.byteLength);
  const queue = new StateQueue(cm.words, meter, size.states);
  let edgeCount = 0;
  const initial: { id: number; init: number }[] = [];

  /** Numbers the state in `next`; a new one is judged, its bits set and queued. Negative: stop (-1 max-states, -2 not safe). */
  const admit = (): number => {
    const id = numbers.number(next);
    if (!numbers.added) return id;
    if (numbers.size > maxStates) return -1;
    if (succ.judgeState() !== -1) return -2;
    for (let p = 0; p < L; p++) {
      const pr = props[p]!;
      const v = (pr.from === undefined || pr.from(view.read) ? 1 : 0) | (pr.to(view.read) ? 2 : 0);
      bits[id * bytesPerState + (p >> 2)]! |= v << ((p & 3) * 2);
    }
    queue.push(next);
    return id;
  };
  let stop: RecordResult | undefined;
  const stopWith = (code: number): false => {
    stop = { kind: 'stopped', why: code === -1 ? 'max-states' : 'not-safe' };
    return false;
  };
  for (let i = 0; i < cm.model.init.length; i++) {
    if (!succ.initial(i)) return { kind: 'stopped', why: 'not-safe' };
    const before = numbers.size;
    const id = admit();
    if (id < 0) return { kind: 'stopped', why: id === -1 ? 'max-states' : 'not-safe' };
    if (numbers.size > before) initial.push({ id, init: i });
  }
  const sink = (r: number): boolean => {
    const id = admit();
    if (id < 0) return stopWith(id);
    if (edgeCount === edges.length) throw new Error('internal: the liveness graph has more edges than the safety search counted');
    edges[edgeCount++] = id * refRange + r;
    return true;
  };
  for (let v = 0; v < numbers.size; v++) {
    if ((v & 0x3fff) === 0 && meter.now > memory) return { kind: 'stopped', why: 'memory' };
    queue.take(cur);
    const from = edgeCount;
    const how = succ.expand(sink);
    if (stop) return stop;
    if (how !== Expansion.Done) return { kind: 'stopped', why: 'not-safe' };
    const d = edgeCount - from;
    degree[v] = Math.min(d, WIDE);
    if (d >= WIDE) wide.set(v, d);
  }
  const n = numbers.size;
  queue.release();
  meter.give(numbers.bytes);
  const first = new Uint32Array(n + 1);
  meter.take(first.byteLength);
  for (let v = 0; v < n; v++) first[v + 1] = first[v]! + (degree[v] === WIDE ? wide.get(v)! : degree[v]!);
  meter.give(degree.byteLength);
  const graph: StateGraphCsr = {
    states: n,
    first,
    edges: edges.subarray(0, edgeCount),
    refRange,
    bits: bits.subarray(0, n * bytesPerState),
    bytesPerState,
    initial,
    meter,
  };
  return {
    kind: 'graph',
    graph,
    // Read after the search, so that it counts the search's arrays too.
    get bytes() {
      return meter.peak;
    },
  };
}

/** What a fair path may skip: per action instance, 0 none, 1 weak, 2 strong fairness. */
export function fairnessOf(cm: CompiledModel): Uint8Array {
  const level = { none: 0, weak: 1, strong: 2 } as const;
  return Uint8Array.from(cm.refs.map((r) => level[cm.model.actions[r.action]!.fairness ?? 'weak']));
}

/** A lasso: the action instances from initial state `init`, the cycle starting after `loopStart` of them. */
export interface Lasso {
  readonly init: number;
  readonly steps: number[];
  readonly loopStart: number;
}

// Per state flags of the search, one byte: in G (the states where `to` fails), bad (a fair
// path can stay in G for ever from it), may stay there for ever (stutter), on Tarjan's stack,
// and in the subgraph a strong-fairness refinement searches.
const IN_G = 1;
const BAD = 2;
const STAY = 4;
const ON_STACK = 8;
const IN_SUB = 16;

/** The search's arrays per state: the flags, Tarjan's index and low (which, once a state's component is done, numbers its fair component). */
const SEARCH_BYTES_PER_STATE = 1 + 4 + 4;

/** What findLasso's searches share: the flags and Tarjan's numbering. */
interface Search {
  readonly g: StateGraphCsr;
  readonly flags: Uint8Array;
  readonly index: Int32Array;
  /** Tarjan's low link; for a state whose component is done, the number of its fair component (from 1), or 0. */
  readonly low: Int32Array;
}

/** The property's lasso, or undefined when it holds on every fair path. */
export function findLasso(g: StateGraphCsr, p: number, kind: LivenessProperty<RecordDomain>['form'], fair: Uint8Array): Lasso | undefined {
  const n = g.states;
  const bit = (v: number, which: 0 | 1): boolean => ((g.bits[v * g.bytesPerState + (p >> 2)]! >> ((p & 3) * 2 + which)) & 1) === 1;
  const s: Search = { g, flags: new Uint8Array(n), index: new Int32Array(n).fill(-1), low: new Int32Array(n) };
  g.meter.take(SEARCH_BYTES_PER_STATE * n);
  try {
    return lasso(s, kind, fair, bit);
  } finally {
    g.meter.give(SEARCH_BYTES_PER_STATE * n);
  }
}

function lasso(s: Search, kind: LivenessProperty<RecordDomain>['form'], fair: Uint8Array, bit: (v: number, which: 0 | 1) => boolean): Lasso | undefined {
  const { g, flags, low } = s;
  const n = g.states;
  for (let v = 0; v < n; v++) if (!bit(v, 1)) flags[v] = IN_G;
  let components = 0;
  sccs(s, IN_G, (members) => {
    let isBad = false;
    for (const v of members) {
      if (!stays(g, v, fair)) continue;
      flags[v]! |= STAY;
      isBad = true;
    }
    for (const c of fairComponents(s, members, fair)) {
      components++;
      for (const v of c) low[v] = components;
      isBad = true;
    }
    if (!isBad) {
      outer: for (const v of members) {
        for (let e = g.first[v]!; e < g.first[v + 1]!; e++) {
          if ((flags[target(g, e)]! & (IN_G | BAD)) === (IN_G | BAD)) {
            isBad = true;
            break outer;
          }
        }
      }
    }
    if (isBad) for (const v of members) flags[v]! |= BAD;
  });
  const bad = (v: number): boolean => (flags[v]! & BAD) !== 0;
  let start = -1;
  if (kind === 'eventually') start = g.initial.find((i) => bad(i.id))?.id ?? -1;
  else for (let v = 0; v < n && start < 0; v++) if (bad(v) && (kind === 'alwaysEventually' || bit(v, 0))) start = v;
  if (start < 0) return undefined;
  const prefix = path(
    g,
    s.index,
    g.initial.map((i) => i.id),
    (v) => v === start,
    () => true,
  )!;
  const toGoal = path(
    g,
    s.index,
    [start],
    (v) => low[v] !== 0 || (flags[v]! & STAY) !== 0,
    (w) => (flags[w]! & (IN_G | BAD)) === (IN_G | BAD),
  )!;
  const entry = toGoal.end;
  const cycle = (flags[entry]! & STAY) !== 0 ? [] : fairCycle(g, s.index, entry, low, fair);
  const init = g.initial.find((i) => i.id === prefix.start)!.init;
  const steps = [...prefix.refs, ...toGoal.refs];
  return { init, steps: [...steps, ...cycle], loopStart: steps.length };
}

/** Whether a fair path may stay in `v` for ever (stutter): no fair action instance is enabled there. */
function stays(g: StateGraphCsr, v: number, fair: Uint8Array): boolean {
  for (let e = g.first[v]!; e < g.first[v + 1]!; e++) if (fair[refOf(g, e)] !== 0) return false;
  return true;
}

/** A growable stack of 32-bit integers, its bytes on the graph's meter. */
class IntStack {
  data: Int32Array;
  length = 0;
  constructor(
    private readonly meter: Meter,
    states: number,
  ) {
    this.data = new Int32Array(Math.max(16, Math.min(states, 1024)));
    meter.take(this.data.byteLength);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      this.meter.take(d.byteLength);
      d.set(this.data);
      this.meter.give(this.data.byteLength);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  release(): void {
    this.meter.give(this.data.byteLength);
  }
}

/**
 * Calls `visit` with each strongly connected component of the subgraph of states flagged
 * `inSub`, in reverse topological order (a component after every one it reaches). Iterative
 * Tarjan; the stacks grow with the search's depth, not with the graph. A state's `low` is
 * free once its component is visited. Roots are taken in number order: all states, or `roots`
 * (ascending).
 */
function sccs(s: Search, inSub: number, visit: (members: number[]) => void, roots?: readonly number[]): void {
  const { g, flags, index, low } = s;
  const n = g.states;
  // Tarjan's stack, and the explicit call stack: the state and its next edge.
  const stack = new IntStack(g.meter, n);
  const calls = new IntStack(g.meter, n);
  let counter = 0;
  const enter = (v: number): void => {
    index[v] = low[v] = counter++;
    stack.push(v);
    flags[v]! |= ON_STACK;
    calls.push(v);
    calls.push(g.first[v]!);
  };
  const within = (w: number): boolean => (flags[w]! & inSub) !== 0;
  for (let k = 0; k < (roots?.length ?? n); k++) {
    const root = roots === undefined ? k : roots[k]!;
    if (!within(root) || index[root] !== -1) continue;
    enter(root);
    while (calls.length > 0) {
      const top = calls.length - 2;
      const v = calls.data[top]!;
      const e = calls.data[top + 1]!;
      if (e < g.first[v + 1]!) {
        calls.data[top + 1] = e + 1;
        const w = target(g, e);
        if (!within(w)) continue;
        if (index[w] === -1) enter(w);
        else if ((flags[w]! & ON_STACK) !== 0 && index[w]! < low[v]!) low[v] = index[w]!;
        continue;
      }
      calls.length -= 2;
      if (calls.length > 0) {
        const u = calls.data[calls.length - 2]!;
        if (low[v]! < low[u]!) low[u] = low[v]!;
      }
      if (low[v] === index[v]) {
        const members: number[] = [];
        let w: number;
        do {
          w = stack.data[--stack.length]!;
          flags[w]! &= ~ON_STACK;
          members.push(w);
        } while (w !== v);
        for (const m of members) low[m] = 0;
        visit(members);
      }
    }
  }
  stack.release();
  calls.release();
}

/**
 * The fair components within `members` (one strongly connected component): a set of states
 * a fair path can cycle through for ever. The component itself, none, or (strong fairness)
 * fair components of what is left without the states where an instance it never takes is
 * enabled.
 */
function fairComponents(s: Search, members: number[], fair: Uint8Array): number[][] {
  const g = s.g;
  if (members.length === 1 && !selfLoop(g, members[0]!)) return [];
  const set = new Set(members);
  const enabledAt = new Map<number, number>();
  const taken = new Set<number>();
  let cycle = false;
  for (const v of members) {
    for (let e = g.first[v]!; e < g.first[v + 1]!; e++) {
      const r = refOf(g, e);
      enabledAt.set(r, (enabledAt.get(r) ?? 0) + 1);
      if (set.has(target(g, e))) {
        taken.add(r);
        cycle = true;
      }
    }
  }
  if (!cycle) return [];
  for (const [r, count] of enabledAt) {
    if (taken.has(r)) continue;
    if (fair[r] === 1 && count === members.length) return [];
    if (fair[r] === 2) {
      // The members are done in the enclosing search: their index and flags may be reused.
      const sub = members.filter((v) => !hasRef(g, v, r)).sort((a, b) => a - b);
      for (const v of sub) {
        s.flags[v]! |= IN_SUB;
        s.index[v] = -1;
      }
      const out: number[][] = [];
      sccs(s, IN_SUB, (inner) => out.push(...fairComponents(s, inner, fair)), sub);
      for (const v of members) s.flags[v]! &= ~IN_SUB;
      return out;
    }
  }
  return [members];
}

function selfLoop(g: StateGraphCsr, v: number): boolean {
  for (let e = g.first[v]!; e < g.first[v + 1]!; e++) if (target(g, e) === v) return true;
  return false;
}

/** The state an edge leaves: the last v with first[v] <= e. */
function sourceOf(g: StateGraphCsr, e: number): number {
  let lo = 0;
  let hi = g.states - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (g.first[mid]! <= e) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A shortest path (BFS over edges to states `through` admits) from one of `from` to a state
 * `at` accepts. `parent`, one number per state, is scratch the caller lends (the search's
 * Tarjan index, free by then); the queue holds only the BFS frontier.
 */
function path(
  g: StateGraphCsr,
  parent: Int32Array,
  from: readonly number[],
  at: (v: number) => boolean,
  through: (w: number) => boolean,
): { start: number; end: number; refs: number[] } | undefined {
  // Per state the edge it was reached by: -1 not reached, -2 a start.
  parent.fill(-1);
  const queue = new StateQueue(1, g.meter, g.states);
  const one = new Uint32Array(1);
  const visit = (w: number, by: number): void => {
    parent[w] = by;
    one[0] = w;
    queue.push(one);
  };
  try {
    for (const s of from) if (parent[s] === -1) visit(s, -2);
    while (queue.count > 0) {
      queue.take(one);
      const v = one[0]!;
      if (at(v)) {
        const refs: number[] = [];
        let u = v;
        for (let e = parent[u]!; e >= 0; u = sourceOf(g, e), e = parent[u]!) refs.push(refOf(g, e));
        return { start: u, end: v, refs: refs.reverse() };
      }
      for (let e = g.first[v]!; e < g.first[v + 1]!; e++) {
        const w = target(g, e);
        if (parent[w] === -1 && through(w)) visit(w, e);
      }
    }
    return undefined;
  } finally {
    queue.release();
  }
}

/**
 * A cycle from `entry` through its fair component (the states `goal` numbers as it) that
 * meets every fairness requirement: each fair instance enabled in the component is taken, or
 * (weak fairness) a state where it is disabled is visited.
 */
function fairCycle(g: StateGraphCsr, parent: Int32Array, entry: number, goal: Int32Array, fair: Uint8Array): number[] {
  const comp = new Set<number>();
  for (let v = 0; v < g.states; v++) if (goal[v] === goal[entry]) comp.add(v);
  const inComp = (w: number): boolean => comp.has(w);
  const refs: number[] = [];
  let at = entry;
  const seen = new Set<number>();
  for (const v of comp) for (let e = g.first[v]!; e < g.first[v + 1]!; e++) seen.add(refOf(g, e));
  for (const r of [...seen].sort((a, b) => a - b)) {
    if (fair[r] === 0) continue;
    const everywhere = [...comp].every((v) => hasRef(g, v, r));
    // Weak fairness is met by a state where r is disabled; otherwise r must be taken.
    const meets = (v: number): boolean => (fair[r] === 1 && !everywhere && !hasRef(g, v, r)) || edgeInto(g, v, r, inComp) >= 0;
    const leg = path(g, parent, [at], meets, inComp)!;
    refs.push(...leg.refs);
    at = leg.end;
    const e = edgeInto(g, at, r, inComp);
    if (!(fair[r] === 1 && !everywhere && !hasRef(g, at, r)) && e >= 0) {
      refs.push(r);
      at = target(g, e);
    }
  }
  // Back to the entry, taking at least one step.
  if (refs.length === 0) {
    const e = firstEdgeInto(g, at, inComp);
    refs.push(refOf(g, e));
    at = target(g, e);
  }
  refs.push(...path(g, parent, [at], (v) => v === entry, inComp)!.refs);
  return refs;
}

const hasRef = (g: StateGraphCsr, v: number, r: number): boolean => {
  for (let e = g.first[v]!; e < g.first[v + 1]!; e++) if (refOf(g, e) === r) return true;
  return false;
};

function edgeInto(g: StateGraphCsr, v: number, r: number, into: (w: number) => boolean): number {
  for (let e = g.first[v]!; e < g.first[v + 1]!; e++) if (refOf(g, e) === r && into(target(g, e))) return e;
  return -1;
}

function firstEdgeInto(g: StateGraphCsr, v: number, into: (w: number) => boolean): number {
  for (let e = g.first[v]!; e < g.first[v + 1]!; e++) if (into(target(g, e))) return e;
  return -1;
}
