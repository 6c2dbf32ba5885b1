// `npm run cost-tables`: each spec README's cost table, measured by the real CLI in child
// processes: an exhaustive `tdxmc check` per CPU count upward from 1, without and with
// `--symmetry`, each under a wall-clock budget (a run that hits it is "not finished", never a
// pass; a column stops there), and `tdxmc simulate` at 16 and 64 CPUs. The table goes between
// the README's cost-table markers; everything else in the README is left as it is.
//
// TDXMC_COST_BUDGET (seconds a check, default 60), TDXMC_COST_COLUMN_BUDGET (seconds a column
// may start new sizes for, default 5 times the former: a polynomial column would go on to the
// end of a wide range), TDXMC_COST_SIM_SECONDS (seconds a simulation, default 10) and
// TDXMC_COST_SPECS (comma-separated spec names, default all).

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkParams } from '../checker/params.js';
import type { ParamDecl, Spec } from '../checker/spec.js';
import { catalog } from './catalog.js';
import { num } from './lockstep/bench/format.js';

export const BEGIN = '<!-- cost-table:begin -->';
export const END = '<!-- cost-table:end -->';

/** The command that regenerates the tables, as the READMEs name it. */
const COMMAND = 'npm run cost-tables';
const SEED = 1;
const SIM_SIZES = [16, 64];
/** A walk's step bound in the simulations (simulate's default). */
const SIM_DEPTH = 500;
/** Below this many seconds a run's time is mostly start-up noise: no time growth factor from it. */
const MIN_TIMED = 0.5;
/** After SIGTERM, how long a check may take to print its incomplete JSON before SIGKILL. */
const GRACE_MS = 15_000;

/** The directory holding package.json above this module (specs/ from source, dist/specs/ built). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cost-table: no package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** One size's exhaustive check, as far as it got. */
export type SizeRow =
  | {
      readonly size: number;
      readonly kind: 'finished';
      readonly verdict: string;
      readonly property?: string;
      readonly states: number;
      readonly transitions: number;
      readonly seconds: number;
    }
  /** The budget ran out (or the memory budget: `incomplete`); `states` were stored by then. */
  | { readonly size: number; readonly kind: 'not finished'; readonly why: string; readonly states?: number; readonly seconds: number }
  /** `--symmetry` at a size with nothing to permute (e.g. one CPU besides the lead). */
  | { readonly size: number; readonly kind: 'nothing to permute' }
  /** The column had spent its own budget before this size. */
  | { readonly size: number; readonly kind: 'not run'; readonly why: string }
  | { readonly size: number; readonly kind: 'error'; readonly message: string };

/** A search that stored every reachable state (a violation or deadlock stops it early). */
export const exhaustive = (r: SizeRow | undefined): r is Extract<SizeRow, { kind: 'finished' }> =>
  r?.kind === 'finished' && (r.verdict === 'pass' || r.verdict === 'unreachable');

/** Whether a column goes on to the next size after this row. */
const goesOn = (r: SizeRow): boolean => r.kind === 'nothing to permute' || r.kind === 'finished';

interface Child {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly timedOut: boolean;
  readonly wall: number;
}

/** `node bin/tdxmc.js args`, sent SIGTERM after `budget` seconds (then SIGKILL after a grace). */
function tdxmc(args: readonly string[], budget: number): Promise<Child> {
  const bin = join(repoRoot(), 'bin', 'tdxmc.js');
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let kill: NodeJS.Timeout | undefined;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const term = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      kill = setTimeout(() => child.kill('SIGKILL'), GRACE_MS);
    }, budget * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(term);
      clearTimeout(kill);
      resolve({ stdout, stderr, code, timedOut, wall: (performance.now() - start) / 1000 });
    });
  });
}

