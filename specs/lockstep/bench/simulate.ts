// The bench's simulation section (issue 20): update's walk rate at cpus=3 on one thread; for
// each known-bad variant of update (its `ci` expectations with a violation) the time random
// walks take to find it (median of five seeds) against one-thread BFS (`tdxmc check`), at
// cpus=3 and, by swarm walks, at a width BFS cannot finish in its budget; and a deep bug planted
// in a copy of update (test/fixtures/deep-bug-spec.mjs: 9+ CPUs, some 60 steps) found by swarm
// walks against BFS. Each run in a fresh process.
// BENCH_SIMULATE_WIDE (CPUs, default 16) and BENCH_SIMULATE_WIDE_SECONDS (default 60) set the
// wide runs, BENCH_SIMULATE_SEEDS (default 5) the seeds, BENCH_SIMULATE_BFS_SECONDS (default 20)
// BFS's budget where it cannot finish, BENCH_SIMULATE_DEEP_CPUS (default 9,16) the deep bug's widths.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findSpec } from '../../index.js';
import { medianOf, num, table, target } from './format.js';

const CHILD = fileURLToPath(new URL('./simulate-child.js', import.meta.url));
const TDXMC = fileURLToPath(new URL('../../../../bin/tdxmc.js', import.meta.url));
const DEEP_BUG = fileURLToPath(new URL('../../../../test/fixtures/deep-bug-spec.mjs', import.meta.url));
/** Steps a walk takes at most at cpus=3: deep enough for the two updates D16 needs. */
const DEPTH = 500;
/** Steps a swarm walk takes at most at many CPUs: an update of 16 CPUs takes some 300. */
const WIDE_DEPTH = 1000;

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

interface Bfs {
  verdict: string;
  /** Wall seconds, as the user waits for them. */
  seconds: number;
  distinctStates: number;
  maxDepth: number;
  /** Stopped at the budget. */
  cut: boolean;
}

/**
 * One-thread BFS by `tdxmc check`, stopped after `budget` seconds by timeout(1)'s SIGTERM, on
 * which `tdxmc check` prints what it has (spawnSync's own timeout loses that output).
 */
function bfs(spec: string, sets: string[], budget: number): Bfs {
  const t = performance.now();
  const args = [
    String(budget),
    process.execPath,
    TDXMC,
    'check',
    spec,
    ...sets.flatMap((s) => ['--set', s]),
    '--workers',
    '1',
    '--no-liveness',
    '--quiet',
    '--json',
  ];
  const r = spawnSync('timeout', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t) / 1000;
  const cut = r.status === 124;
  if (r.stdout.trim() === '' && cut) return { verdict: 'incomplete', seconds, distinctStates: 0, maxDepth: 0, cut };
  const j = JSON.parse(r.stdout) as { verdict: string; distinctStates: number; maxDepth: number };
  return { verdict: j.verdict, seconds, distinctStates: j.distinctStates, maxDepth: j.maxDepth, cut };
}

const bfsText = (b: Bfs): string =>
  b.cut || b.verdict === 'incomplete'
    ? `not finished in ${num(b.seconds, 0)} s (${num(b.distinctStates)} states, depth ${b.maxDepth})`
    : `${b.verdict} in ${num(b.seconds, 2)} s`;

const positive = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!(v > 0)) throw new Error(`bench: ${name} must be a positive number`);
  return v;
};

/** The median of the seeds' times to find, Infinity when fewer than half found it. */
const medianFound = (runs: Sim[]): number => runs.map((r) => r.foundSeconds ?? Infinity).sort((a, b) => a - b)[runs.length >> 1]!;
const seconds = (s: number): string => (Number.isFinite(s) ? num(s, 2) : '-');

