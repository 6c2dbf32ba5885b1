// The recorded cost of each `ci` configuration: its measured seconds, keyed by `spec/name`, as
// `ci --record-costs FILE` writes it and `ci --shard` balances by (shard.ts). The file is JSON
// with sorted keys, so a re-recording diffs line by line. A configuration the file does not
// name (added since) costs the median of those it does: a guess that neither starves nor
// floods a shard.

import { UsageError } from '../exit.js';

/** What `--costs` reads when it is not given, if it is in the current directory. */
export const COSTS_FILE = 'ci-costs.json';

export type Costs = ReadonlyMap<string, number>;

/** Names in code-unit order: the same on every machine, whatever its locale. */
export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The file's text: `{"spec/name": seconds}` by name, to the millisecond. */
export function costsText(measured: readonly (readonly [id: string, seconds: number])[]): string {
  const sorted = [...measured].sort(([a], [b]) => byName(a, b));
  return JSON.stringify(Object.fromEntries(sorted.map(([id, s]) => [id, Number(s.toFixed(3))])), null, 2) + '\n';
}

/** A cost file's text; anything but an object of non-negative seconds is bad input naming `--costs` and the file. */
export function parseCosts(file: string, text: string): Costs {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--costs: ${file}: not JSON (${(e as Error).message})`, { cause: e });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new UsageError(`--costs: ${file}: not an object of spec/name to seconds`);
  for (const [id, s] of Object.entries(data)) {
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0)
      throw new UsageError(`--costs: ${file}: '${id}': ${JSON.stringify(s)} is not a number of seconds`);
  }
  return new Map(Object.entries(data as Record<string, number>));
}

/** Each configuration's cost: its recorded seconds, or the median of the recorded ones (of none: all cost alike). */
export function costOf(costs: Costs): (id: string) => number {
  const s = [...costs.values()].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length === 0 ? 1 : s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return (id) => costs.get(id) ?? median;
}
