// `npm run bench`: lockstep (variant ack, every safety property) side by side with SPIN and
// Rumur, each run in a fresh process, with the ratios issues 3 and 16 set as targets;
// liveness: lockstep's Terminates beside SPIN's -a -f, and the TDX specs' liveness against
// their safety search; and random simulation of update (simulate.ts). Every figure comes from this run. BENCH_SECTIONS picks sections
// (raw,parallel,scale,symmetry,liveness,simulate,workers,tdx,start); BENCH_REPEAT=N repeats each timed run and reports the
// median time, and each ratio as the median of the ratios of the pairs of runs. The two sides
// of a ratio run alternately, so a machine that speeds up or slows down during the bench shifts
// both alike. The sizes are BENCH_RAW_CPUS, BENCH_PARALLEL_CPUS, BENCH_SCALE_CPUS,
// BENCH_LIVENESS_CPUS (one each) and BENCH_SYMMETRY_CPUS (beside Rumur; the target is read at
// the largest) and BENCH_SYMMETRY_ALONE (tdxmc only). The workers section times the whole
// `tdxmc check` of update (BENCH_WORKERS_UPDATE_CPUS) and init (BENCH_WORKERS_INIT_CPUS) with
// the default workers against `--workers 1`. The tdx section (tdx.ts) runs update
// (BENCH_TDX_UPDATE_CPUS) and init (BENCH_TDX_INIT_CPUS) every way a user does, and update with
// --symmetry and --por at BENCH_TDX_WIDE_CPUS. The start section times whole processes of
// `tdxmc --version`, `tdxmc list` and a tiny check (lockstep, 2 CPUs: its fixed cost), run in turn.

import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { has, rumur, spin, spinTerminates, type ExternalRun, type SpinLiveness } from './external.js';
import { medianOf, mib, num, pairedRatio, sideBySide as alternately, table, target } from './format.js';
import { child, cli, TDXMC, type Ours } from './measure.js';
import { EXIT } from '../../../checker/exit.js';
import { simulateSection } from './simulate.js';
import { tdxSection } from './tdx.js';

const sections = new Set((process.env['BENCH_SECTIONS'] ?? 'raw,parallel,scale,symmetry,liveness,simulate,workers,tdx,start').split(','));
const repeat = Math.max(1, Number(process.env['BENCH_REPEAT'] ?? 1));

function sizes(name: string, fallback: number[]): number[] {
  const v = process.env[name];
  if (v === undefined) return fallback;
  const list = v.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1)) {
    process.stderr.write(`bench: ${name}=${v} is not a list of CPU counts\n`);
    process.exit(2);
  }
  return list;
}
const rawCpus = sizes('BENCH_RAW_CPUS', [10])[0]!;
const parallelCpus = sizes('BENCH_PARALLEL_CPUS', [11])[0]!;
const scaleCpus = sizes('BENCH_SCALE_CPUS', [12])[0]!;
const symmetryCpus = sizes('BENCH_SYMMETRY_CPUS', [10, 16, 24, 32]);
const symmetryAlone = sizes('BENCH_SYMMETRY_ALONE', [48, 64]);
const livenessCpus = sizes('BENCH_LIVENESS_CPUS', [10])[0]!;
const workersUpdateCpus = sizes('BENCH_WORKERS_UPDATE_CPUS', [3, 4, 5]);
const workersInitCpus = sizes('BENCH_WORKERS_INIT_CPUS', [4, 5, 6]);
const tdx = { update: sizes('BENCH_TDX_UPDATE_CPUS', [3, 4, 5]), init: sizes('BENCH_TDX_INIT_CPUS', [4, 5, 6]), wide: sizes('BENCH_TDX_WIDE_CPUS', [6]) };
/** The TDX configurations whose liveness issue 16 measures against their safety search. */
const TDX_LIVENESS: readonly { spec: string; params: string[] }[] = [
  { spec: 'update', params: ['cpus=3'] },
  { spec: 'update', params: ['cpus=4'] },
  { spec: 'init', params: [] },
];
const cores = availableParallelism();
const sideBySide = <A, B>(a: () => A, b?: () => B): [A[], B[]] => alternately(repeat, a, b);

/** lockstep, variant ack, safety alone (the other checkers' runs here check no liveness). */
const ours = (cpus: number, flags: string[] = []): Ours => child([`cpus=${cpus}`, 'variant=ack', '--no-liveness', ...flags]);