const parsed = (stdout: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

/** The flags of every size run: safety only, one search thread, so that times compare across sizes. */
export const checkArgs = (spec: string, param: string, size: number | 'N', symmetry: boolean): string[] => [
  'check',
  spec,
  '--set',
  `${param}=${size}`,
  '--no-liveness',
  '--workers',
  '1',
  ...(symmetry ? ['--symmetry'] : []),
  '--quiet',
  '--json',
];

/** One exhaustive check through the CLI, within `budget` seconds of wall time. */
export async function checkSize(spec: string, param: string, size: number, symmetry: boolean, budget: number): Promise<SizeRow> {
  const c = await tdxmc(checkArgs(spec, param, size, symmetry), budget);
  const j = parsed(c.stdout);
  if (c.timedOut)
    return {
      size,
      kind: 'not finished',
      why: `not finished within ${budget} s`,
      ...(typeof j?.['distinctStates'] === 'number' ? { states: j['distinctStates'] } : {}),
      seconds: c.wall,
    };
  if (symmetry && /declares no interchangeable actors/.test(c.stderr)) return { size, kind: 'nothing to permute' };
  if (j === undefined || j['verdict'] === 'error') return { size, kind: 'error', message: (c.stderr.trim().split('\n')[0] ?? '') || `exit ${c.code}` };
  const states = j['distinctStates'] as number;
  const seconds = j['seconds'] as number;
  if (j['verdict'] === 'incomplete') return { size, kind: 'not finished', why: `incomplete (${String(j['stoppedBy'] ?? 'a bound')})`, states, seconds };
  const property = (j['violation'] as { property?: string } | undefined)?.property;
  return {
    size,
    kind: 'finished',
    verdict: j['verdict'] as string,
    ...(property === undefined ? {} : { property }),
    states,
    transitions: j['transitions'] as number,
    seconds,
  };
}

export type SizeRunner = (size: number) => Promise<SizeRow>;

/**
 * Sizes from..to in turn, stopping after the first that does not finish (or fails to run), or,
 * once the column has taken `columnBudget` seconds, with a 'not run' row for the next size.
 */
export async function column(from: number, to: number, run: SizeRunner, columnBudget = Infinity, onRow: (r: SizeRow) => void = () => {}): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  const start = performance.now();
  for (let size = from; size <= to; size++) {
    const spent = (performance.now() - start) / 1000;
    const r: SizeRow = spent < columnBudget ? await run(size) : { size, kind: 'not run', why: `not run: the column had used its ${columnBudget} s` };
    rows.push(r);
    onRow(r);
    if (!goesOn(r)) break;
  }
  return rows;
}

export interface Growth {
  /** States over the states at one CPU fewer; both searches exhaustive. */
  readonly states?: number;
  /** Likewise seconds, where both took at least MIN_TIMED. */
  readonly time?: number;
}

/** Each row's growth over the row before it (one CPU fewer), where both are exhaustive. */
export function growth(rows: readonly SizeRow[]): Growth[] {
  return rows.map((r, k) => {
    const prev = rows[k - 1];
    if (!exhaustive(r) || !exhaustive(prev) || prev.size !== r.size - 1) return {};
    return { states: r.states / prev.states, ...(prev.seconds >= MIN_TIMED && r.seconds >= MIN_TIMED ? { time: r.seconds / prev.seconds } : {}) };
  });
}

/** The largest size of a column searched exhaustively, if any. */
export const largestExhaustive = (rows: readonly SizeRow[]): number | undefined => rows.filter(exhaustive).at(-1)?.size;

export interface SimRow {
  readonly size: number;
  readonly verdict: string;
  readonly property?: string;
  readonly walks: number;
  readonly steps: number;
  readonly seconds: number;
  /** Walks that ended at the depth bound rather than in an end state. */
  readonly cut: number;
}

export const simulateArgs = (spec: string, param: string, size: number | 'N', seconds: number): string[] => [
  'simulate',
  spec,
  '--set',
  `${param}=${size}`,
  '--seed',
  String(SEED),
  '--time',
  String(seconds),
  '--runs',
  '100000000',
  '--depth',
  String(SIM_DEPTH),
  '--no-shrink',
  '--json',
];

