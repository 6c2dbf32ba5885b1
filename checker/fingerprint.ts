// 64-bit fingerprints of packed states: two 32-bit MurmurHash3 lanes with different seeds.
// Computed straight from the words, so no state is ever turned into a string.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function murmur(words: Uint32Array, offset: number, n: number, seed: number): number {
  let h = seed;
  for (let i = 0; i < n; i++) {
    let k = Math.imul(words[offset + i]!, C1);
    k = Math.imul((k << 15) | (k >>> 17), C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix(h ^ n);
}

/** Lane 1 of the fingerprint of `words[offset .. offset+n)`; also picks the hash-table slot. */
export const hashHi = (words: Uint32Array, offset: number, n: number): number => murmur(words, offset, n, 0x9747b28c);

/** Lane 2: the same mixing with another seed, so the pair behaves as one 64-bit hash. */
export const hashLo = (words: Uint32Array, offset: number, n: number): number => murmur(words, offset, n, 0x3c6ef372);

/**
 * Probability that a run which stored `n` distinct fingerprints merged two distinct states
 * (TLC's optimistic estimate, n^2 / 2^65 for 64-bit fingerprints).
 */
export function collisionProbability(n: number): number {
  return Math.min(1, (n * n) / 2 ** 65);
}
