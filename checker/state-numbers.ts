// Numbering the states of the liveness graph (liveness.ts) in the order they are found. Two
// ways, one interface: by the fingerprint table the safety search has just filled (it holds
// every reachable state already, so the graph needs no table of its own), or, where there is
// none to borrow (an exact or symmetry-reduced search, a caller without one), by a table of
// their own.

import { Fingerprint } from './fingerprint.js';
import { popcount } from './bits.js';

export interface StateNumbering {
  /** The number of the state in `words`, a new one when it is new (then `added` is true). */
  number(words: Uint32Array): number;
  readonly added: boolean;
  readonly size: number;
  /** The bytes it holds beyond what it borrows. */
  readonly bytes: number;
}

const internal = (): Error => new Error('internal: the liveness graph has more states than the safety search counted');

/** Filled slots at most this share of an own table (linear probing stays short). */
const LOAD = 0.9;

/**
 * Numbers states by their 64-bit fingerprint, in a table of its own. A slot is one 32-bit
 * word: the state's number plus one in the low bits, and in the bits a number does not need,
 * a tag from the fingerprint, so that a probe reads the fingerprint (kept per number) only
 * when the tag matches. Sized once for `capacity` states.
 */
export class StateNumbers implements StateNumbering {
  size = 0;
  added = false;
  private readonly slots: Uint32Array;
  /** Per number: the fingerprint's two halves. */
  private readonly fp: Uint32Array;
  private readonly idMask: number;
  private readonly tagMask: number;
  private readonly lanes = new Fingerprint();

  constructor(
    private readonly words: number,
    private readonly capacity: number,
  ) {
    this.slots = new Uint32Array(StateNumbers.slotsFor(capacity));
    this.fp = new Uint32Array(2 * capacity);
    const idBits = Math.ceil(Math.log2(capacity + 1));
    this.idMask = 2 ** idBits - 1;
    this.tagMask = (0xffffffff - this.idMask) >>> 0;
  }

  static slotsFor(capacity: number): number {
    return Math.max(2, Math.ceil(capacity / LOAD));
  }

  /** What a table for `capacity` states holds. */
  static bytesFor(capacity: number): number {
    return 4 * StateNumbers.slotsFor(capacity) + 8 * capacity;
  }

  get bytes(): number {
    return this.slots.byteLength + this.fp.byteLength;
  }

  number(words: Uint32Array): number {
    this.lanes.of(words, 0, this.words);
    const hi = this.lanes.hi || 1;
    const lo = this.lanes.lo || 1;
    const { slots, fp, idMask, tagMask } = this;
    const tag = (lo & tagMask) >>> 0;
    const n = slots.length;
    for (let i = Math.floor((hi * n) / 2 ** 32); ; i = i + 1 === n ? 0 : i + 1) {
      const s = slots[i]!;
      if (s === 0) {
        const id = this.size++;
        if (id === this.capacity) throw internal();
        slots[i] = (tag | (id + 1)) >>> 0;
        fp[2 * id] = hi;
        fp[2 * id + 1] = lo;
        this.added = true;
        return id;
      }
      if ((s & tagMask) >>> 0 !== tag) continue;
      const id = ((s & idMask) >>> 0) - 1;
      if (fp[2 * id] === hi && fp[2 * id + 1] === lo) {
        this.added = false;
        return id;
      }
    }
  }
}

/**
 * Numbers states through the safety search's fingerprint table (pairs by slot, (0, 0) empty,
 * a power of two of slots, home slot `hi & mask`: store.ts and the parallel shared table keep
 * it alike). A state's place in the table is its slot's rank among the filled slots, found
 * from a bitmap of filled slots and a count per 32 of them; a number is given on first sight
 * and kept per rank.
 */
export class VisitedNumbers implements StateNumbering {
  size = 0;
  added = false;
  private readonly mask: number;
  /** Per 32 slots: which are filled, and how many filled slots come before them. */
  private readonly filled: Uint32Array;
  private readonly before: Uint32Array;
  /** Per rank: the state's number plus one, 0 while it has none. */
  private readonly numberOf: Uint32Array;
  private readonly lanes = new Fingerprint();

  constructor(
    private readonly words: number,
    private readonly table: Uint32Array,
  ) {
    const slots = table.length >>> 1;
    this.mask = slots - 1;
    this.filled = new Uint32Array(Math.ceil(slots / 32));
    this.before = new Uint32Array(this.filled.length);
    let count = 0;
    for (let b = 0; b < this.filled.length; b++) {
      this.before[b] = count;
      let bits = 0;
      for (let k = 0; k < 32 && 32 * b + k < slots; k++) if (table[2 * (32 * b + k)] !== 0) bits |= 1 << k;
      this.filled[b] = bits >>> 0;
      count += popcount(bits);
    }
    this.numberOf = new Uint32Array(count);
  }

  /** What numbering `states` through a table of `slots` slots holds. */
  static bytesFor(states: number, slots: number): number {
    return 8 * Math.ceil(slots / 32) + 4 * states;
  }

  get bytes(): number {
    return this.filled.byteLength + this.before.byteLength + this.numberOf.byteLength;
  }

  number(words: Uint32Array): number {
    this.lanes.of(words, 0, this.words);
    const hi = this.lanes.hi || 1;
    const lo = this.lanes.lo || 1;
    const t = this.table;
    let i = hi & this.mask;
    while (t[2 * i] !== hi || t[2 * i + 1] !== lo) {
      if (t[2 * i] === 0) throw new Error('internal: a state the safety search did not store');
      i = (i + 1) & this.mask;
    }
    const b = i >>> 5;
    const rank = this.before[b]! + popcount(this.filled[b]! & ((1 << (i & 31)) - 1));
    const known = this.numberOf[rank]!;
    this.added = known === 0;
    if (known !== 0) return known - 1;
    if (this.size === this.numberOf.length) throw internal();
    this.numberOf[rank] = ++this.size;
    return this.size - 1;
  }
}