/** One timed simulation through the CLI. */
export async function simulateSize(spec: string, param: string, size: number, seconds: number): Promise<SimRow | string> {
  // The budget of the walks themselves, plus start-up and JSON: a hung child is still stopped.
  const c = await tdxmc(simulateArgs(spec, param, size, seconds), seconds + 60);
  const j = parsed(c.stdout);
  if (j === undefined || typeof j['walks'] !== 'number') return (c.stderr.trim().split('\n')[0] ?? '') || `exit ${c.code}`;
  const runs = (j['runs'] as { end: string }[] | undefined) ?? [];
  const property = (j['violation'] as { property?: string } | undefined)?.property;
  return {
    size,
    verdict: j['verdict'] as string,
    ...(property === undefined ? {} : { property }),
    walks: j['walks'],
    steps: j['steps'] as number,
    seconds: j['seconds'] as number,
    cut: runs.filter((r) => r.end === 'depth').length,
  };
}

export interface Machine {
  readonly date: string;
  readonly cores: number;
  readonly model: string;
  /** The 1-minute load average when the spec's runs began. */
  readonly load: number;
}

export const machineNow = (): Machine => ({
  date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  cores: cpus().length,
  model: cpus()[0]?.model.trim() ?? 'unknown CPU',
  load: loadavg()[0]!,
});

export interface CostTable {
  readonly spec: string;
  readonly param: string;
  readonly range: readonly [number, number];
  readonly budget: number;
  readonly columnBudget: number;
  readonly simSeconds: number;
  readonly machine: Machine;
  readonly plain: readonly SizeRow[];
  /** Undefined where the spec declares no interchangeable actors. */
  readonly symmetric?: readonly SizeRow[];
  readonly sims: readonly (SimRow | { readonly size: number; readonly failed: string })[];
}

/** The size parameter of a cost table: the spec's CPU count, else its vCPU count. */
export const sizeParam = (spec: Spec): (ParamDecl & { type: 'int' }) | undefined =>
  ['cpus', 'vcpus'].map((n) => spec.params.find((p) => p.name === n)).find((p): p is ParamDecl & { type: 'int' } => p?.type === 'int');

const factor = (x: number | undefined): string => (x === undefined ? '' : `${x.toFixed(1)}×`);

function verdictCell(r: SizeRow): string {
  switch (r.kind) {
    case 'finished':
      return r.property === undefined ? r.verdict : `${r.verdict} ${r.property}`;
    case 'not finished':
    case 'not run':
      return r.why;
    case 'nothing to permute':
      return '— (nothing to permute)';
    case 'error':
      return `error: ${r.message}`;
  }
}

/** A column's cells at one size: verdict, states, transitions, seconds, growth; blank where it has no row. */
function cells(rows: readonly SizeRow[], size: number): string[] {
  const k = rows.findIndex((r) => r.size === size);
  const r = rows[k];
  if (r === undefined) return ['', '', '', '', '', ''];
  const g = growth(rows)[k]!;
  if (r.kind === 'finished') return [verdictCell(r), num(r.states), num(r.transitions), r.seconds.toFixed(2), factor(g.states), factor(g.time)];
  if (r.kind === 'not finished') return [verdictCell(r), r.states === undefined ? '' : `> ${num(r.states)}`, '', r.seconds.toFixed(2), '', ''];
  return [verdictCell(r), '', '', '', '', ''];
}

const mdCell = (s: string): string => s.replace(/\|/g, '\\|');

function markdownTable(head: readonly string[], body: readonly (readonly string[])[], right: readonly boolean[]): string[] {
  return [head, right.map((r) => (r ? '---:' : '---')), ...body].map((r) => `| ${r.map(mdCell).join(' | ')} |`);
}

