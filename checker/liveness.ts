// Liveness under fairness (TLC's approach, on the one successor step): a breadth-first search
// records the reachable graph compactly — per state its first edge, per edge its target and
// action instance, per state one bit of each property's `from` and `to` — and then, for each
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
import { hashHi, hashLo } from './fingerprint.js';

/** The reachable graph: states numbered in BFS order, edges grouped by source. */
export interface StateGraphCsr {
  readonly states: number;
  /** Edges of state v: first[v] .. first[v + 1] - 1. */
  readonly first: Uint32Array;
  readonly target: Uint32Array;
  readonly ref: Uint8Array | Uint16Array | Uint32Array;
  /** Per state and property p: bit 2p is `from`, bit 2p + 1 is `to`. */
  readonly bits: Uint8Array;
  readonly bytesPerState: number;
  /** The initial states: their numbers and the init writer of each. */
  readonly initial: readonly { readonly id: number; readonly init: number }[];
}

export type RecordResult =
  | { readonly kind: 'graph'; readonly graph: StateGraphCsr; readonly bytes: number }
  | { readonly kind: 'stopped'; readonly why: 'max-states' | 'memory' | 'not-safe' };

/** Fingerprints with the number of each state, so an edge to a known state finds its number. */
class NumberedStates {
  size = 0;
  private table: Uint32Array;
  private mask: number;

  constructor(
    private readonly words: number,
    capacity = 1 << 16,
  ) {
    this.table = new Uint32Array(3 * capacity);
    this.mask = capacity - 1;
  }

  get bytes(): number {
    return this.table.byteLength;
  }

  /** The state's number; `added` tells whether it is new. */
  added = false;
  number(words: Uint32Array): number {
    if (this.size * 4 >= (this.mask + 1) * 3) this.grow();
    const hi = hashHi(words, 0, this.words);
    let lo = hashLo(words, 0, this.words);
    if (hi === 0 && lo === 0) lo = 1; // (0, 0) marks an empty slot
    return this.put(hi, lo, this.size);
  }

  private put(hi: number, lo: number, id: number): number {
    const t = this.table;
    for (let i = hi & this.mask; ; i = (i + 1) & this.mask) {
      const a = t[3 * i]!;
      const b = t[3 * i + 1]!;
      if (a === 0 && b === 0) {
        t[3 * i] = hi;
        t[3 * i + 1] = lo;
        t[3 * i + 2] = id;
        this.size++;
        this.added = true;
        return id;
      }
      if (a === hi && b === lo) {
        this.added = false;
        return t[3 * i + 2]!;
      }
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.mask = (old.length / 3) * 2 - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 3) if (old[i] !== 0 || old[i + 1] !== 0) this.put(old[i]!, old[i + 1]!, old[i + 2]!);
  }
}

type Words = Uint8Array | Uint16Array | Uint32Array;

