// Flag values from the command line: a malformed one is bad input naming the flag.

import { availableParallelism } from 'node:os';
import type { Strategy } from '../check.js';
import { UsageError } from '../exit.js';

/** The longest wait a Node timer holds (2^31 - 1 ms); a longer one would fire at once. */
const MAX_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export function positive(flag: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const ok = integer ? /^\d+$/.test(raw) : /^\d+(\.\d+)?$/.test(raw);
  if (!ok || Number(raw) <= 0) throw new UsageError(`${flag}: '${raw}' is not a positive ${integer ? 'integer' : 'number'}`);
  return bounded(flag, raw, integer ? Number.MAX_SAFE_INTEGER : MAX_SECONDS);
}

/** A long value cut for the one line that names it. */
const shown = (raw: string): string => (raw.length > 24 ? `${raw.slice(0, 20)}...` : raw);

function bounded(flag: string, raw: string, max: number): number {
  const n = Number(raw);
  if (n > max) throw new UsageError(`${flag}: ${shown(raw)} is above the largest value taken, ${max}`);
  return n;
}

export function positiveInt(flag: string, raw: string): number;
export function positiveInt(flag: string, raw: string | undefined): number | undefined;
export function positiveInt(flag: string, raw: string | undefined): number | undefined {
  return positive(flag, raw, true);
}

export function nonNegativeInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`${flag}: '${raw}' is not a non-negative integer`);
  return bounded(flag, raw, Number.MAX_SAFE_INTEGER);
}

/** Threads beyond a few per core only add memory (each has its own heap and caches) and no speed. */
export const THREADS_PER_CORE = 4;

/** `--workers K`, `--jobs N`: a positive integer up to THREADS_PER_CORE per core of this machine. */
export function threadCount(flag: string, raw: string | undefined): number | undefined {
  const n = positiveInt(flag, raw);
  const limit = availableParallelism() * THREADS_PER_CORE;
  if (n !== undefined && n > limit)
    throw new UsageError(`${flag}: ${n} is above the limit of ${limit} threads (${THREADS_PER_CORE} per core; this machine has ${availableParallelism()})`);
  return n;
}

/** `512M`, `4G`, `1.5GiB`, or plain bytes. */
export function byteSize(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(raw);
  if (!m) throw new UsageError(`${flag}: '${raw}' is not a size (e.g. 512M, 4G)`);
  const bytes = Number(m[1]) * 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase());
  if (bytes < 1 << 20) throw new UsageError(`${flag}: ${raw} is below the 1M minimum`);
  if (!Number.isSafeInteger(Math.floor(bytes))) throw new UsageError(`${flag}: ${shown(raw)} is too large`);
  return Math.floor(bytes);
}

/** `--search bfs|dfs`. */
export function strategy(raw: string): Strategy {
  if (raw !== 'bfs' && raw !== 'dfs') throw new UsageError(`--search: '${raw}' is not bfs or dfs`);
  return raw;
}