const code = (args: readonly string[]): string => '`tdxmc ' + args.join(' ') + '`';

/** The Markdown between the markers. */
export function renderCostTable(t: CostTable): string {
  const { spec, param, machine: m } = t;
  const unit = param === 'vcpus' ? 'vCPU' : 'CPU';
  const largest = (rows: readonly SizeRow[] | undefined) => {
    const n = rows === undefined ? undefined : largestExhaustive(rows);
    return n === undefined ? 'none' : `${param}=${n}`;
  };
  const out = [
    `Generated by \`${COMMAND}\` on ${m.date}, ${m.cores} cores (${m.model}), load average ${m.load.toFixed(2)} at the start;` +
      ` each run got ${t.budget} s of wall time (TDXMC_COST_BUDGET), and a column started no size after ${t.columnBudget} s` +
      ` (TDXMC_COST_COLUMN_BUDGET). Figures vary with the machine and its load.`,
    '',
    `Exhaustive search: ${code(checkArgs(spec, param, 'N', false))}, other parameters at their defaults, one run a process,` +
      ` upward from ${param}=${t.range[0]}; liveness is left out (\`--symmetry\` leaves it out anyway). A column stops at the first size` +
      ` not finished within the budget, recorded as such (never as a pass). × states and × time: growth over one ${unit} fewer, where` +
      ` both searches were exhaustive (× time only where both took ${MIN_TIMED} s or more). A violation stops the search early: its` +
      ` states are those stored by then.`,
    '',
    `Largest ${param} searched exhaustively: ${largest(t.plain)} without symmetry, ` +
      (t.symmetric === undefined ? 'and the spec declares no interchangeable actors for `--symmetry`.' : `${largest(t.symmetric)} with \`--symmetry\`.`),
    '',
  ];
  const sizes = [...new Set([...t.plain, ...(t.symmetric ?? [])].map((r) => r.size))].sort((a, b) => a - b);
  const group = ['verdict', 'states', 'transitions', 'seconds', '× states', '× time'];
  const right = [true, false, true, true, true, true, true];
  out.push(
    ...(t.symmetric === undefined
      ? markdownTable(
          [param, ...group],
          sizes.map((n) => [String(n), ...cells(t.plain, n)]),
          right,
        )
      : markdownTable(
          [param, ...group, ...group.map((h) => `sym. ${h}`)],
          sizes.map((n) => [String(n), ...cells(t.plain, n), ...cells(t.symmetric!, n)]),
          [...right, ...right.slice(1)],
        )),
  );
  out.push('');
  if (t.sims.length === 0) {
    const all = largestExhaustive(t.plain) === t.range[1];
    out.push(
      `No simulation rows: \`${param}\` goes up to ${t.range[1]}` + (all ? ', and every size was searched exhaustively above.' : `, short of ${SIM_SIZES[0]}.`),
    );
  } else {
    out.push(
      `Simulation: ${code(simulateArgs(spec, param, 'N', t.simSeconds))} (seed ${SEED}, ${t.simSeconds} s, walks of at most` +
        ` ${SIM_DEPTH} steps, safety properties only, no shrinking). Mean walk depth is steps over walks; a walk cut at the depth bound` +
        ` had not reached an end state.`,
      '',
      ...markdownTable(
        [param, 'result', 'walks', 'steps', 'steps/s', 'mean walk depth', `walks cut at ${SIM_DEPTH}`],
        t.sims.map((s) =>
          'failed' in s
            ? [String(s.size), `error: ${s.failed}`, '', '', '', '', '']
            : [
                String(s.size),
                s.property === undefined ? s.verdict : `${s.verdict} ${s.property}`,
                num(s.walks),
                num(s.steps),
                num(s.steps / s.seconds),
                s.walks === 0 ? '' : num(s.steps / s.walks, 1),
                num(s.cut),
              ],
        ),
        [true, false, true, true, true, true, true],
      ),
    );
  }
  return out.join('\n');
}

