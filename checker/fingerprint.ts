// 64-bit fingerprints of packed states: two 32-bit MurmurHash3 lanes with different seeds.
// Computed straight from the words, so no state is ever turned into a string.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const SEED_HI = 0x9747b28c;
const SEED_LO = 0x3c6ef372;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A word as MurmurHash3 mixes it before it enters a lane: the same for every seed. */
function mixWord(w: number): number {
  const k = Math.imul(w, C1);
  return Math.imul((k << 15) | (k >>> 17), C2);
}

/** A lane after taking in mixed word `k`. */
function step(h: number, k: number): number {
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function murmur(words: Uint32Array, offset: number, n: number, seed: number): number {
  let h = seed;
  for (let i = 0; i < n; i++) h = step(h, mixWord(words[offset + i]!));
  return fmix(h ^ n);
}

/**
 * Both lanes of a state's fingerprint in one pass over its words, as `hi` (hashHi) and `lo`
 * (hashLo): a word's mixing does not depend on the seed, so the lanes share it. The stores'
 * hot path; one instance per store, so nothing is allocated per state.
 */
export class Fingerprint {
  hi = 0;
  lo = 0;

  of(words: Uint32Array, offset: number, n: number): void {
    let h = SEED_HI;
    let l = SEED_LO;
    for (let i = 0; i < n; i++) {
      const k = mixWord(words[offset + i]!);
      h = step(h, k);
      l = step(l, k);
    }
    this.hi = fmix(h ^ n);
    this.lo = fmix(l ^ n);
  }
}

/** Lane 1 of the fingerprint of `words[offset .. offset+n)`; also picks the hash-table slot. */
export const hashHi = (words: Uint32Array, offset: number, n: number): number => murmur(words, offset, n, SEED_HI);

/** Lane 2: the same mixing with another seed, so the pair behaves as one 64-bit hash. */
export const hashLo = (words: Uint32Array, offset: number, n: number): number => murmur(words, offset, n, SEED_LO);

/**
 * Probability that a run which stored `n` distinct fingerprints merged two distinct states
 * (TLC's optimistic estimate, n^2 / 2^65 for 64-bit fingerprints).
 */
export function collisionProbability(n: number): number {
  return Math.min(1, (n * n) / 2 ** 65);
}
