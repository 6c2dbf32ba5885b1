// The visited set shared by search workers: 64-bit fingerprints in an open-addressing table
// in a SharedArrayBuffer. A slot is claimed by compare-and-swap on its high word; the low word
// is published right after, and a reader that finds a claimed slot with no low word yet spins
// the few instructions until it appears. Both words are kept nonzero, as 0 means "empty".
//
// Probes read with plain loads: a slot's words never change once written, so a plain load
// either sees the final value or 0, and a 0 is settled by the compare-and-swap. Each worker
// counts its own inserts in a counter of its own cache line, so workers never contend on a
// shared count.

import { Fingerprint } from '../fingerprint.js';
import { MAX_LOAD, RecentFingerprints } from '../store.js';

/** Int32 slots between two workers' counters: one 64-byte cache line each. */
const COUNTER_STRIDE = 16;
const MAX_CHUNK = 256;
const PAGE_WORDS = 4096 / 4;

/** When workers pause for the table to grow, and how many states they claim at a time. */
export interface Sizing {
  growAt: number;
  chunk: number;
}

export class SharedTable {
  readonly slots: Int32Array;
  readonly mask: number;
  /** Inserts per worker, at worker * COUNTER_STRIDE. */
  readonly counters: Int32Array;

  constructor(
    readonly buffer: SharedArrayBuffer,
    counters: SharedArrayBuffer,
    private readonly words: number,
    /** This worker's number; the coordinator, which stores the initial states, comes last. */
    private readonly worker: number,
    /** Per worker (each builds its own SharedTable over the same buffers), kept as the table grows. */
    readonly recent = new RecentFingerprints(),
  ) {
    this.slots = new Int32Array(buffer);
    this.mask = (this.slots.length >>> 1) - 1;
    this.counters = new Int32Array(counters);
    this.counter = worker * COUNTER_STRIDE;
  }

  private readonly counter: number;
  private readonly fp = new Fingerprint();

  /**
   * A table of `capacity` slots, every page of it already mapped: it writes one word per 4 KiB
   * page here, on one thread, while the workers start. Otherwise the workers take these page
   * faults at random slots during the search, where they cost far more (the bench's parallel
   * section shows it). A grown table needs no such pass: the copy writes every page.
   */
  static create(capacity: number, words: number, workers: number): SharedTable {
    const t = new SharedTable(new SharedArrayBuffer(capacity * 8), new SharedArrayBuffer(4 * COUNTER_STRIDE * (workers + 1)), words, workers);
    for (let i = 0; i < t.slots.length; i += PAGE_WORDS) t.slots[i] = 0;
    return t;
  }

  /**
   * The table of a checkpoint or of a one-thread search handed over (fingerprint pairs by slot,
   * as the sequential store keeps them too), holding `size` fingerprints, counted as the
   * coordinator's inserts. A table of at least `capacity` slots in shared memory is taken as
   * it is; any other is copied into one of that size, as a fresh search would start with.
   */
  static resumed(slots: Uint32Array, size: number, words: number, workers: number, capacity: number): SharedTable {
    let t: SharedTable;
    if (slots.buffer instanceof SharedArrayBuffer && slots.length >= 2 * capacity)
      t = new SharedTable(slots.buffer, new SharedArrayBuffer(4 * COUNTER_STRIDE * (workers + 1)), words, workers);
    else {
      t = SharedTable.create(Math.max(capacity, slots.length >>> 1), words, workers);
      t.fill(slots);
    }
    t.counters[t.counter] = size;
    return t;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /**
   * Workers look at the table's size only between chunks, so past `growAt` the others may each
   * finish a chunk: at most workers * chunk * branching more fingerprints (a state has at most
   * one successor per action instance). The chunk is sized so that these always fit with a slot
   * to spare (a probe stops only at an empty slot); null when not even one state per chunk
   * fits, and the table must grow first.
   */
  sizing(workers: number, branching: number): Sizing | null {
    const growAt = Math.floor(this.capacity * MAX_LOAD);
    const chunk = Math.min(MAX_CHUNK, Math.floor((this.capacity - 1 - growAt) / (workers * branching)));
    return chunk >= 1 ? { growAt, chunk } : null;
  }

  /** Fingerprints stored, summed over the workers' counters. */
  get size(): number {
    let n = 0;
    for (let i = 0; i < this.counters.length; i += COUNTER_STRIDE) n += Atomics.load(this.counters, i);
    return n;
  }

  /** 1 when the state was new (and is now stored), 0 when it was there. */
  insert(w: Uint32Array, offset: number): number {
    // The cache takes the lanes unsigned, as hashed, and not both 0 (its empty entries); the
    // table holds them signed and nonzero.
    const fp = this.fp;
    fp.of(w, offset, this.words);
    const hi = fp.hi;
    const lo = fp.lo || 1;
    if (this.recent.has(hi, lo)) return 0;
    const r = this.claim(hi | 0 || 1, lo | 0);
    this.recent.note(hi, lo);
    if (r === 1) this.counters[this.counter]!++;
    return r;
  }

  has(w: Uint32Array, offset: number): boolean {
    this.fp.of(w, offset, this.words);
    const hi = this.fp.hi | 0 || 1;
    const lo = this.fp.lo | 0 || 1;
    const t = this.slots;
    for (let i = hi & this.mask; ; i = (i + 1) & this.mask) {
      const a = t[2 * i]!;
      if (a === 0) return false;
      if (a === hi && this.lowWord(i) === lo) return true;
    }
  }

  private lowWord(i: number): number {
    let b = this.slots[2 * i + 1]!;
    while (b === 0) b = Atomics.load(this.slots, 2 * i + 1);
    return b;
  }

  private claim(hi: number, lo: number): number {
    const t = this.slots;
    for (let i = hi & this.mask; ; i = (i + 1) & this.mask) {
      let a = t[2 * i]!;
      if (a === 0) {
        a = Atomics.compareExchange(t, 2 * i, 0, hi);
        if (a === 0) {
          Atomics.store(t, 2 * i + 1, lo);
          return 1;
        }
      }
      if (a === hi && this.lowWord(i) === lo) return 0;
    }
  }

  /**
   * A table of twice the capacity holding the same fingerprints. Called while no worker runs,
   * so it writes with plain stores (a compare-and-swap and an atomic store cost about 60 ns
   * more per slot; copying in parallel with them was slower than this loop).
   */
  grown(): SharedTable {
    const bigger = new SharedTable(new SharedArrayBuffer(this.buffer.byteLength * 2), this.counters.buffer as SharedArrayBuffer, this.words, this.worker);
    bigger.fill(this.slots);
    return bigger;
  }

  /** Stores the fingerprints of `from` (pairs by slot) into this empty, larger table. */
  private fill(from: Int32Array | Uint32Array): void {
    const b = this.slots;
    const mask = this.mask;
    for (let i = 0; i < from.length; i += 2) {
      const hi = from[i]! | 0;
      if (hi === 0) continue;
      let j = hi & mask;
      while (b[2 * j] !== 0) j = (j + 1) & mask;
      b[2 * j] = hi;
      b[2 * j + 1] = from[i + 1]!;
    }
  }
}
