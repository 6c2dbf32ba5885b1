// `ci --shard i/N` (the Playwright and Jest convention, i from 1): the selected configurations
// split deterministically into N shards whose union is the whole selection, each configuration
// in exactly one. No per-configuration cost is recorded yet, so shards balance the number of
// configurations: round-robin in declaration order, which also spreads each spec's
// configurations (of like cost) over the shards rather than giving one shard a whole spec.

import { UsageError } from '../exit.js';

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** `--shard i/N`: positive integers with i <= N; anything else is bad input naming the flag. */
export function parseShard(raw: string | undefined): Shard | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || !Number.isSafeInteger(count) || index < 1 || index > count)
    throw new UsageError(`--shard: '${raw}' is not i/N with 1 <= i <= N (e.g. 1/4)`);
  return { index, count };
}

/** The items of shard `s`, in their order. */
export const inShard = <T>(items: readonly T[], s: Shard): T[] => items.filter((_, k) => k % s.count === s.index - 1);