/** The one line of a spec with no CPU-count parameter. */
export const noTable = (spec: string): string => `No cost table: ${spec} has no CPU-count parameter (\`cpus\` or \`vcpus\`) to grow.`;

/**
 * `readme` with `body` between the markers, or, without markers, a "State space" section with them
 * appended; nothing outside the markers changes.
 */
export function replaceMarked(readme: string, body: string): string {
  const b = readme.indexOf(BEGIN);
  const e = readme.indexOf(END);
  if (b >= 0 && e > b) return readme.slice(0, b + BEGIN.length) + '\n' + body + '\n' + readme.slice(e);
  if (b >= 0 || e >= 0) throw new Error(`cost-table: the markers ${BEGIN} and ${END} are not a pair in order`);
  return `${readme.replace(/\n*$/, '\n')}\n## State space\n\n${BEGIN}\n${body}\n${END}\n`;
}

const envSeconds = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const v = raw === undefined ? fallback : Number(raw);
  if (!(v > 0)) throw new Error(`${name}: '${raw}' is not a positive number of seconds`);
  return v;
};

/** Measures one spec's table (progress on stderr). */
export async function measure(spec: Spec, budget: number, columnBudget: number, simSeconds: number): Promise<CostTable | undefined> {
  const p = sizeParam(spec);
  if (p === undefined) return undefined;
  const machine = machineNow();
  const log = (what: string) => (r: SizeRow) => process.stderr.write(`  ${spec.name} ${what} ${p.name}=${r.size}: ${verdictCell(r)}\n`);
  const plain = await column(p.min, p.max, (n) => checkSize(spec.name, p.name, n, false, budget), columnBudget, log('check'));
  // Whether --symmetry means anything: at the largest size, where a spec's permutable actors are.
  const largest = checkParams(spec.params, { [p.name]: p.max });
  const declares = largest.ok && (spec.build(largest.params).symmetry?.length ?? 0) > 0;
  const symmetric = declares
    ? await column(p.min, p.max, (n) => checkSize(spec.name, p.name, n, true, budget), columnBudget, log('check --symmetry'))
    : undefined;
  const sims: CostTable['sims'][number][] = [];
  for (const size of SIM_SIZES.filter((n) => n >= p.min && n <= p.max)) {
    const s = await simulateSize(spec.name, p.name, size, simSeconds);
    process.stderr.write(`  ${spec.name} simulate ${p.name}=${size}: ${typeof s === 'string' ? s : `${num(s.steps / s.seconds)} steps/s`}\n`);
    sims.push(typeof s === 'string' ? { size, failed: s } : s);
  }
  return {
    spec: spec.name,
    param: p.name,
    range: [p.min, p.max],
    budget,
    columnBudget,
    simSeconds,
    machine,
    plain,
    ...(symmetric === undefined ? {} : { symmetric }),
    sims,
  };
}

async function main(): Promise<void> {
  const budget = envSeconds('TDXMC_COST_BUDGET', 60);
  const columnBudget = envSeconds('TDXMC_COST_COLUMN_BUDGET', 5 * budget);
  const simSeconds = envSeconds('TDXMC_COST_SIM_SECONDS', 10);
  const names = process.env['TDXMC_COST_SPECS']?.split(',') ?? catalog.names;
  for (const name of names) {
    const spec = await catalog.load(name);
    if (spec === undefined) throw new Error(`TDXMC_COST_SPECS: no spec '${name}' (${catalog.names.join(', ')})`);
    process.stderr.write(`${name}:\n`);
    const t = await measure(spec, budget, columnBudget, simSeconds);
    const file = join(repoRoot(), 'specs', name, 'README.md');
    writeFileSync(file, replaceMarked(readFileSync(file, 'utf8'), t === undefined ? noTable(name) : renderCostTable(t)));
    process.stderr.write(`  wrote ${file}\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
