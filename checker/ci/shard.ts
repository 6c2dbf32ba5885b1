// `ci --shard i/N` (the Playwright and Jest convention, i from 1): the selected configurations
// split deterministically into N shards whose union is the whole selection, each configuration
// in exactly one. With recorded costs (costs.ts) the shards balance time: longest processing
// time first, each configuration into the least loaded shard, which keeps the slowest shard
// close to the mean unless one configuration alone outweighs it. Without costs they balance the
// number of configurations: round-robin in declaration order, which also spreads each spec's
// configurations (of like cost) over the shards rather than giving one shard a whole spec.
// Either way which shard runs what depends only on the selection and the costs, so N jobs
// that see the same files agree without talking to each other.

import { UsageError } from '../exit.js';
import { byName } from './costs.js';

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

/**
 * The shard (0-based) of each of `ids`: round-robin, or with `cost` greedily by longest
 * processing time, costlier first and equal costs by name, each into the least loaded shard
 * (the first of equally loaded ones).
 */
export function shardsOf(ids: readonly string[], count: number, cost?: (id: string) => number): number[] {
  if (cost === undefined) return ids.map((_, k) => k % count);
  const order = ids.map((_, k) => k).sort((a, b) => cost(ids[b]!) - cost(ids[a]!) || byName(ids[a]!, ids[b]!));
  const load: number[] = new Array<number>(count).fill(0);
  const shard: number[] = new Array<number>(ids.length);
  for (const k of order) {
    let least = 0;
    for (let b = 1; b < count; b++) if (load[b]! < load[least]!) least = b;
    shard[k] = least;
    load[least]! += cost(ids[k]!);
  }
  return shard;
}

/** The items of shard `s`, in their order; `id` names an item for the costs. */
export function inShard<T>(items: readonly T[], s: Shard, id: (item: T) => string, cost?: (id: string) => number): T[] {
  const shard = shardsOf(items.map(id), s.count, cost);
  return items.filter((_, k) => shard[k] === s.index - 1);
}