const HEAD = ['run', 'states', 'seconds', 'states/s', 'B/state', 'peak RSS MiB'];
const oursRow = (label: string, o: Ours) => [
  label,
  num(o.states),
  num(o.seconds, 2),
  num(o.states / o.seconds),
  num(o.storeBytesPerState, 1),
  mib(o.peakRssBytes),
];
const extRow = (label: string, e: ExternalRun) => [label, num(e.states), num(e.seconds, 2), num(e.states / e.seconds), '', mib(e.peakRssBytes)];
/** Counts must match exactly: a mismatch is printed and fails the bench (exit 1). */
const sameCount = (a: number, b: number, who: string) => {
  if (a === b) return;
  process.stdout.write(`  COUNT MISMATCH: tdxmc ${num(a)} vs ${who} ${num(b)}\n`);
  process.exitCode = 1;
};

/** Prints tdxmc's median run beside SPIN's (when SPIN ran) and returns the paired ratio of their times. */
function besideSpin(os: Ours[], ss: ExternalRun[]): ReturnType<typeof pairedRatio> | undefined {
  const o = medianOf(os);
  const rows = [HEAD, oursRow('tdxmc', o)];
  if (ss.length === 0) {
    table(rows);
    return undefined;
  }
  const s = medianOf(ss);
  rows.push(extRow('SPIN -O2 -DSAFETY -DNOREDUCE', s));
  table(rows);
  sameCount(o.states, s.states, 'SPIN');
  return pairedRatio(os, ss, (a, b) => a.seconds / b.seconds);
}

const haveSpin = has('spin') && has('gcc');
const haveRumur = has('rumur') && has('cc');
process.stdout.write(`lockstep, variant ack, every safety property (liveness in its own section); ${cores} cores; median of ${repeat} run(s)\n`);
if (!haveSpin || !haveRumur) process.stdout.write('SPIN or Rumur is missing: install them with `apt-get install -y rumur spin` for the side-by-side figures\n');
process.stdout.write('\n');

if (sections.has('raw')) {
  process.stdout.write(`Raw speed (cpus=${rawCpus}, one worker)\n`);
  const [os, ss] = sideBySide(() => ours(rawCpus, ['--workers=1']), haveSpin ? () => spin(rawCpus) : undefined);
  const r = besideSpin(os, ss);
  if (r) target("at most half of SPIN's time", r.median <= 0.5, `${num(r.median, 2)} x SPIN${r.each}`);
  // What a user runs: the whole command, process start and default workers included, against SPIN's search.
  const [ws, ss2] = sideBySide(
    () => cli(['check', 'lockstep', '--set', `cpus=${rawCpus}`, '--no-liveness', '--json', '--quiet']),
    haveSpin ? () => spin(rawCpus) : undefined,
  );
  process.stdout.write(`  the whole \`tdxmc check lockstep --set cpus=${rawCpus} --no-liveness\` (default workers): ${num(medianOf(ws).seconds, 2)} s\n`);
  if (ss2.length > 0) {
    sameCount(ws[0]!.states, ss2[0]!.states, 'SPIN');
    const w = pairedRatio(ws, ss2, (a, b) => a.seconds / b.seconds);
    target("the whole command at most half of SPIN's search", w.median <= 0.5, `${num(w.median, 2)} x SPIN${w.each}`);
  }
}

if (sections.has('parallel')) {
  process.stdout.write(`Parallel (cpus=${parallelCpus}, 1 vs ${Math.max(2, cores)} workers)\n`);
  const [ones, manys] = sideBySide(
    () => ours(parallelCpus, ['--workers=1']),
    () => ours(parallelCpus, [`--workers=${Math.max(2, cores)}`]),
  );
  const [one, many] = [medianOf(ones), medianOf(manys)];
  table([HEAD, oursRow('tdxmc, 1 worker', one), oursRow(`tdxmc, ${Math.max(2, cores)} workers`, many)]);
  sameCount(one.states, many.states, 'tdxmc 1 worker');
  const r = pairedRatio(ones, manys, (a, b) => a.seconds / b.seconds);
  target('two workers at least 1.6x faster than one', r.median >= 1.6, `${num(r.median, 2)}x${r.each}`);
}

if (sections.has('scale')) {
  process.stdout.write(`Memory and scale (cpus=${scaleCpus}, ${cores} workers)\n`);
  const [os, ss] = sideBySide(() => ours(scaleCpus, [`--workers=${cores}`]), haveSpin ? () => spin(scaleCpus) : undefined);
  const o = medianOf(os);
  const r = besideSpin(os, ss);
  const ratio = r === undefined ? '' : `${num(r.median, 2)} x SPIN${r.each}, `;
  const fast = r === undefined || r.median < 0.5;
  target(
    "under half of SPIN's time, visited store <= 16 B/state, peak RSS < 1 GiB",
    fast && o.storeBytesPerState <= 16 && o.peakRssBytes < 2 ** 30,
    `${ratio}${num(o.storeBytesPerState, 1)} B/state, ${mib(o.peakRssBytes)} MiB`,
  );
}