/** A growable typed array of unsigned values of `bits` width (8, 16 or 32). */
class Column<T extends Words> {
  data: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(1 << 16);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = this.make(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  done(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/** The narrowest column for values below `limit`. */
const columnFor = (limit: number): Column<Words> =>
  limit <= 0x100
    ? new Column<Words>((n) => new Uint8Array(n))
    : limit <= 0x10000
      ? new Column<Words>((n) => new Uint16Array(n))
      : new Column<Words>((n) => new Uint32Array(n));
const u32 = (n: number): Uint32Array => new Uint32Array(n);

/**
 * The states waiting to be expanded, in number order: a state's words are dropped once it
 * has been expanded, so the queue holds a BFS frontier, not every state.
 */
class StateQueue {
  private data: Uint32Array;
  /** The number of the first state held. */
  private base = 0;
  private end = 0;
  constructor(private readonly W: number) {
    this.data = new Uint32Array(W << 12);
  }
  get bytes(): number {
    return this.data.byteLength;
  }
  push(words: Uint32Array): void {
    const at = (this.end - this.base) * this.W;
    if (at + this.W > this.data.length) {
      const d = new Uint32Array(this.data.length * 2);
      d.set(this.data.subarray(0, at));
      this.data = d;
    }
    this.data.set(words, at);
    this.end++;
  }
  /** Copies state `v` (the oldest held) into `into` and drops it, moving the rest down when half is spent. */
  take(v: number, into: Uint32Array): void {
    const W = this.W;
    const at = (v - this.base) * W;
    for (let k = 0; k < W; k++) into[k] = this.data[at + k]!;
    if ((v - this.base + 1) * 2 * W > this.data.length) {
      this.data.copyWithin(0, at + W, (this.end - this.base) * W);
      this.base = v + 1;
    }
  }
}

/**
 * Records the reachable graph of a model that passed its safety check (the search stops, as
 * `not-safe`, at anything the safety check would report), within `maxStates` and `memory`.
 */
export function recordGraph<D extends RecordDomain>(
  cm: CompiledModel<D>,
  props: readonly LivenessProperty<D>[],
  maxStates: number,
  memory: number,
): RecordResult {
  const succ = new Successors(cm, undefined);
  const { cur, next } = succ;
  const numbers = new NumberedStates(cm.words);
  const view = cm.layout.newView();
  view.bind(next);
  const L = props.length;
  const bytesPerState = Math.max(1, Math.ceil(L / 4));
  let bits = new Uint8Array(1 << 16);
  const queue = new StateQueue(cm.words);
  const first = new Column(u32);
  const target = new Column(u32);
  const ref = columnFor(cm.refs.length);
  const initial: { id: number; init: number }[] = [];
  const bytes = (): number => numbers.bytes + bits.byteLength + queue.bytes + first.data.byteLength + target.data.byteLength + ref.data.byteLength;

  /** Numbers the state in `next`; a new one is judged, its bits set and queued. False: stop. */
  const admit = (): number => {
    const id = numbers.number(next);
    if (!numbers.added) return id;
    if (numbers.size > maxStates) return -1;
    if (succ.judgeState() !== -1) return -2;
    if ((id + 1) * bytesPerState > bits.length) {
      const b = new Uint8Array(bits.length * 2);
      b.set(bits);
      bits = b;
    }
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
    target.push(id);
    ref.push(r);
    return true;
  };
  for (let v = 0; v < numbers.size; v++) {
    if ((v & 0x3fff) === 0 && bytes() > memory) return { kind: 'stopped', why: 'memory' };
    queue.take(v, cur);
    first.push(target.length);
    const how = succ.expand(sink);
    if (stop) return stop;
    if (how !== Expansion.Done) return { kind: 'stopped', why: 'not-safe' };
  }
  first.push(target.length);
  const graph = { states: numbers.size, first: first.done(), target: target.done(), ref: ref.done(), bits, bytesPerState, initial };
  return { kind: 'graph', graph, bytes: bytes() };
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

/** The property's lasso, or undefined when it holds on every fair path. */
export function findLasso(g: StateGraphCsr, p: number, kind: LivenessProperty<RecordDomain>['form'], fair: Uint8Array): Lasso | undefined {
  const n = g.states;
  const bit = (v: number, which: 0 | 1): boolean => ((g.bits[v * g.bytesPerState + (p >> 2)]! >> ((p & 3) * 2 + which)) & 1) === 1;
  const inG = new Uint8Array(n);
  for (let v = 0; v < n; v++) if (!bit(v, 1)) inG[v] = 1;
  // Per state: 1 when a fair path can stay in G from it for ever; `goal` numbers the fair
  // component it may cycle in (from 1); `stay` marks a state it may stay in for ever.
  const bad = new Uint8Array(n);
  const goal = new Int32Array(n);
  const stay = new Uint8Array(n);
  let components = 0;
  sccs(g, inG, (members) => {
    let isBad = false;
    for (const v of members) {
      if (!stays(g, v, fair)) continue;
      stay[v] = 1;
      isBad = true;
    }
    for (const c of fairComponents(g, members, fair)) {
      components++;
      for (const v of c) goal[v] = components;
      isBad = true;
    }
    if (!isBad) {
      outer: for (const v of members) {
        for (let e = g.first[v]!; e < g.first[v + 1]!; e++) {
          const w = g.target[e]!;
          if (inG[w] && bad[w]) {
            isBad = true;
            break outer;
          }
        }
      }
    }
    if (isBad) for (const v of members) bad[v] = 1;
  });
  let start = -1;
  if (kind === 'eventually') start = g.initial.find((s) => bad[s.id])?.id ?? -1;
  else for (let v = 0; v < n && start < 0; v++) if (bad[v] && (kind === 'alwaysEventually' || bit(v, 0))) start = v;
  if (start < 0) return undefined;
  const prefix = path(
    g,
    g.initial.map((s) => s.id),
    (v) => v === start,
    () => true,
  )!;
  const toGoal = path(
    g,
    [start],
    (v) => goal[v] !== 0 || stay[v] === 1,
    (w) => inG[w] === 1 && bad[w] === 1,
  )!;
  const entry = toGoal.end;
  const cycle = stay[entry] === 1 ? [] : fairCycle(g, entry, goal, fair);
  const init = g.initial.find((s) => s.id === prefix.start)!.init;
  const steps = [...prefix.refs, ...toGoal.refs];
  return { init, steps: [...steps, ...cycle], loopStart: steps.length };
}

/** Whether a fair path may stay in `v` for ever (stutter): no fair action instance is enabled there. */
function stays(g: StateGraphCsr, v: number, fair: Uint8Array): boolean {
  for (let e = g.first[v]!; e < g.first[v + 1]!; e++) if (fair[g.ref[e]!] !== 0) return false;
  return true;
}

/**
 * Calls `visit` with each strongly connected component of the subgraph `inSub`, in reverse
 * topological order (a component after every one it reaches). Iterative Tarjan.
 */
function sccs(g: StateGraphCsr, inSub: Uint8Array, visit: (members: number[]) => void): void {
  const n = g.states;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  // Tarjan's stack, and the explicit call stack: the state and its next edge.
  const stack = new Int32Array(n);
  const callV = new Int32Array(n);
  const callE = new Uint32Array(n);
  let sp = 0;
  let cp = 0;
  let counter = 0;
  const enter = (v: number): void => {
    index[v] = low[v] = counter++;
    stack[sp++] = v;
    onStack[v] = 1;
    callV[cp] = v;
    callE[cp++] = g.first[v]!;
  };
  for (let root = 0; root < n; root++) {
    if (!inSub[root] || index[root] !== -1) continue;
    enter(root);
    while (cp > 0) {
      const top = cp - 1;
      const v = callV[top]!;
      const e = callE[top]!;
      if (e < g.first[v + 1]!) {
        callE[top] = e + 1;
        const w = g.target[e]!;
        if (!inSub[w]) continue;
        if (index[w] === -1) enter(w);
        else if (onStack[w] && index[w]! < low[v]!) low[v] = index[w]!;
        continue;
      }
      cp--;
      if (cp > 0) {
        const u = callV[cp - 1]!;
        if (low[v]! < low[u]!) low[u] = low[v]!;
      }
      if (low[v] === index[v]) {
        const members: number[] = [];
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          members.push(w);
        } while (w !== v);
        visit(members);
      }
    }
  }
}

/**
 * The fair components within `members` (one strongly connected component): a set of states
 * a fair path can cycle through for ever. The component itself, none, or (strong fairness)
 * fair components of what is left without the states where an instance it never takes is
 * enabled.
 */
function fairComponents(g: StateGraphCsr, members: number[], fair: Uint8Array): number[][] {
  const set = new Set(members);
  const enabledAt = new Map<number, number>();
  const taken = new Set<number>();
  let cycle = false;
  for (const v of members) {
    for (let e = g.first[v]!; e < g.first[v + 1]!; e++) {
      const r = g.ref[e]!;
      enabledAt.set(r, (enabledAt.get(r) ?? 0) + 1);
      if (set.has(g.target[e]!)) {
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
      const sub = new Uint8Array(g.states);
      for (const v of members) if (!hasRef(g, v, r)) sub[v] = 1;
      const out: number[][] = [];
      sccs(g, sub, (inner) => out.push(...fairComponents(g, inner, fair)));
      return out;
    }
  }
  return [members];
}

/** A shortest path (BFS over edges to states `through` admits) from one of `from` to a state `at` accepts. */
function path(
  g: StateGraphCsr,
  from: readonly number[],
  at: (v: number) => boolean,
  through: (w: number) => boolean,
): { start: number; end: number; refs: number[] } | undefined {
  const parent = new Map<number, { v: number; r: number }>();
  const queue: number[] = [];
  for (const s of from) {
    if (parent.has(s)) continue;
    parent.set(s, { v: -1, r: -1 });
    queue.push(s);
  }
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    if (at(v)) {
      const refs: number[] = [];
      let u = v;
      for (let p = parent.get(u)!; p.v >= 0; u = p.v, p = parent.get(u)!) refs.push(p.r);
      return { start: u, end: v, refs: refs.reverse() };
    }
    for (let e = g.first[v]!; e < g.first[v + 1]!; e++) {
      const w = g.target[e]!;
      if (parent.has(w) || !through(w)) continue;
      parent.set(w, { v, r: g.ref[e]! });
      queue.push(w);
    }
  }
  return undefined;
}

/**
 * A cycle from `entry` through its fair component (the states `goal` numbers as it) that
 * meets every fairness requirement: each fair instance enabled in the component is taken, or
 * (weak fairness) a state where it is disabled is visited.
 */
function fairCycle(g: StateGraphCsr, entry: number, goal: Int32Array, fair: Uint8Array): number[] {
  const comp = new Set<number>();
  for (let v = 0; v < g.states; v++) if (goal[v] === goal[entry]) comp.add(v);
  const inComp = (w: number): boolean => comp.has(w);
  const refs: number[] = [];
  let at = entry;
  const seen = new Set<number>();
  for (const v of comp) for (let e = g.first[v]!; e < g.first[v + 1]!; e++) seen.add(g.ref[e]!);
  for (const r of [...seen].sort((a, b) => a - b)) {
    if (fair[r] === 0) continue;
    const everywhere = [...comp].every((v) => hasRef(g, v, r));
    // Weak fairness is met by a state where r is disabled; otherwise r must be taken.
    const meets = (v: number): boolean => (fair[r] === 1 && !everywhere && !hasRef(g, v, r)) || edgeInto(g, v, r, inComp) >= 0;
    const leg = path(g, [at], meets, inComp)!;
    refs.push(...leg.refs);
    at = leg.end;
    const e = edgeInto(g, at, r, inComp);
    if (!(fair[r] === 1 && !everywhere && !hasRef(g, at, r)) && e >= 0) {
      refs.push(r);
      at = g.target[e]!;
    }
  }
  // Back to the entry, taking at least one step.
  if (refs.length === 0) {
    const e = firstEdgeInto(g, at, inComp);
    refs.push(g.ref[e]!);
    at = g.target[e]!;
  }
  refs.push(...path(g, [at], (v) => v === entry, inComp)!.refs);
  return refs;
}

const hasRef = (g: StateGraphCsr, v: number, r: number): boolean => {
  for (let e = g.first[v]!; e < g.first[v + 1]!; e++) if (g.ref[e] === r) return true;
  return false;
};

function edgeInto(g: StateGraphCsr, v: number, r: number, into: (w: number) => boolean): number {
  for (let e = g.first[v]!; e < g.first[v + 1]!; e++) if (g.ref[e] === r && into(g.target[e]!)) return e;
  return -1;
}

function firstEdgeInto(g: StateGraphCsr, v: number, into: (w: number) => boolean): number {
  for (let e = g.first[v]!; e < g.first[v + 1]!; e++) if (into(g.target[e]!)) return e;
  return -1;
}
