// The bench's simulation section (issue 20): update's walk rate at cpus=3 on one thread, and
// how long random walks take to find each known-bad variant of update (its `ci` expectations
// with a violation) at cpus=3 over five seeds and at a width exhaustive search cannot finish,
// with the shrunk trace against BFS's shortest. Each run in a fresh process.
// BENCH_SIMULATE_WIDE (CPUs, default 16) and BENCH_SIMULATE_WIDE_SECONDS (default 60) set the
// wide runs; BENCH_SIMULATE_SEEDS (default 5) the seeds at cpus=3.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findSpec } from '../../index.js';
import { medianOf, num, table, target } from './format.js';

const CHILD = fileURLToPath(new URL('./simulate-child.js', import.meta.url));
/** Steps a walk takes at most at cpus=3: deep enough for the two updates D16 needs. */
const DEPTH = 500;

interface Sim {
  verdict: string;
  seconds: number;
  steps: number;
  walks: number;
  property?: string;
  foundSeconds?: number;
  walked?: number;
  shrunk?: number;
}

function run(args: string[]): Sim {
  const r = spawnSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench: simulate ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Sim;
}

const positive = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!(v > 0)) throw new Error(`bench: ${name} must be a positive number`);
  return v;
};

export function simulateSection(repeat: number): void {
  const wide = positive('BENCH_SIMULATE_WIDE', 16);
  const wideSeconds = positive('BENCH_SIMULATE_WIDE_SECONDS', 60);
  const seeds = positive('BENCH_SIMULATE_SEEDS', 5);

  process.stdout.write(`Simulation: update cpus=3, walks of at most ${DEPTH} steps for 5 s, one thread\n`);
  const rates = Array.from({ length: repeat }, (_, i) => run(['--spec=update', `--seed=${i + 1}`, `--depth=${DEPTH}`, '--seconds=5']));
  const rate = (s: Sim): number => s.steps / s.seconds;
  const m = medianOf(rates.map((s) => ({ ...s, seconds: -rate(s) })));
  table([
    ['run', 'walks', 'steps', 'steps/s'],
    ['update cpus=3', num(m.walks), num(m.steps), num(-m.seconds)],
  ]);
  target('at least 200K steps/s', -m.seconds >= 200_000, `${num(-m.seconds)} steps/s (median of ${rates.map((s) => num(rate(s))).join(', ')})`);

  const update = findSpec('update')!;
  const bad = (update.expectations ?? []).filter((e) => e.expect.verdict === 'violation' || e.expect.verdict === 'deadlock');
  const paramsOf = (p: Record<string, unknown>): string[] => Object.entries(p).map(([k, v]) => `${k}=${String(v)}`);
  process.stdout.write(
    `Known-bad variants of update: time to find a violation (median of ${seeds} seeds, walks of at most ${DEPTH} steps, at most 10 s each), shrunk trace against BFS's\n`,
  );
  const rows = [['configuration', 'BFS finds', 'walks found', 'found', 'median s', 'shrunk / BFS']];
  let slowest = 0;
  let worstShrink = 0;
  for (const e of bad) {
    if (e.expect.verdict !== 'violation' && e.expect.verdict !== 'deadlock') continue;
    const runs = Array.from({ length: seeds }, (_, s) => run(['--spec=update', ...paramsOf(e.params), `--seed=${s + 1}`, `--depth=${DEPTH}`, '--seconds=10']));
    const hits = runs.filter((r) => r.property !== undefined);
    const times = runs.map((r) => r.foundSeconds ?? Infinity).sort((a, b) => a - b);
    const median = times[times.length >> 1]!;
    const bfs = e.expect.traceLength;
    const shrink = bfs === undefined || hits.length === 0 ? 0 : Math.max(...hits.map((r) => r.shrunk! / Math.max(1, bfs)));
    slowest = Math.max(slowest, median);
    worstShrink = Math.max(worstShrink, shrink);
    rows.push([
      e.name.slice(0, 50),
      e.expect.verdict === 'violation' ? e.expect.property : 'deadlock',
      [...new Set(hits.map((r) => r.property!))].join(' '),
      `${hits.length}/${seeds}`,
      Number.isFinite(median) ? num(median, 2) : '-',
      hits.length === 0 ? '-' : num(shrink, 2),
    ]);
  }
  table(rows);
  target(
    'every variant found within 10 s (median of the seeds)',
    slowest <= 10,
    Number.isFinite(slowest) ? `slowest median ${num(slowest, 2)} s` : 'some variant not found',
  );
  target("shrunk traces at most 1.5x BFS's shortest", worstShrink <= 1.5, `at most ${num(worstShrink, 2)}x`);

  process.stdout.write(
    `The same at cpus=${wide} (exhaustive search cannot finish there): seed 1, swarm, walks of at most 2,000 steps, at most ${wideSeconds} s\n`,
  );
  const wideRows = [['configuration', 'found', 'after s', 'walked', 'shrunk']];
  let missed = 0;
  for (const e of bad) {
    const r = run(['--spec=update', ...paramsOf(e.params), `cpus=${wide}`, '--seed=1', '--depth=2000', `--seconds=${wideSeconds}`, '--swarm']);
    if (r.property === undefined) missed++;
    wideRows.push([
      e.name.slice(0, 50),
      r.property ?? '-',
      r.foundSeconds === undefined ? '-' : num(r.foundSeconds, 2),
      String(r.walked ?? '-'),
      String(r.shrunk ?? '-'),
    ]);
  }
  table(wideRows);
  target(`every variant found at cpus=${wide}`, missed === 0, `${bad.length - missed} of ${bad.length}`);
}
