// The human output of `tdxmc ci`: one line per configuration (spec, name, parameters, outcome,
// states, seconds), then what went wrong with each failure and the tally. No line is wider than
// WIDTH columns: a configuration too wide for one line takes two, its outcome on the second.

import { wrap } from '../report/wrap.js';
import type { Configuration } from './configuration.js';
import { configurationId, settingsText } from './configuration.js';
import { actualText, expectedText, type Actual, type Expected } from './expected.js';
import type { GateRow } from './gate.js';

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The widest line of `ci`'s human output. */
export const WIDTH = 100;
/** Where a folded line's continuation starts. */
const INDENT = '      ';

/** `line`, or its words wrapped under a hanging indent when it is too wide. */
export const fitted = (line: string, indent = INDENT): string[] => (line.length <= WIDTH ? [line] : wrap(line, WIDTH, indent));

export interface Columns {
  readonly spec: number;
  readonly name: number;
  readonly settings: number;
  /** The outcome's column: as wide as the widest expected outcome. */
  readonly expected: number;
}

/** Column widths from what is known before anything runs. */
export function columns(configs: readonly Configuration[]): Columns {
  const w = (f: (c: Configuration) => string): number => Math.max(0, ...configs.map((c) => f(c).length));
  return {
    spec: w((c) => c.spec.name),
    name: w((c) => c.expectation.name),
    settings: w((c) => settingsText(c.expectation)),
    expected: w((c) => expectedText(c.expectation.expect)),
  };
}

/**
 * A configuration's line: `ok` and what it showed, or `FAIL` and what was expected and got. When
 * the columns make it too wide, the spec, name and parameters go on one line and the outcome,
 * states and seconds on the next.
 */
export function rowLines(r: GateRow, cols: Columns): string[] {
  const c = r.config;
  const s = r.result.stats;
  const e = c.expectation;
  const outcome = r.passed ? actualText(r.result.actual) : `expected ${expectedText(e.expect)}, got ${actualText(r.result.actual)}`;
  const counts = [`${fmt(s.distinctStates)} states`, `${s.seconds.toFixed(2)} s`];
  const status = (r.passed ? 'ok' : 'FAIL').padEnd(4);
  const line = [
    status,
    c.spec.name.padEnd(cols.spec),
    e.name.padEnd(cols.name),
    settingsText(e).padEnd(cols.settings),
    outcome.padEnd(cols.expected),
    ...counts,
  ].join('  ');
  if (line.length <= WIDTH) return [line];
  const lead = [status, c.spec.name.padEnd(cols.spec)];
  /** The lines under the head: `first` (parameters, outcome), then the counts, on a line of their own when they do not fit. */
  const under = (first: string[]): string[] => {
    const one = INDENT + [...first, ...counts].join('  ');
    return one.length <= WIDTH ? [one] : [...fitted(INDENT + first.join('  ')), INDENT + counts.join('  ')];
  };
  // Heads stay in columns when every one can; else each as it comes, its parameters moved down when it must.
  if ([status, ''.padEnd(cols.spec), ''.padEnd(cols.name), ''.padEnd(cols.settings)].join('  ').length <= WIDTH)
    return [[...lead, e.name.padEnd(cols.name), settingsText(e)].join('  '), ...under([outcome])];
  const head = [...lead, e.name, settingsText(e)].join('  ');
  if (head.length <= WIDTH) return [head, ...under([outcome])];
  return [...fitted([...lead, e.name].join('  ')), ...under([settingsText(e), outcome])];
}

/** Why an outcome is not the expected one, in a reviewer's terms. */
export function why(e: Expected, a: Actual): string {
  if (a.error !== undefined) return 'the model could not be checked: fix the model or the expectation';
  if (a.verdict === 'incomplete') {
    return a.stoppedBy === 'time'
      ? 'not finished within the --timeout budget: no verdict'
      : `the search stopped at its bound (${a.stoppedBy ?? 'unknown'}) before a verdict: raise the bound or shrink the configuration`;
  }
  if (a.verdict === 'pass') return 'no reachable state breaks it any more: the known-bad design no longer fails (or the model lost the behaviour)';
  if (a.verdict === 'unreachable' && e.verdict !== 'unreachable') return `no reachable state meets ${a.property}: the model lost a behaviour it must keep`;
  if (e.verdict === 'pass') return `${a.property} is broken: see the counterexample`;
  if (e.verdict === 'violation' && a.property !== e.property) return `it fails for another reason (${a.property}) than the expected ${e.property}`;
  if (e.verdict !== a.verdict) return `it ends in ${a.verdict} where ${e.verdict} was expected`;
  return 'it fails for the expected reason, but the shortest counterexample changed length';
}

/** The failures, each with its reason and report files. */
export function failureLines(rows: readonly GateRow[]): string[] {
  const failed = rows.filter((r) => !r.passed && r.result.notRun !== true);
  if (failed.length === 0) return [];
  const out = ['', `${failed.length} configuration${failed.length === 1 ? '' : 's'} not as expected:`];
  for (const r of failed) {
    const e = r.config.expectation;
    out.push(...fitted(`  ${configurationId(r.config)} (${settingsText(e)}): expected ${expectedText(e.expect)}, got ${actualText(r.result.actual)}`, '    '));
    out.push(...fitted(`    ${why(e.expect, r.result.actual)}`, '    '));
    if (r.result.reports.length > 0) out.push(...fitted(`    reports: ${r.result.reports.join(', ')}`, '      '));
  }
  return out;
}

export interface Tally {
  readonly passed: number;
  /** Not as expected, errors and incomplete runs included. */
  readonly failed: number;
  /** Runs whose model threw or could not be loaded. */
  readonly errors: number;
  readonly incomplete: number;
  /** Stopped by a signal before they finished (present only then). */
  readonly notRun?: number;
}

export function tally(rows: readonly GateRow[]): Tally {
  const ran = rows.filter((r) => r.result.notRun !== true);
  const passed = ran.filter((r) => r.passed).length;
  const count = (v: Actual['verdict']): number => ran.filter((r) => r.result.actual.verdict === v).length;
  const notRun = rows.length - ran.length;
  return { passed, failed: ran.length - passed, errors: count('error'), incomplete: count('incomplete'), ...(notRun > 0 ? { notRun } : {}) };
}

/** `14 passed, 3 failed (1 error, 1 incomplete) in 23.4 s`; after a signal `, 60 not run (stopped by SIGINT)`. */
export function tallyLine(rows: readonly GateRow[], seconds: number): string {
  return tallyText(tally(rows), seconds, rows.find((r) => r.result.notRun === true)?.result.actual.stoppedBy);
}

/** The tally line of counts (also `tdxmc merge`'s); `stopped` names the signal that left some not run. */
export function tallyText(t: Tally, seconds: number, stopped?: string): string {
  const within = [t.errors > 0 ? `${t.errors} error${t.errors === 1 ? '' : 's'}` : '', t.incomplete > 0 ? `${t.incomplete} incomplete` : ''].filter(
    (x) => x !== '',
  );
  const notRun = t.notRun === undefined ? '' : `, ${t.notRun} not run (stopped by ${stopped})`;
  return `${t.passed} passed, ${t.failed} failed${within.length > 0 ? ` (${within.join(', ')})` : ''}${notRun} in ${seconds.toFixed(1)} s`;
}
