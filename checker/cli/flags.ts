// Flag values from the command line: a malformed one is bad input naming the flag.

import type { Strategy } from '../check.js';
import { UsageError } from '../exit.js';

export function positive(flag: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const ok = integer ? /^\d+$/.test(raw) : /^\d+(\.\d+)?$/.test(raw);
  if (!ok || Number(raw) <= 0) throw new UsageError(`${flag}: '${raw}' is not a positive ${integer ? 'integer' : 'number'}`);
  return Number(raw);
}

export function positiveInt(flag: string, raw: string): number;
export function positiveInt(flag: string, raw: string | undefined): number | undefined;
export function positiveInt(flag: string, raw: string | undefined): number | undefined {
  return positive(flag, raw, true);
}

export function nonNegativeInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`${flag}: '${raw}' is not a non-negative integer`);
  return Number(raw);
}

/** `512M`, `4G`, `1.5GiB`, or plain bytes. */
export function byteSize(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(raw);
  if (!m) throw new UsageError(`${flag}: '${raw}' is not a size (e.g. 512M, 4G)`);
  const bytes = Number(m[1]) * 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase());
  if (bytes < 1 << 20) throw new UsageError(`${flag}: ${raw} is below the 1M minimum`);
  return Math.floor(bytes);
}

/** `--search bfs|dfs`. */
export function strategy(raw: string): Strategy {
  if (raw !== 'bfs' && raw !== 'dfs') throw new UsageError(`--search: '${raw}' is not bfs or dfs`);
  return raw;
}
