// The memory budget of a search (`--memory`): every array that grows with the states explored
// (the visited store, the frontier, parent links, the workers' frontier segments) takes its
// bytes from one budget before it is allocated and gives them back once the array it replaces
// is dropped, so a growth counts the old and the new array together, as the process holds
// them both while copying. What the budget refused stops the search as `incomplete`.
//
// The count is in KiB in an Int32Array, shared with the search workers when the search has
// them, so that every thread draws on the same budget.

import { totalmem } from 'node:os';

/** Default memory budget: half of the machine's RAM. */
export const defaultMemory = (): number => Math.floor(totalmem() / 2);

const USED = 0;
const PEAK = 1;
const kib = (bytes: number): number => Math.ceil(bytes / 1024);

export class MemoryBudget {
  /** Bytes the budget allows. */
  readonly limit: number;
  private readonly limitKib: number;

  constructor(
    limit: number,
    /** [KiB in use, the most ever in use]; a SharedArrayBuffer's when workers share it. */
    readonly counts: Int32Array = new Int32Array(2),
  ) {
    this.limit = limit;
    this.limitKib = Math.floor(limit / 1024);
  }

  /** A budget without limit, for arrays that are not bounded (a store or links outside a search). */
  static unbounded(): MemoryBudget {
    return new MemoryBudget(Infinity);
  }

  /** A budget the search workers can share (they rebuild it over `counts.buffer`). */
  static shared(limit: number): MemoryBudget {
    return new MemoryBudget(limit, new Int32Array(new SharedArrayBuffer(8)));
  }

  /** Reserves `bytes`; false, reserving nothing, when that would go over the budget. */
  take(bytes: number): boolean {
    const n = kib(bytes);
    const c = this.counts;
    for (;;) {
      const used = Atomics.load(c, USED);
      if (used + n > this.limitKib) return false;
      if (Atomics.compareExchange(c, USED, used, used + n) !== used) continue;
      this.raisePeak(used + n);
      return true;
    }
  }

  /** Reserves `bytes` even over the budget: a search's first arrays, which it cannot start without. */
  force(bytes: number): void {
    this.raisePeak(Atomics.add(this.counts, USED, kib(bytes)) + kib(bytes));
  }

  private raisePeak(used: number): void {
    const c = this.counts;
    for (let peak = Atomics.load(c, PEAK); peak < used; peak = Atomics.load(c, PEAK)) {
      if (Atomics.compareExchange(c, PEAK, peak, used) === peak) return;
    }
  }

  /** Gives back what `take(bytes)` reserved. */
  give(bytes: number): void {
    Atomics.sub(this.counts, USED, kib(bytes));
  }

  /** Bytes in use now. */
  get used(): number {
    return Atomics.load(this.counts, USED) * 1024;
  }

  /** The most bytes ever in use at once. */
  get peak(): number {
    return Atomics.load(this.counts, PEAK) * 1024;
  }
}