export function simulateSection(repeat: number): void {
  const wide = positive('BENCH_SIMULATE_WIDE', 16);
  const wideSeconds = positive('BENCH_SIMULATE_WIDE_SECONDS', 60);
  const seeds = positive('BENCH_SIMULATE_SEEDS', 5);
  const bfsBudget = positive('BENCH_SIMULATE_BFS_SECONDS', 20);
  const deepCpus = (process.env['BENCH_SIMULATE_DEEP_CPUS'] ?? '9,16').split(',').map(Number);

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
  const seedArgs = (s: number): string => `--seed=${s + 1}`;
  process.stdout.write(
    `Known-bad variants of update at cpus=3: time to find a violation by walks (median of ${seeds} seeds, walks of at most ${DEPTH} steps, at most 10 s each) against one-thread BFS, shrunk trace against BFS's\n`,
  );
  const rows = [['configuration', 'BFS finds', 'BFS', 'walks found', 'found', 'median s', 'shrunk / BFS']];
  let slowest = 0;
  let worstShrink = 0;
  for (const e of bad) {
    if (e.expect.verdict !== 'violation' && e.expect.verdict !== 'deadlock') continue;
    const runs = Array.from({ length: seeds }, (_, s) => run(['--spec=update', ...paramsOf(e.params), seedArgs(s), `--depth=${DEPTH}`, '--seconds=10']));
    const hits = runs.filter((r) => r.property !== undefined);
    const median = medianFound(runs);
    const bfsLength = e.expect.traceLength;
    const shrink = bfsLength === undefined || hits.length === 0 ? 0 : Math.max(...hits.map((r) => r.shrunk! / Math.max(1, bfsLength)));
    slowest = Math.max(slowest, median);
    worstShrink = Math.max(worstShrink, shrink);
    rows.push([
      e.name.slice(0, 50),
      e.expect.verdict === 'violation' ? e.expect.property : 'deadlock',
      bfsText(bfs('update', paramsOf(e.params), 600)),
      [...new Set(hits.map((r) => r.property!))].join(' '),
      `${hits.length}/${seeds}`,
      seconds(median),
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
    `The same at cpus=${wide}: swarm walks of at most ${WIDE_DEPTH} steps (median of ${seeds} seeds, at most ${wideSeconds} s each, not shrunk) against one-thread BFS for at most ${bfsBudget} s\n`,
  );
  const wideRows = [['configuration', 'found', 'walks found', 'median s', 'slowest s', 'walked', 'BFS']];
  let wideSlowest = 0;
  for (const e of bad) {
    const sets = [...paramsOf(e.params), `cpus=${wide}`];
    const runs = Array.from({ length: seeds }, (_, s) =>
      run(['--spec=update', ...sets, seedArgs(s), `--depth=${WIDE_DEPTH}`, `--seconds=${wideSeconds}`, '--swarm', '--no-shrink']),
    );
    const hits = runs.filter((r) => r.property !== undefined);
    const median = medianFound(runs);
    wideSlowest = Math.max(wideSlowest, median);
    wideRows.push([
      e.name.slice(0, 50),
      `${hits.length}/${seeds}`,
      [...new Set(hits.map((r) => r.property!))].join(' '),
      seconds(median),
      hits.length < seeds ? '-' : seconds(Math.max(...hits.map((r) => r.foundSeconds!))),
      hits.length === 0 ? '-' : hits.map((r) => r.walked).join(' '),
      bfsText(bfs('update', sets, bfsBudget)),
    ]);
  }
  table(wideRows);
  target(
    `every variant found at cpus=${wide} within 60 s (median of the seeds)`,
    wideSlowest <= 60,
    Number.isFinite(wideSlowest) ? `slowest median ${num(wideSlowest, 2)} s` : 'some variant not found by most seeds',
  );

  process.stdout.write(
    `A deep bug planted in a copy of update (CPU c >= 8 shares CPU c - 8's tdx_lp_initialized): swarm walks of at most ${WIDE_DEPTH} steps (median of ${seeds} seeds, at most ${wideSeconds} s each) against one-thread BFS for at most ${bfsBudget} s\n`,
  );
  const deepRows = [['cpus', 'found', 'walks found', 'median s', 'walked', 'BFS']];
  let deepSlowest = 0;
  for (const cpus of deepCpus) {
    const runs = Array.from({ length: seeds }, (_, s) =>
      run([`--spec-file=${DEEP_BUG}`, `cpus=${cpus}`, seedArgs(s), `--depth=${WIDE_DEPTH}`, `--seconds=${wideSeconds}`, '--swarm', '--no-shrink']),
    );
    const hits = runs.filter((r) => r.property !== undefined);
    const median = medianFound(runs);
    deepSlowest = Math.max(deepSlowest, median);
    deepRows.push([
      String(cpus),
      `${hits.length}/${seeds}`,
      [...new Set(hits.map((r) => r.property!))].join(' '),
      seconds(median),
      hits.length === 0 ? '-' : hits.map((r) => r.walked).join(' '),
      bfsText(bfs(DEEP_BUG, [`cpus=${cpus}`], bfsBudget)),
    ]);
  }
  table(deepRows);
  target(
    'the deep bug found by swarm walks within 60 s (median of the seeds)',
    deepSlowest <= 60,
    Number.isFinite(deepSlowest) ? `slowest median ${num(deepSlowest, 2)} s` : 'not found by most seeds',
  );
}
