// `tdxmc ci --format ktap`: KTAP version 1 (Documentation/dev-tools/ktap.rst), as kselftest and
// KUnit print it, for kernel CI that parses test logs. One test per configuration, in declaration
// order, each with a subtest per property of its model:
//   ok                   the search showed the property holds in every reachable state
//   ok ... # XFAIL       a known-bad variant breaks it, as its expectation says
//   not ok               broken where it should hold, held where it should break, or it threw
//   ok ... # SKIP        not checked: the search stopped first (at another property's
//                        counterexample, a bound, a model error), or liveness was not checked
// The configuration is `ok` when its outcome is the expected one (`# ERROR` when the model threw,
// `# TIMEOUT` when the budget ran out, `# SKIP` when a signal stopped `ci` before it ran); its
// diagnostic lines (`# `) say what was expected and got, and a broken property's carry the trace.

import type { DeclaredProperty } from '../spec.js';
import { configurationId, settingsText } from './configuration.js';
import { actualText, expectedText } from './expected.js';
import type { GateRow } from './gate.js';
import { why } from './summary.js';

export const KTAP_VERSION = 'KTAP version 1';

/** One level of nesting, as the format fixes it. */
const INDENT = '  ';

/** A description may hold no `#` (it starts the directive) and no line break. */
const description = (s: string): string => s.replace(/#/g, 'no.').replace(/\s+/g, ' ');

/** Diagnostic lines: `# ` and the text, line by line. */
export const diagnostics = (text: string): string[] => text.split('\n').map((l) => `# ${l}`.trimEnd());

interface Subtest {
  readonly ok: boolean;
  readonly directive?: 'SKIP' | 'XFAIL' | 'ERROR' | 'TIMEOUT';
  /** After the directive, or alone after `#` on a failed line. */
  readonly reason?: string;
  readonly diagnostics?: readonly string[];
}

/** The line of test `n`: `ok 3 name`, `not ok 3 name # reason`, `ok 3 name # SKIP reason`. */
function resultLine(n: number, name: string, t: Pick<Subtest, 'ok' | 'directive' | 'reason'>): string {
  const after = [t.directive, t.reason].filter((x) => x !== undefined).join(' ');
  return `${t.ok ? 'ok' : 'not ok'} ${n} ${description(name)}${after === '' ? '' : ` # ${after}`}`;
}

/** The subtest of each property of the configuration's model, as its run showed it. */
function subtests(r: GateRow): [string, Subtest][] {
  const a = r.result.actual;
  const e = r.config.expectation.expect;
  const json = r.result.json;
  const kind = new Map<string, DeclaredProperty['kind']>(r.config.spec.properties.map((p) => [p.name, p.kind]));
  const broken = a.verdict === 'violation' || a.verdict === 'deadlock' || a.verdict === 'unreachable' ? (a.property ?? '').split(', ') : [];
  const expectedBroken = e.verdict === 'violation' || e.verdict === 'unreachable' ? e.property.split(', ') : e.verdict === 'deadlock' ? ['deadlock'] : [];
  const got = `expected ${expectedText(e)}, got ${actualText(a)}`;
  const stoppedAt = a.verdict === 'deadlock' ? 'the deadlock' : a.verdict === 'violation' ? `the violation of ${a.property}` : undefined;
  const skip = (reason: string): Subtest => ({ ok: true, directive: 'SKIP', reason });
  const judge = (p: string): Subtest => {
    if (a.verdict === 'error') return p === json?.error?.property ? { ok: false, reason: a.error! } : skip('not checked: the model threw');
    if (a.verdict === 'incomplete') return skip(`not checked: the search stopped (${a.stoppedBy ?? 'a bound'}) before a verdict`);
    if (broken.includes(p)) {
      if (r.passed) return { ok: true, directive: 'XFAIL', reason: `${actualText(a)}, as expected` };
      return { ok: false, reason: got, diagnostics: r.result.text === undefined ? [] : diagnostics(r.result.text.trimEnd()) };
    }
    if (expectedBroken.includes(p)) return { ok: false, reason: got };
    const liveness = kind.get(p) === 'liveness';
    // A safety counterexample ends the search; a liveness one comes after a complete safety search.
    if (stoppedAt !== undefined && (kind.get(broken[0]!) !== 'liveness' || liveness)) return skip(`not checked: the search stopped at ${stoppedAt}`);
    if (liveness && !(json?.liveness?.checked ?? []).includes(p)) return skip(`not checked: ${json?.liveness?.skipped ?? 'no liveness check ran'}`);
    return { ok: true };
  };
  return r.config.properties.map((p) => [p.name, judge(p.name)]);
}

/** The plan: the version line and how many configurations follow. */
export const ktapHead = (count: number): string[] => [KTAP_VERSION, `1..${count}`];

/** Test `n`: a configuration, its properties nested, the diagnostics, the result line. */
export function ktapTest(r: GateRow, n: number): string[] {
  const a = r.result.actual;
  const e = r.config.expectation;
  const id = configurationId(r.config);
  if (r.result.notRun === true) return [resultLine(n, id, { ok: true, directive: 'SKIP', reason: `not run: stopped by ${a.stoppedBy}` })];
  const subs = subtests(r);
  const nested = [KTAP_VERSION, `1..${subs.length}`, ...subs.flatMap(([name, t], i) => [...(t.diagnostics ?? []), resultLine(i + 1, name, t)])].map(
    (l) => INDENT + l,
  );
  const s = r.result.stats;
  const summary = `${id} (${settingsText(e)}): ${r.passed ? actualText(a) : `expected ${expectedText(e.expect)}, got ${actualText(a)}`}; ${s.distinctStates} states, ${s.seconds.toFixed(2)} s`;
  const notes = [summary, ...(r.passed ? [] : [why(e.expect, a)]), ...(r.result.reports.length > 0 ? [`reports: ${r.result.reports.join(', ')}`] : [])];
  const directive: Pick<Subtest, 'directive' | 'reason'> =
    a.verdict === 'error'
      ? { directive: 'ERROR', reason: 'the model threw' }
      : a.verdict === 'incomplete' && a.stoppedBy === 'time'
        ? { directive: 'TIMEOUT', reason: 'the --timeout budget ran out' }
        : {};
  return [...nested, ...notes.flatMap(diagnostics), resultLine(n, id, { ok: r.passed, ...directive })];
}
