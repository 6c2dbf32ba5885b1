// The visited set shared by search workers: 64-bit fingerprints in an open-addressing table
// in a SharedArrayBuffer. A slot is claimed by compare-and-swap on its high word; the low word
// is published right after, and a reader that finds a claimed slot with no low word yet spins
// the few instructions until it appears. Both words are kept nonzero, as 0 means "empty".

import { hashHi, hashLo } from '../fingerprint.js';
import { RecentFingerprints } from '../store.js';

export class SharedTable {
  readonly slots: Int32Array;
  readonly mask: number;
  /** counter[0]: entries stored (Atomics.add per new state). */
  readonly counter: Int32Array;
  /** Per worker (each builds its own SharedTable over the same buffers). */
  private readonly recent = new RecentFingerprints();

  constructor(
    readonly buffer: SharedArrayBuffer,
    counter: SharedArrayBuffer,
    private readonly words: number,
  ) {
    this.slots = new Int32Array(buffer);
    this.mask = (this.slots.length >>> 1) - 1;
    this.counter = new Int32Array(counter);
  }

  static create(capacity: number, words: number, counter = new SharedArrayBuffer(4)): SharedTable {
    return new SharedTable(new SharedArrayBuffer(capacity * 8), counter, words);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  get size(): number {
    return Atomics.load(this.counter, 0);
  }

  /** 1 when the state was new (and is now stored), 0 when it was there. */
  insert(w: Uint32Array, offset: number): number {
    let hi = hashHi(w, offset, this.words) | 0;
    let lo = hashLo(w, offset, this.words) | 0;
    if (hi === 0) hi = 1;
    if (lo === 0) lo = 1;
    return this.put(hi, lo);
  }

  has(w: Uint32Array, offset: number): boolean {
    let hi = hashHi(w, offset, this.words) | 0;
    let lo = hashLo(w, offset, this.words) | 0;
    if (hi === 0) hi = 1;
    if (lo === 0) lo = 1;
    const t = this.slots;
    for (let i = hi & this.mask; ; i = (i + 1) & this.mask) {
      const a = Atomics.load(t, 2 * i);
      if (a === 0) return false;
      if (a === hi) {
        let b: number;
        while ((b = Atomics.load(t, 2 * i + 1)) === 0);
        if (b === lo) return true;
      }
    }
  }

  put(hi: number, lo: number): number {
    if (this.recent.has(hi, lo)) return 0;
    const r = this.claim(hi, lo);
    this.recent.note(hi, lo);
    return r;
  }

  private claim(hi: number, lo: number): number {
    const t = this.slots;
    for (let i = hi & this.mask; ; i = (i + 1) & this.mask) {
      let a = Atomics.load(t, 2 * i);
      if (a === 0) {
        a = Atomics.compareExchange(t, 2 * i, 0, hi);
        if (a === 0) {
          Atomics.store(t, 2 * i + 1, lo);
          Atomics.add(this.counter, 0, 1);
          return 1;
        }
      }
      if (a === hi) {
        let b: number;
        while ((b = Atomics.load(t, 2 * i + 1)) === 0);
        if (b === lo) return 0;
      }
    }
  }

  /** A table of twice the capacity holding the same fingerprints (called while no worker runs). */
  grown(): SharedTable {
    const bigger = SharedTable.create(this.capacity * 2, this.words);
    const t = this.slots;
    for (let i = 0; i < t.length; i += 2) if (t[i] !== 0) bigger.put(t[i]!, t[i + 1]!);
    return bigger;
  }
}