if (sections.has('symmetry')) {
  process.stdout.write('Symmetry (CPUs 1..N-1 interchangeable; one worker, Rumur one thread with --scalarset-schedules off)\n');
  const rows = [['cpus', 'tdxmc states', 'tdxmc s', 'Rumur states', 'Rumur s', 'Rumur / tdxmc']];
  const largest = Math.max(...symmetryCpus);
  let atLargest: ReturnType<typeof pairedRatio> | undefined;
  for (const cpus of symmetryCpus) {
    const [os, rs] = sideBySide(() => ours(cpus, ['--symmetry', '--workers=1']), haveRumur ? () => rumur(cpus, true, 1) : undefined);
    const o = medianOf(os);
    const r = rs.length > 0 ? medianOf(rs) : undefined;
    const ratio = r ? pairedRatio(os, rs, (a, b) => b.seconds / a.seconds) : undefined;
    if (r) sameCount(o.states, r.states, 'Rumur');
    if (ratio && cpus === largest) atLargest = ratio;
    rows.push([
      String(cpus),
      num(o.states),
      num(o.seconds, 2),
      r ? num(r.states) : 'n/a',
      r ? num(r.seconds, 2) : 'n/a',
      ratio ? `${num(ratio.median, 1)}x` : '',
    ]);
  }
  for (const cpus of symmetryAlone) {
    const o = medianOf(sideBySide(() => ours(cpus, ['--symmetry', '--workers=1']))[0]);
    rows.push([String(cpus), num(o.states), num(o.seconds, 2), '', '', '']);
  }
  table(rows);
  if (atLargest) target(`at cpus=${largest} at least 5x faster than Rumur`, atLargest.median >= 5, `${num(atLargest.median, 1)}x${atLargest.each}`);
}

if (sections.has('liveness')) {
  process.stdout.write(`Liveness: lockstep cpus=${livenessCpus}, Terminates on fair paths (one worker; SPIN -a -f, weak fairness, on terminates.pml)\n`);
  const [os, ss] = sideBySide(
    () => child([`cpus=${livenessCpus}`, 'variant=ack', '--workers=1']),
    haveSpin ? () => spinTerminates(livenessCpus, 'ack') : undefined,
  );
  // SPIN explores and checks the claim in one run; tdxmc's time is its whole check, safety then liveness.
  const total = (o: Ours): number => o.seconds + o.liveness!.seconds;
  const o = medianOf(os.map((x) => ({ ...x, seconds: total(x) })));
  const rows = [
    ['run', 'states', 'verdict', 'seconds', 'of which liveness', 'graph B/state', 'B/edge', 'peak RSS MiB'],
    [
      'tdxmc',
      num(o.states),
      o.verdict,
      num(o.seconds, 2),
      num(o.liveness!.seconds, 2),
      num(o.liveness!.bytesPerState, 1),
      num(o.liveness!.bytesPerEdge),
      mib(o.peakRssBytes),
    ],
  ];
  if (ss.length > 0) {
    const s: SpinLiveness = medianOf(ss);
    rows.push(['SPIN -a -f', num(s.states), s.verdict, num(s.seconds, 2), '', '', '', mib(s.peakRssBytes)]);
  }
  table(rows);
  if (ss.length > 0) {
    for (const s of ss) {
      if (s.verdict === o.verdict) continue;
      process.stdout.write(`  VERDICT MISMATCH: tdxmc ${o.verdict} vs SPIN ${s.verdict}\n`);
      process.exitCode = 1;
    }
    const r = pairedRatio(os, ss, (a, b) => total(a) / b.seconds);
    target("within 3x SPIN's -a -f time", r.median <= 3, `${num(r.median, 2)} x SPIN${r.each}`);
  } else process.stdout.write('\n');

  process.stdout.write('Liveness against safety, one worker: the liveness pass (graph and search) beside the safety search of the same run\n');
  const tdxRows = [['run', 'states', 'edges', 'safety s', 'liveness s', 'liveness / safety', 'graph B/state', 'B/edge']];
  let slowest = 0;
  let largest = 0;
  for (const c of TDX_LIVENESS) {
    const runs = sideBySide(() => child([`--spec=${c.spec}`, ...c.params, '--workers=1']))[0];
    const m = medianOf(runs);
    const ratio = pairedRatio(runs, runs, (a) => a.liveness!.seconds / a.seconds);
    const l = m.liveness!;
    // The graph's bytes against the goal's 16 per state and 4 per edge.
    const share = (l.bytesPerState * m.states + l.bytesPerEdge * l.edges) / (16 * m.states + 4 * l.edges);
    slowest = Math.max(slowest, ratio.median);
    largest = Math.max(largest, share);
    tdxRows.push([
      `${c.spec} ${c.params.join(' ') || 'defaults'}`,
      num(m.states),
      num(l.edges),
      num(m.seconds, 2),
      num(l.seconds, 2),
      `${num(ratio.median, 2)}${ratio.each}`,
      num(l.bytesPerState, 1),
      num(l.bytesPerEdge),
    ]);
  }
  table(tdxRows);
  target('liveness at most 2x the safety search', slowest <= 2, `at most ${num(slowest, 2)}x`);
  target('graph at most 16 B/state + 4 B/edge', largest <= 1, `at most ${num(largest * 100)}% of it`);
}

