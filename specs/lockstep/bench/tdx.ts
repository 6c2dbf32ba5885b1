// The bench's TDX section (issue 21): update and init searched as users run them, one worker
// and the default worker choice, with and without symmetry and partial-order reduction
// (states, states/s, bytes a state, peak RSS), each configuration's fixed cost (the whole
// command up to its first state), and the per-state rate against lockstep's at a similar
// state count. Each run in a fresh process; the runs of one size alternate, round after round.

import { availableParallelism } from 'node:os';
import { medianOf, mib, num, pairedRatio, table, target } from './format.js';
import { child, cli, type Ours } from './measure.js';

/** What the section runs: CPU counts per spec, and the update size the symmetry goal names. */
export interface TdxSizes {
  readonly update: readonly number[];
  readonly init: readonly number[];
  /** update with --symmetry and with --por alone at these sizes (one worker each). */
  readonly wide: readonly number[];
}

const cores = availableParallelism();
const CONFIGS: readonly { label: string; flags: string[] }[] = [
  { label: '1 worker', flags: ['--workers=1'] },
  { label: 'default', flags: [`--workers=${cores}`, '--probe'] },
  { label: '1 worker, --symmetry', flags: ['--workers=1', '--symmetry'] },
  { label: 'default, --symmetry', flags: [`--workers=${cores}`, '--probe', '--symmetry'] },
  { label: '1 worker, --por', flags: ['--workers=1', '--por'] },
];

/** `repeat` rounds of every run in turn, so a machine that drifts shifts them alike. */
function rounds<T>(repeat: number, runs: readonly (() => T)[]): T[][] {
  const out = runs.map((): T[] => []);
  for (let i = 0; i < repeat; i++) runs.forEach((run, k) => out[k]!.push(run()));
  return out;
}

const search = (spec: string, cpus: number, flags: string[]): Ours => child([`--spec=${spec}`, `cpus=${cpus}`, '--no-liveness', ...flags]);
/** The whole command up to its first state: a check that stops after one (exit 3, incomplete). */
const fixedCost = (spec: string, cpus: number): { seconds: number } =>
  cli(['check', spec, '--set', `cpus=${cpus}`, '--no-liveness', '--max-states', '1', '--json', '--quiet'], [3]);

const lockstepSizes = new Map<number, number>();
/** lockstep's CPU count whose state count is nearest `states` (counted once per size). */
function similarLockstep(states: number): number {
  const count = (cpus: number): number => {
    let n = lockstepSizes.get(cpus);
    if (n === undefined) lockstepSizes.set(cpus, (n = search('lockstep', cpus, ['--workers=1']).states));
    return n;
  };
  let cpus = 2;
  while (cpus < 12 && count(cpus) < states) cpus++;
  return cpus > 2 && states / count(cpus - 1) < count(cpus) / states ? cpus - 1 : cpus;
}

/** For the default's runs: in how many the probe handed over to workers (in none, it ran the one-worker search). */
const handedOver = (flags: readonly string[], runs: readonly Ours[]): string =>
  flags.includes('--probe') ? ` (workers in ${runs.filter((o) => o.workers > 1).length} of ${runs.length})` : '';

const rate = (o: Ours): number => o.states / o.seconds;
const row = (label: string, o: Ours): string[] => [label, num(o.states), num(o.seconds, 2), num(rate(o)), num(o.storeBytesPerState, 1), mib(o.peakRssBytes)];

export function tdxSection(repeat: number, sizes: TdxSizes): void {
  process.stdout.write(`TDX specs as users check them (--no-liveness; default = ${cores} workers after a one-thread probe)\n`);
  const rows = [['run', 'states', 'seconds', 'states/s', 'B/state', 'peak RSS MiB']];
  const fixed = [['spec', 'first state after (s)']];
  let lowest: { ratio: number; what: string } | undefined;
  let slowestDefault = 0;
  let slowestStart = 0;
  for (const [spec, cpus] of [...sizes.update.map((c) => ['update', c] as const), ...sizes.init.map((c) => ['init', c] as const)]) {
    const one = search(spec, cpus, ['--workers=1']);
    const peer = similarLockstep(one.states);
    const runs = [...CONFIGS.map((c) => () => search(spec, cpus, c.flags)), () => search('lockstep', peer, ['--workers=1']), () => fixedCost(spec, cpus)];
    const results = rounds(repeat, runs);
    const ours = results.slice(0, CONFIGS.length) as Ours[][];
    for (const [k, c] of CONFIGS.entries()) rows.push(row(`${spec} cpus=${cpus}, ${c.label}${handedOver(c.flags, ours[k]!)}`, medianOf(ours[k]!)));
    const lockstep = results[CONFIGS.length] as Ours[];
    rows.push(row(`  lockstep cpus=${peer}, 1 worker (similar count)`, medianOf(lockstep)));
    const start = medianOf(results[CONFIGS.length + 1]!).seconds;
    slowestStart = Math.max(slowestStart, start);
    fixed.push([`${spec} cpus=${cpus}`, num(start, 3)]);
    const r = pairedRatio(ours[0]!, lockstep, (a, b) => rate(a) / rate(b));
    if (lowest === undefined || r.median < lowest.ratio) lowest = { ratio: r.median, what: `${spec} cpus=${cpus}${r.each}` };
    const d = pairedRatio(ours[1]!, ours[0]!, (a, b) => a.seconds / b.seconds);
    slowestDefault = Math.max(slowestDefault, d.median);
  }
  for (const cpus of sizes.wide) {
    const [sym, por] = rounds(repeat, [() => search('update', cpus, ['--workers=1', '--symmetry']), () => search('update', cpus, ['--workers=1', '--por'])]);
    rows.push(row(`update cpus=${cpus}, 1 worker, --symmetry`, medianOf(sym!)), row(`update cpus=${cpus}, 1 worker, --por`, medianOf(por!)));
    if (cpus === 6) target('update --symmetry at cpus=6 under 3 s', medianOf(sym!).seconds < 3, `${num(medianOf(sym!).seconds, 2)} s`);
  }
  table(rows);
  process.stdout.write('\n');
  table(fixed);
  target("a check's fixed cost before its first state under 0.3 s", slowestStart < 0.3, `at most ${num(slowestStart, 3)} s`);
  if (lowest)
    target(
      "update and init at least 0.7x lockstep's states/s (one worker, similar count)",
      lowest.ratio >= 0.7,
      `lowest ${num(lowest.ratio, 2)}x, ${lowest.what}`,
    );
  target('the default worker choice never slower than one worker (search time)', slowestDefault <= 1, `at most ${num(slowestDefault, 2)}x`);
}
