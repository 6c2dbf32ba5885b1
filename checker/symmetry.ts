// Symmetry reduction: states that differ only by a permutation of interchangeable actors
// (e.g. CPUs 1..N-1) are stored once, as a canonical representative.
//
// The canonical form sorts the actors of each declared range by a signature: the raw bits of
// the actor's element of every array indexed by that index set, plus one bit per `ref` int
// pointing at the actor. Actors with equal signatures are then truly interchangeable (swapping them
// changes no slot), so the sorted state is the same for every member of an orbit: the
// reduction is exact, not heuristic. Arrays indexed by the set are permuted together and
// `ref` ints are renamed.
//
// An element is read and moved as whole chunks (the bits from its first slot to its last, split
// at word boundaries), not slot by slot: an element owns its bit range, and the bits in it no
// slot uses stay zero, so moving them moves nothing.

import type { Domain, RecordDomain } from './domain.js';
import type { Layout } from './layout.js';
import type { Symmetry } from './model.js';

interface Group {
  from: number;
  size: number;
  /** Chunks per actor: chunk s of actor a starts at bit pos[a * perActor + s] and has mask mask[...]. */
  perActor: number;
  pos: Int32Array;
  mask: Int32Array;
  /** Ref ints naming this index set: their positions and widths (values stored raw). */
  refPos: Int32Array;
  refBits: Int32Array;
  refMin: Int32Array;
  /** Signature layout: chunk s adds value * keyMul[s] to key word keyWord[s] (at most 52 bits a word, exact in a float64). */
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

/**
 * The chunks of one element, from its slots: [start bit, width] of the bit range from its first
 * slot to the end of its last, split at word boundaries (no slot straddles one).
 */
function chunksOf(layout: Layout<RecordDomain>, slots: readonly number[]): [number, number][] {
  if (slots.length === 0) return [];
  const lo = Math.min(...slots.map((s) => layout.slots[s]!.pos));
  const hi = Math.max(...slots.map((s) => layout.slots[s]!.pos + layout.slots[s]!.bits));
  const out: [number, number][] = [];
  for (let p = lo; p < hi; p = (p >>> 5) * 32 + 32) out.push([p, Math.min(hi, (p >>> 5) * 32 + 32) - p]);
  return out;
}

export class Canonicalizer {
  private readonly groups: readonly Group[];
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
        const chunks = Array.from({ length: size }, (_, a) => elements.flatMap((arr) => chunksOf(layout, arr[sym.from + a]!)));
        const perActor = chunks[0]!.length;
        const pos = new Int32Array(size * perActor);
        const mask = new Int32Array(size * perActor);
        chunks.forEach((cs, a) =>
          cs.forEach(([p, b], k) => {
            pos[a * perActor + k] = p;
            mask[a * perActor + k] = b === 32 ? -1 : (1 << b) - 1;
          }),
        );
        const keyWord = new Int32Array(perActor + refs.length);
        const keyMul = new Float64Array(perActor + refs.length);
        let word = 0;
        let used = 0;
        const widths = [...chunks[0]!.map(([, b]) => b), ...refs.map(() => 1)];
        widths.forEach((w, s) => {
          if (used + w > 52) {
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
          mask,
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
    // Generated once per model from the groups' positions alone (no user text), so every bit
    // position, mask and multiplier is a constant: it runs once per successor.
    this.canon = new Function('keys', 'order', 'inverse', 'scratch', `return function canon(w) { let t = 0; ${this.groups.map(groupSource).join('\n')} }`)(
      this.keys,
      this.order,
      this.inverse,
      this.scratch,
    ) as (w: Uint32Array) => void;
  }

  /** Rewrites the state in `w` into its canonical representative, in place. */
  readonly canon: (w: Uint32Array) => void;
}

const read = (p: number, mask: number): string => `((w[${p >>> 5}] >>> ${p & 31}) & ${mask})`;
const maskOf = (bits: number): number => (bits === 32 ? -1 : (1 << bits) - 1);
function write(p: number, mask: number, v: string): string {
  const i = p >>> 5;
  const sh = p & 31;
  return `w[${i}] = (w[${i}] & ${~(mask << sh)}) | ((${v} & ${mask}) << ${sh});`;
}

/**
 * One group's canonicalisation as straight-line code: read every actor's chunks into `scratch`
 * and its signature into `keys`, add the ref bits, insertion-sort the actors by signature (few
 * actors, and a successor of a canonical state is usually sorted already but for the one actor
 * that moved), and if the order changed, write the chunks back permuted and rename the refs.
 */
function groupSource(g: Group): string {
  const { size: N, perActor: P, keyWords: K, from } = g;
  const src: string[] = ['{'];
  for (let a = 0; a < N; a++) {
    const terms: string[][] = Array.from({ length: K }, () => []);
    for (let s = 0; s < P; s++) {
      const k = a * P + s;
      src.push(`scratch[${k}] = ${read(g.pos[k]!, g.mask[k]!)};`);
      terms[g.keyWord[s]!]!.push(`(scratch[${k}] >>> 0) * ${g.keyMul[s]}`);
    }
    terms.forEach((ts, kw) => src.push(`keys[${a * K + kw}] = ${ts.length === 0 ? '0' : ts.join(' + ')};`));
  }
  const ref = (r: number): string => `${read(g.refPos[r]!, maskOf(g.refBits[r]!))} + ${g.refMin[r]! - from}`;
  for (let r = 0; r < g.refPos.length; r++) {
    src.push(`t = ${ref(r)}; if (t >= 0 && t < ${N}) keys[t * ${K} + ${g.keyWord[P + r]}] += ${g.keyMul[P + r]};`);
  }
  const less = (a: string, b: string): string => {
    // lexicographic on the key words: a < b at the first word where they differ
    let e = 'false';
    for (let kw = K - 1; kw >= 0; kw--)
      e = `(keys[${a} * ${K} + ${kw}] < keys[${b} * ${K} + ${kw}] || (keys[${a} * ${K} + ${kw}] === keys[${b} * ${K} + ${kw}] && ${e}))`;
    return e;
  };
  src.push(`let sorted = true;
    for (let a = 0; a < ${N}; a++) {
      let j = a;
      while (j > 0 && ${less('a', 'order[j - 1]')}) { order[j] = order[j - 1]; j--; }
      order[j] = a;
      if (j !== a) sorted = false;
    }
    if (!sorted) {`);
  for (let j = 0; j < N; j++) {
    src.push(`t = order[${j}]; inverse[t] = ${j}; if (t !== ${j}) { t *= ${P};`);
    for (let s = 0; s < P; s++) src.push(write(g.pos[j * P + s]!, g.mask[j * P + s]!, `scratch[t + ${s}]`));
    src.push('}');
  }
  for (let r = 0; r < g.refPos.length; r++) {
    const m = maskOf(g.refBits[r]!);
    src.push(`t = ${ref(r)}; if (t >= 0 && t < ${N}) { t = inverse[t] + ${from - g.refMin[r]!}; ${write(g.refPos[r]!, m, 't')} }`);
  }
  src.push('} }');
  return src.join('\n');
}
