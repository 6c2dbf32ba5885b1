// `tdxmc check --sweep name=a..b`: one check per value of an int parameter, a row each (states,
// transitions, time, memory, verdict), as a table or JSON: the evidence of how the cost grows
// and up to which size a spec was checked exhaustively.

import { EXIT, UsageError } from '../exit.js';
import type { CheckJson } from '../report/check-json.js';
import type { Spec } from '../spec.js';
import type { Style, Tone } from './colour.js';
import { fmt } from './human.js';
import { didYouMean } from './suggest.js';

export interface Sweep {
  readonly name: string;
  readonly values: readonly number[];
}

/** `name=a..b` over an int parameter of the spec, within its range, a <= b. */
export function parseSweep(raw: string, spec: Spec, set: readonly string[]): Sweep {
  const m = /^([A-Za-z_][\w]*)=(\d+)\.\.(\d+)$/.exec(raw);
  if (m === null) throw new UsageError(`--sweep: '${raw}' is not name=a..b (e.g. cpus=1..4)`);
  const name = m[1]!;
  const decl = spec.params.find((p) => p.name === name);
  const ints = spec.params.filter((p) => p.type === 'int').map((p) => p.name);
  if (decl === undefined || decl.type !== 'int')
    throw new UsageError(`--sweep: spec ${spec.name} has no int parameter '${name}'${didYouMean(name, ints, `its int parameters: ${ints.join(', ')}`)}`);
  const [from, to] = [Number(m[2]), Number(m[3])];
  if (from > to || from < decl.min || to > decl.max)
    throw new UsageError(`--sweep: ${name}=${from}..${to} is not within ${decl.min}..${decl.max} in ascending order`);
  if (set.some((s) => s.split('=')[0] === name)) throw new UsageError(`--sweep: ${name} is also given by --set`);
  return { name, values: Array.from({ length: to - from + 1 }, (_, k) => from + k) };
}

export interface SweepRow {
  readonly value: number;
  readonly verdict: CheckJson['verdict'];
  readonly property?: string;
  readonly distinctStates: number;
  readonly transitions: number;
  readonly seconds: number;
  /** The most the search's arrays held at once, and the process's peak RSS, in bytes. */
  readonly memoryPeak: number;
  readonly peakRss: number;
}

/** A row from `check --json`'s object, the one shape a check run reports in. */
export function rowOf(value: number, j: CheckJson): SweepRow {
  return {
    value,
    verdict: j.verdict,
    ...(j.violation === undefined ? {} : { property: j.violation.property }),
    distinctStates: j.distinctStates,
    transitions: j.transitions,
    seconds: j.seconds,
    memoryPeak: j.memory?.peak ?? 0,
    peakRss: j.memory?.peakRss ?? 0,
  };
}

/** Whether the sweep stops after this row (without --keep-going): a finding or a model error. */
export const stopsSweep = (r: SweepRow): boolean => r.verdict !== 'pass' && r.verdict !== 'incomplete';

/** The exit code of the whole: a model error, else a finding, else an incomplete run, else pass. */
export function sweepExit(rows: readonly SweepRow[]): number {
  const has = (...v: string[]) => rows.some((r) => v.includes(r.verdict));
  return has('error') ? EXIT.badInput : has('violation', 'deadlock', 'unreachable') ? EXIT.violation : has('incomplete') ? EXIT.incomplete : EXIT.pass;
}

const mib = (b: number): string => (b / 2 ** 20).toFixed(1);

export function renderSweep(spec: string, base: string, sweep: Sweep, rows: readonly SweepRow[], style: Style): string {
  const head = [sweep.name, 'verdict', 'states', 'transitions', 'seconds', 'x states', 'peak MiB', 'RSS MiB'];
  const cells = rows.map((r, k) => [
    String(r.value),
    r.property === undefined ? r.verdict : `${r.verdict} ${r.property}`,
    fmt(r.distinctStates),
    fmt(r.transitions),
    r.seconds.toFixed(2),
    k === 0 ? '' : (r.distinctStates / Math.max(1, rows[k - 1]!.distinctStates)).toFixed(1),
    mib(r.memoryPeak),
    mib(r.peakRss),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[], tone?: Tone) =>
    '  ' +
    c
      .map((x, i) => (i <= 1 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!)))
      .map((x, i) => (i === 1 && tone !== undefined ? style.tone(x, tone) : x))
      .join('  ');
  const toneOf = (v: string): Tone => (v === 'pass' ? 'good' : v === 'incomplete' ? 'unsure' : 'bad');
  const skipped = sweep.values.length - rows.length;
  return [
    `${spec} ${base}: --sweep ${sweep.name}=${sweep.values[0]}..${sweep.values.at(-1)}`,
    line(head),
    ...cells.map((c, k) => line(c, toneOf(rows[k]!.verdict))),
    ...(skipped > 0 ? [`  stopped after ${sweep.name}=${rows.at(-1)!.value} (--keep-going checks the other ${skipped})`] : []),
  ].join('\n');
}
