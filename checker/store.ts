// Visited-state stores. Both answer one question in the hot loop, "was this state seen before?",
// and both live in typed arrays that grow by doubling: no object per state.

import type { SearchSnapshot } from './checkpoint.js';
import { Fingerprint, hashHi } from './fingerprint.js';
import { MemoryBudget } from './memory.js';

export interface VisitedStore {
  /**
   * Records the state at `words[offset ..]`: 1 when it is new, 0 when it was there before, -1
   * when storing it would take the store over its memory budget (it is then not stored).
   */
  insert(words: Uint32Array, offset: number): number;
  /** Whether the state is stored, without storing it. */
  has(words: Uint32Array, offset: number): boolean;
  readonly size: number;
  /** Bytes the store holds (its typed arrays), for the bytes-per-state figure. */
  readonly bytes: number;
  /** True when distinct states may have been merged (fingerprints), false when exact. */
  readonly lossy: boolean;
  /** What a checkpoint keeps of the store (views, not copies). */
  readonly contents: SearchSnapshot['store'];
}

/**
 * The share of a fingerprint table's slots filled before it doubles, one and the same for the
 * sequential and the shared table, so that a memory budget admits as many states to either.
 */
export const MAX_LOAD = 0.75;

/**
 * A cache of recently stored or found fingerprints, in front of a table. Most duplicate
 * successors were seen moments before (the two orders of a commuting pair of steps), so most
 * lookups end in this cache, which stays in L2, instead of a random line of a table far larger
 * than the caches. It holds only fingerprints the table has, so a hit is exact.
 *
 * Four ways a set, newest first, a set in half a cache line, 2^16 entries (512 KiB): it leaves
 * fewer lookups to the table than a direct-mapped cache of as many entries. Lanes are unsigned, as
 * hashHi and hashLo return them (a signed lane would never match), and never both 0 (that is
 * an empty entry).
 */
const RECENT_SETS_BITS = 14;
const RECENT_SET_MASK = (1 << RECENT_SETS_BITS) - 1;

export class RecentFingerprints {
  static readonly BYTES = 32 << RECENT_SETS_BITS;
  private readonly slots = new Uint32Array(8 << RECENT_SETS_BITS);

  has(hi: number, lo: number): boolean {
    const t = this.slots;
    const c = (lo & RECENT_SET_MASK) << 3;
    return (
      (t[c + 1] === lo && t[c] === hi) || (t[c + 3] === lo && t[c + 2] === hi) || (t[c + 5] === lo && t[c + 4] === hi) || (t[c + 7] === lo && t[c + 6] === hi)
    );
  }

  /** Makes the fingerprint the set's newest, dropping its oldest. */
  note(hi: number, lo: number): void {
    const t = this.slots;
    const c = (lo & RECENT_SET_MASK) << 3;
    t[c + 6] = t[c + 4]!;
    t[c + 7] = t[c + 5]!;
    t[c + 4] = t[c + 2]!;
    t[c + 5] = t[c + 3]!;
    t[c + 2] = t[c]!;
    t[c + 3] = t[c + 1]!;
    t[c] = hi;
    t[c + 1] = lo;
  }
}

/**
 * 64-bit fingerprints in an open-addressing table with linear probing (TLC's FPSet). Each lane
 * is kept nonzero (a slot whose first word is 0 is empty), as in the shared table of the
 * parallel search, so that either search can continue from the other's table (checkpoint.ts).
 */
export class FingerprintStore implements VisitedStore {
  readonly lossy = true;
  size = 0;
  private table: Uint32Array;
  private mask: number;
  private growAt: number;
  private readonly recent = new RecentFingerprints();
  private readonly fp = new Fingerprint();

  constructor(
    private readonly words: number,
    private readonly budget = MemoryBudget.unbounded(),
    capacity = 1 << 16,
    /** A table to continue from (a checkpoint's), holding `size` fingerprints; its bytes are taken from the budget. */
    from?: { table: Uint32Array; size: number },
  ) {
    this.table = from?.table ?? new Uint32Array(2 * capacity);
    // The first table is within any budget of at least 1M (the smallest --memory takes).
    budget.force(this.table.byteLength);
    this.size = from?.size ?? 0;
    this.mask = (this.table.length >>> 1) - 1;
    this.growAt = Math.floor((this.mask + 1) * MAX_LOAD);
  }

  get bytes(): number {
    return this.table.byteLength + RecentFingerprints.BYTES;
  }

  /** The table itself: fingerprint pairs by slot, (0, 0) when empty. */
  get contents(): SearchSnapshot['store'] {
    return { kind: 'fingerprints', words: this.table, size: this.size };
  }

