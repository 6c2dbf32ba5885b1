// The human summary of `tdxmc check`: verdict, figures, and for a violation the trace with only
// what changed at each step.

import type { CheckOutcome } from '../check.js';
import { annotateTrace } from '../annotate.js';
import { DEADLOCK } from '../properties.js';
import type { Progress } from '../result.js';
import type { Params } from '../spec.js';
import { coverage, coverageCaveat } from '../report/coverage.js';
import { fields, paramText, valueText as value } from '../report/values.js';
import { wrap } from '../report/wrap.js';
import { PLAIN, verdictTone, type Style } from './colour.js';

export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Action coverage in two lines: counts per action, then the actions that never fired. */
export function coverageLines(o: CheckOutcome): string[] {
  const c = coverage(o);
  // `; ` apart: action names may contain commas.
  const out = wrap(`  actions fired: ${c.actions.map((a) => `${a.name} ${fmt(a.fired)}`).join('; ')}`, 100, '    ');
  if (c.neverFired.length > 0) {
    const caveat = coverageCaveat(o.verdict);
    out.push(...wrap(`  never fired: ${c.neverFired.join('; ')}${caveat === undefined ? ' (a guard that never holds?)' : ` (${caveat})`}`, 100, '    '));
  }
  return out;
}

/** A property a run left out, and the choice that did: `--skip-property`, `--no-liveness`, `--symmetry`. */
export interface Skipped {
  readonly property: string;
  readonly why: string;
}

/** `, skipping SerialInstall (--skip-property), Terminates (--no-liveness)`: after the verdict. */
const skippedText = (skipped: readonly Skipped[]): string =>
  skipped.length === 0 ? '' : `, skipping ${skipped.map((k) => `${k.property} (${k.why})`).join(', ')}`;

const figures = (states: number, transitions: number, depth: number, seconds: number, search: string): string =>
  `  ${fmt(states)} distinct states, ${fmt(transitions)} transitions, depth ${depth}, ${seconds.toFixed(2)} s (${fmt(seconds > 0 ? states / seconds : 0)} states/s, ${search})`;

/** The safety properties a search checked in every state: what a pass covers besides liveness. */
export const safetyChecked = (o: CheckOutcome): string[] => {
  const m = o.compiled.model;
  return [...m.invariants, ...(m.transitionProperties ?? []), ...(m.targets ?? [])].map((p) => p.name).concat(DEADLOCK.name);
};

/** The verdict word, coloured by how it reads. */
const verdictWord = (verdict: string, style: Style): string => style.tone(verdict, verdictTone(verdict));

export function renderCheck(spec: string, params: Params, o: CheckOutcome, search: string, skipped: readonly Skipped[] = [], style: Style = PLAIN): string {
  const s = o.stats;
  const out: string[] = [];
  const failed = o.violation ? [o.violation.property] : (o.unreachable ?? []);
  const verdict = verdictWord(o.verdict, style);
  const title = failed.length > 0 ? `${verdict}: ${failed.map((p) => p.name).join(', ')}` : verdict;
  out.push(`${spec} ${paramText(params)}: ${title}${skippedText(skipped)}`);
  out.push(figures(s.distinctStates, s.transitions, s.maxDepth, s.seconds, search));
  if (s.partiallyExpanded !== undefined)
    out.push(`  partial-order reduction: ${fmt(s.partiallyExpanded)} states expanded through a persistent subset of their steps`);
  if (o.verdict === 'pass') out.push(...wrap(`  checked in every state: ${safetyChecked(o).join(', ')}`, 100, '    '));
  out.push(
    s.collisionProbability > 0
      ? `  64-bit fingerprints: probability of a missed state by collision ${s.collisionProbability.toExponential(1)}`
      : '  exact state storage: no collisions possible',
  );
  out.push(...coverageLines(o));
  if (o.liveness) {
    const l = o.liveness;
    out.push(
      l.skipped === undefined
        ? `  liveness: ${l.checked.join(', ')} on fair paths, ${l.seconds.toFixed(2)} s (graph of ${fmt(l.edges)} edges, ${(l.bytes / 2 ** 20).toFixed(1)} MiB)`
        : `  liveness: not checked (${l.skipped})`,
    );
  }
  if (o.verdict === 'incomplete' && o.stoppedBy) out.push(`  stopped by --${o.stoppedBy}: not every reachable state was explored`);
  for (const t of o.unreachable ?? []) {
    out.push('', `${style.heading(`Reachability target ${t.name} is never reached:`)} ${t.description}`);
    if (t.source) out.push(`  source: ${t.source}`);
  }
  out.push(...violationLines(o, style));
  return out.join('\n');
}

/** The violated property and its trace, each step with only what changed (nothing without a violation). */
export function violationLines(o: CheckOutcome, style: Style = PLAIN): string[] {
  const v = o.violation;
  if (v === undefined) return [];
  const out = ['', `${style.heading(`${v.kind === 'deadlock' ? 'Deadlock' : `Property ${v.property.name}`}:`)} ${v.property.description}`];
  if (v.property.source) out.push(`  source: ${v.property.source}`);
  out.push('', style.heading(`Trace (${v.trace.length - 1} steps):`));
  for (const step of annotateTrace(o)!) {
    if (v.loopStart !== undefined && step.index === v.loopStart + 1)
      out.push(`  -- from here the steps repeat for ever, back to the state after step ${v.loopStart} --`);
    out.push(`  ${step.index}  ${step.label}`);
    if (step.index === 0) for (const f of fields(step.state)) out.push(`       ${f.path}=${value(f.value)}`);
    for (const c of step.changes) out.push(`       ${c.path}: ${value(c.from)} -> ${value(c.to)}`);
  }
  if (v.loopStart === v.trace.length - 1) out.push('  -- the path stays in this state for ever --');
  return out;
}

/** What a run stopped by a signal had explored, from its last progress report. */
export function renderInterrupted(
  spec: string,
  params: Params,
  p: Progress,
  seconds: number,
  search: string,
  signal: string,
  skipped: readonly Skipped[],
  style: Style = PLAIN,
): string {
  return [
    `${spec} ${paramText(params)}: ${verdictWord('incomplete', style)}${skippedText(skipped)}`,
    figures(p.distinctStates, p.transitions, p.depth, seconds, search),
    `  stopped by ${signal}: not every reachable state was explored`,
  ].join('\n');
}
