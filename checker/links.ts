// How each stored state was first reached: its parent's number and the action instance taken.
// A trace is rebuilt from these by replaying the actions from the initial state (Stateright),
// so no state is kept for the sake of traces.

import { MemoryBudget } from './memory.js';

export class ParentLinks {
  size = 0;
  private parent = new Int32Array(1 << 16);
  private via: Uint16Array | Uint32Array;

  constructor(
    instances: number,
    private readonly budget = MemoryBudget.unbounded(),
  ) {
    this.via = instances <= 0x10000 ? new Uint16Array(1 << 16) : new Uint32Array(1 << 16);
    budget.force(this.bytes);
  }

  /**
   * Adds a state reached from `parent` (or, when parent < 0, initial state number -parent-1);
   * false when the memory budget cannot hold it.
   */
  add(parent: number, via: number): boolean {
    if (this.size === this.parent.length) {
      const before = this.bytes;
      if (!this.budget.take(before * 2)) return false;
      const p = new Int32Array(this.size * 2);
      p.set(this.parent);
      this.parent = p;
      const v = this.via instanceof Uint16Array ? new Uint16Array(this.size * 2) : new Uint32Array(this.size * 2);
      v.set(this.via);
      this.via = v;
      this.budget.give(before);
    }
    this.parent[this.size] = parent;
    this.via[this.size++] = via;
    return true;
  }

  static root(initIndex: number): number {
    return -1 - initIndex;
  }

  get bytes(): number {
    return this.parent.byteLength + this.via.byteLength;
  }

  /** The initial state's index and the action instances leading from it to state `id`. */
  pathTo(id: number): { init: number; steps: number[] } {
    const steps: number[] = [];
    let cur = id;
    for (;;) {
      const p = this.parent[cur]!;
      if (p < 0) return { init: -1 - p, steps: steps.reverse() };
      steps.push(this.via[cur]!);
      cur = p;
    }
  }
}