  insert(words: Uint32Array, offset: number): number {
    const fp = this.fp;
    fp.of(words, offset, this.words);
    const hi = fp.hi || 1;
    const lo = fp.lo || 1;
    if (this.recent.has(hi, lo)) return 0;
    if (this.size >= this.growAt && !this.grow()) return this.hasFp(hi, lo) ? 0 : -1;
    const added = this.put(hi, lo);
    this.recent.note(hi, lo);
    return added ? 1 : 0;
  }

  has(words: Uint32Array, offset: number): boolean {
    this.fp.of(words, offset, this.words);
    return this.hasFp(this.fp.hi || 1, this.fp.lo || 1);
  }

  private hasFp(hi: number, lo: number): boolean {
    const t = this.table;
    for (let i = hi & this.mask; ; i = (i + 1) & this.mask) {
      const a = t[2 * i]!;
      if (a === hi && t[2 * i + 1] === lo) return true;
      if (a === 0) return false;
    }
  }

  private put(hi: number, lo: number): boolean {
    const t = this.table;
    let i = hi & this.mask;
    for (;;) {
      const a = t[2 * i]!;
      if (a === 0) {
        t[2 * i] = hi;
        t[2 * i + 1] = lo;
        this.size++;
        return true;
      }
      if (a === hi && t[2 * i + 1] === lo) return false;
      i = (i + 1) & this.mask;
    }
  }

  /** Doubles the table; false when the budget cannot hold the old and the new one together. */
  private grow(): boolean {
    const old = this.table;
    if (!this.budget.take(old.byteLength * 2)) return false;
    this.table = new Uint32Array(old.length * 2);
    this.mask = old.length - 1;
    this.growAt = Math.floor((this.mask + 1) * MAX_LOAD);
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0) this.put(old[i]!, old[i + 1]!);
    }
    this.budget.give(old.byteLength);
    return true;
  }
}

/** Full states in an arena, with a hash table of state numbers: no collisions, more memory. */
export class ExactStore implements VisitedStore {
  readonly lossy = false;
  size = 0;
  private arena: Uint32Array;
  private table: Int32Array; // state number + 1; 0 = empty
  private mask: number;

  constructor(
    private readonly words: number,
    private readonly budget = MemoryBudget.unbounded(),
    capacity = 1 << 12,
    /** States to continue from (a checkpoint's): `size` of them, packed, from word 0. */
    from?: { arena: Uint32Array; size: number },
  ) {
    while (from !== undefined && capacity * 2 * MAX_LOAD < from.size + 1) capacity *= 2;
    this.arena = from?.arena ?? new Uint32Array(capacity * words);
    this.table = new Int32Array(capacity * 2);
    this.mask = capacity * 2 - 1;
    budget.force(this.bytes);
    if (from !== undefined) {
      this.size = from.size;
      this.rehash(this.table.length);
    }
  }

  get bytes(): number {
    return this.arena.byteLength + this.table.byteLength;
  }

  /** The stored states, packed in insertion order. */
  get contents(): SearchSnapshot['store'] {
    return { kind: 'exact', words: this.arena.subarray(0, this.size * this.words), size: this.size };
  }

  /** The table slot holding the state, or the empty slot where it would go (as -1 - slot). */
  private find(words: Uint32Array, offset: number): number {
    const w = this.words;
    for (let i = hashHi(words, offset, w) & this.mask; ; i = (i + 1) & this.mask) {
      const e = this.table[i]!;
      if (e === 0) return -1 - i;
      const base = (e - 1) * w;
      let same = true;
      for (let k = 0; k < w && same; k++) same = this.arena[base + k] === words[offset + k];
      if (same) return i;
    }
  }

  has(words: Uint32Array, offset: number): boolean {
    return this.find(words, offset) >= 0;
  }

  insert(words: Uint32Array, offset: number): number {
    const w = this.words;
    const f = this.find(words, offset);
    if (f >= 0) return 0;
    const i = -1 - f;
    const full = (this.size + 1) * w > this.arena.length;
    const rehash = this.size + 1 > (this.mask + 1) * MAX_LOAD;
    const more = (full ? this.arena.byteLength * 2 : 0) + (rehash ? this.table.byteLength * 2 : 0);
    if (more > 0 && !this.budget.take(more)) return -1;
    if (full) {
      const a = new Uint32Array(this.arena.length * 2);
      a.set(this.arena);
      this.budget.give(this.arena.byteLength);
      this.arena = a;
    }
    const at = this.size * w;
    for (let k = 0; k < w; k++) this.arena[at + k] = words[offset + k]!;
    this.table[i] = ++this.size;
    if (rehash) {
      this.budget.give(this.table.byteLength);
      this.rehash(this.table.length * 2);
    }
    return 1;
  }

  private rehash(slots: number): void {
    this.table = new Int32Array(slots);
    this.mask = this.table.length - 1;
    for (let id = 0; id < this.size; id++) {
      let i = hashHi(this.arena, id * this.words, this.words) & this.mask;
      while (this.table[i] !== 0) i = (i + 1) & this.mask;
      this.table[i] = id + 1;
    }
  }
}
