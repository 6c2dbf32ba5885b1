// Symmetry reduction: states that differ only by a permutation of interchangeable actors
// (e.g. CPUs 1..N-1) are stored once, as a canonical representative.
//
// The canonical form sorts the actors of each declared range by a signature: the raw values of
// every slot of every array indexed by that index set, plus one bit per `ref` int pointing at
// the actor. Actors with equal signatures are then truly interchangeable (swapping them
// changes no slot), so the sorted state is the same for every member of an orbit: the
// reduction is exact, not heuristic. Arrays indexed by the set are permuted together and
// `ref` ints are renamed.

import type { Domain, RecordDomain } from './domain.js';
import type { Layout } from './layout.js';
import type { Symmetry } from './model.js';

interface Group {
  from: number;
  size: number;
  /** Slots per actor: slot s of actor a is pos[a * perActor + s]. */
  perActor: number;
  pos: Int32Array;
  bits: Int32Array;
  /** Ref ints naming this index set: their positions and widths (values stored raw). */
  refPos: Int32Array;
  refBits: Int32Array;
  refMin: Int32Array;
  /** Signature layout: slot s adds value * keyMul[s] to key word keyWord[s] (30 bits a word). */
  keyWords: number;
  keyWord: Int32Array;
  keyMul: Float64Array;
}

/** Slot indices of each element of each array indexed by `index`, in layout order. */
function indexedSlots(schema: RecordDomain, index: string): { elements: number[][][]; refs: number[] } {
  const elements: number[][][] = [];
  const refs: number[] = [];
  let next = 0;
  const walk = (d: Domain, inIndexed: number[] | null): void => {
    if (d.kind === 'record') {
      for (const f of Object.values(d.fields as Record<string, Domain>)) walk(f, inIndexed);
    } else if (d.kind === 'array') {
      const mine = d.index === index && inIndexed === null;
      const perElement: number[][] = [];
      for (let i = 0; i < d.length; i++) {
        const slots: number[] = [];
        walk(d.of, mine ? slots : inIndexed);
        perElement.push(slots);
      }
      if (mine) elements.push(perElement);
    } else {
      if (d.kind === 'int' && d.ref === index) refs.push(next);
      if (inIndexed !== null) inIndexed.push(next);
      next++;
    }
  };
  walk(schema, null);
  return { elements, refs };
}

export class Canonicalizer {
  private readonly groups: Group[];
  private readonly keys: Float64Array;
  private readonly order: Int32Array;
  private readonly inverse: Int32Array;
  private readonly scratch: Int32Array;

  constructor(layout: Layout<RecordDomain>, symmetry: readonly Symmetry[]) {
    let maxActors = 1;
    let maxScratch = 1;
    let maxKeys = 1;
    // A range of fewer than two actors permutes nothing.
    this.groups = symmetry
      .filter((sym) => sym.to - sym.from >= 2)
      .map((sym) => {
        const { elements, refs } = indexedSlots(layout.schema, sym.index);
        const size = sym.to - sym.from;
        for (const arr of elements) {
          if (arr.length < sym.to) throw new RangeError(`symmetry ${sym.index}: an array indexed by it has ${arr.length} < ${sym.to} entries`);
        }
        const perActor = elements.reduce((n, arr) => n + arr[sym.from]!.length, 0);
        const pos = new Int32Array(size * perActor);
        const bits = new Int32Array(size * perActor);
        for (let a = 0; a < size; a++) {
          let k = 0;
          for (const arr of elements) {
            for (const slot of arr[sym.from + a]!) {
              pos[a * perActor + k] = layout.slots[slot]!.pos;
              bits[a * perActor + k] = layout.slots[slot]!.bits;
              k++;
            }
          }
        }
        // Pack the signature into key words of at most 30 bits (exact in a float64 compare).
        const keyWord = new Int32Array(perActor + refs.length);
        const keyMul = new Float64Array(perActor + refs.length);
        let word = 0;
        let used = 0;
        const widths = [...Array.from(bits.subarray(0, perActor)), ...refs.map(() => 1)];
        widths.forEach((w, s) => {
          if (used + w > 30) {
            word++;
            used = 0;
          }
          keyWord[s] = word;
          keyMul[s] = 2 ** used;
          used += w;
        });
        maxActors = Math.max(maxActors, size);
        maxScratch = Math.max(maxScratch, size * perActor);
        maxKeys = Math.max(maxKeys, size * (word + 1));
        return {
          from: sym.from,
          size,
          perActor,
          pos,
          bits,
          refPos: Int32Array.from(refs.map((r) => layout.slots[r]!.pos)),
          refBits: Int32Array.from(refs.map((r) => layout.slots[r]!.bits)),
          refMin: Int32Array.from(refs.map((r) => layout.slots[r]!.min)),
          keyWords: word + 1,
          keyWord,
          keyMul,
        };
      });
    this.keys = new Float64Array(maxKeys);
    this.order = new Int32Array(maxActors);
    this.inverse = new Int32Array(maxActors);
    this.scratch = new Int32Array(maxScratch);
  }