if (sections.has('simulate')) simulateSection(repeat);

if (sections.has('workers')) {
  process.stdout.write('Default workers against one: the whole `tdxmc check --no-liveness` (wall clock, process start included)\n');
  const rows = [['run', 'states', '1 worker s', 'default s', 'default / 1 worker']];
  let slowest = 0;
  for (const [spec, cpus] of [...workersUpdateCpus.map((c) => ['update', c] as const), ...workersInitCpus.map((c) => ['init', c] as const)]) {
    const args = ['check', spec, '--set', `cpus=${cpus}`, '--no-liveness', '--json'];
    const [ones, defaults] = sideBySide(
      () => cli([...args, '--workers', '1']),
      () => cli(args),
    );
    sameCount(defaults[0]!.states, ones[0]!.states, 'tdxmc --workers 1');
    const r = pairedRatio(defaults, ones, (a, b) => a.seconds / b.seconds);
    slowest = Math.max(slowest, r.median);
    rows.push([
      `${spec} cpus=${cpus}`,
      num(ones[0]!.states),
      num(medianOf(ones).seconds, 2),
      num(medianOf(defaults).seconds, 2),
      `${num(r.median, 2)}${r.each}`,
    ]);
  }
  table(rows);
  target('the default never slower than one worker', slowest <= 1, `at most ${num(slowest, 2)} x one worker's time`);
}

if (sections.has('tdx')) tdxSection(repeat, tdx);

if (sections.has('start')) {
  process.stdout.write('Start: the whole process (wall clock), each run in turn; node alone is the floor on this machine now\n');
  const tdxmc = (...args: string[]): string[] => [TDXMC, ...args];
  const runs: readonly { argv: string[]; limit?: number; what: string; exit?: number }[] = [
    { argv: ['-e', '0'], what: 'node alone' },
    { argv: tdxmc('--version'), limit: 0.15, what: '`tdxmc --version`' },
    { argv: tdxmc('list'), limit: 0.3, what: '`tdxmc list`' },
    { argv: tdxmc('check', 'lockstep', '--set', 'cpus=2', '--quiet'), limit: 0.3, what: "a check's fixed cost (lockstep cpus=2, whole)" },
    // Stopped after the first state, so the run is incomplete: its exit code says so.
    { argv: tdxmc('check', 'update', '--max-states', '1', '--quiet'), limit: 0.3, what: 'update up to its first state', exit: EXIT.incomplete },
    { argv: tdxmc('check', 'init', '--max-states', '1', '--quiet'), limit: 0.3, what: 'init up to its first state', exit: EXIT.incomplete },
  ];
  const whole = ({ argv, exit = 0 }: { argv: string[]; exit?: number }): { seconds: number } => {
    const started = performance.now();
    const r = spawnSync(process.execPath, argv, { stdio: 'ignore' });
    if (r.status !== exit) throw new Error(`bench: node ${argv.join(' ')} exited ${r.status}`);
    return { seconds: (performance.now() - started) / 1000 };
  };
  const times = runs.map((): { seconds: number }[] => []);
  for (let i = 0; i < repeat; i++) runs.forEach((run, k) => times[k]!.push(whole(run)));
  const median = (k: number): number => medianOf(times[k]!).seconds;
  table([['run', 'median s', 'each s'], ...runs.map((run, k) => [run.what, num(median(k), 3), times[k]!.map((t) => num(t.seconds, 3)).join(' ')])]);
  for (const [k, run] of runs.entries())
    if (run.limit !== undefined) target(`${run.what} under ${run.limit} s`, median(k) < run.limit, `${num(median(k), 3)} s`);
}
