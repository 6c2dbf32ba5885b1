// How the bench runs tdxmc: one measured search in a fresh process (child.ts), or the command
// line itself timed whole.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Ours {
  verdict: string;
  states: number;
  transitions: number;
  seconds: number;
  /** Search threads that ran it: more than one when the default's probe handed over to workers. */
  workers: number;
  storeBytesPerState: number;
  peakRssBytes: number;
  /** When liveness properties were checked: the second pass's time and the graph's bytes. */
  liveness?: { checked: string[]; seconds: number; edges: number; bytesPerEdge: number; bytesPerState: number };
}

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
export const TDXMC = fileURLToPath(new URL('../../../../bin/tdxmc.js', import.meta.url));

/** One search in a fresh process (child.ts takes its arguments), so JIT state and peak RSS are this run's. */
export function child(args: string[]): Ours {
  const r = spawnSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench: tdxmc ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Ours;
}

/** The command line's own run, timed whole: its --json counts and the wall-clock seconds; `exits` are the codes it may end with. */
export function cli(args: string[], exits: readonly number[] = [0]): { states: number; seconds: number } {
  const started = performance.now();
  const r = spawnSync(process.execPath, [TDXMC, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  if (!exits.includes(r.status ?? -1)) throw new Error(`bench: tdxmc ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return { states: (JSON.parse(r.stdout) as { distinctStates: number }).distinctStates, seconds };
}