  /** Rewrites the state in `w` into its canonical representative, in place. */
  canon(w: Uint32Array): void {
    for (let gi = 0; gi < this.groups.length; gi++) this.canonGroup(w, this.groups[gi]!);
  }

  private canonGroup(w: Uint32Array, g: Group): void {
    const { size, perActor, pos, bits, keyWords, keyWord, keyMul } = g;
    const keys = this.keys;
    const scratch = this.scratch;
    // Signatures: each actor's slot values, packed into `keyWords` numbers per actor.
    keys.fill(0, 0, size * keyWords);
    for (let a = 0, k = 0; a < size; a++) {
      for (let s = 0; s < perActor; s++, k++) {
        const p = pos[k]!;
        const b = bits[k]!;
        const v = (w[p >>> 5]! >>> (p & 31)) & (b === 32 ? -1 : (1 << b) - 1);
        scratch[k] = v;
        keys[a * keyWords + keyWord[s]!]! += v * keyMul[s]!;
      }
    }
    for (let r = 0; r < g.refPos.length; r++) {
      const target = this.readRef(w, g, r) - g.from;
      if (target >= 0 && target < size) keys[target * keyWords + keyWord[perActor + r]!]! += keyMul[perActor + r]!;
    }
    // Insertion sort of actor indices by signature: few actors, and a successor of a canonical
    // state is usually sorted already but for the one actor that moved.
    const order = this.order;
    let sorted = true;
    for (let a = 0; a < size; a++) {
      let j = a;
      if (keyWords === 1) {
        const ka = keys[a]!;
        while (j > 0 && ka < keys[order[j - 1]!]!) {
          order[j] = order[j - 1]!;
          j--;
        }
      } else {
        while (j > 0 && this.less(keys, keyWords, a, order[j - 1]!)) {
          order[j] = order[j - 1]!;
          j--;
        }
      }
      order[j] = a;
      if (j !== a) sorted = false;
    }
    if (sorted) return;
    for (let j = 0; j < size; j++) {
      const src = order[j]!;
      this.inverse[src] = j;
      if (src === j) continue;
      for (let s = 0; s < perActor; s++) {
        const k = j * perActor + s;
        const p = pos[k]!;
        const b = bits[k]!;
        const m = b === 32 ? -1 : (1 << b) - 1;
        const i = p >>> 5;
        const sh = p & 31;
        w[i] = (w[i]! & ~(m << sh)) | ((scratch[src * perActor + s]! & m) << sh);
      }
    }
    for (let r = 0; r < g.refPos.length; r++) {
      const target = this.readRef(w, g, r) - g.from;
      if (target >= 0 && target < size) this.writeRef(w, g, r, this.inverse[target]! + g.from);
    }
  }

  private less(keys: Float64Array, n: number, a: number, b: number): boolean {
    for (let k = 0; k < n; k++) {
      const x = keys[a * n + k]!;
      const y = keys[b * n + k]!;
      if (x !== y) return x < y;
    }
    return false;
  }

  private readRef(w: Uint32Array, g: Group, r: number): number {
    const p = g.refPos[r]!;
    const b = g.refBits[r]!;
    return ((w[p >>> 5]! >>> (p & 31)) & (b === 32 ? -1 : (1 << b) - 1)) + g.refMin[r]!;
  }

  private writeRef(w: Uint32Array, g: Group, r: number, v: number): void {
    const p = g.refPos[r]!;
    const b = g.refBits[r]!;
    const m = b === 32 ? -1 : (1 << b) - 1;
    const i = p >>> 5;
    const sh = p & 31;
    w[i] = (w[i]! & ~(m << sh)) | (((v - g.refMin[r]!) & m) << sh);
  }
}
