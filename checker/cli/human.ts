// The human summary of `tdxmc check`: verdict, figures, and for a violation the trace with only
// what changed at each step.

import type { CheckOutcome } from '../check.js';
import { annotateTrace } from '../index.js';
import type { Params } from '../spec.js';
import { coverage, coverageCaveat } from '../report/coverage.js';
import { fields, paramText, valueText as value } from '../report/values.js';
import { wrap } from '../report/wrap.js';

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Action coverage in two lines: counts per action, then the actions that never fired. */
function coverageLines(o: CheckOutcome): string[] {
  const c = coverage(o);
  // `; ` apart: action names may contain commas.
  const out = wrap(`  actions fired: ${c.actions.map((a) => `${a.name} ${fmt(a.fired)}`).join('; ')}`, 100, '    ');
  if (c.neverFired.length > 0) {
    const caveat = coverageCaveat(o.verdict);
    out.push(...wrap(`  never fired: ${c.neverFired.join('; ')}${caveat === undefined ? ' (a guard that never holds?)' : ` (${caveat})`}`, 100, '    '));
  }
  return out;
}

export function renderCheck(spec: string, params: Params, o: CheckOutcome, search: string): string {
  const s = o.stats;
  const out: string[] = [];
  const failed = o.violation ? [o.violation.property] : (o.unreachable ?? []);
  const title = failed.length > 0 ? `${o.verdict}: ${failed.map((p) => p.name).join(', ')}` : o.verdict;
  out.push(`${spec} ${paramText(params)}: ${title}`);
  const rate = s.seconds > 0 ? s.distinctStates / s.seconds : 0;
  out.push(
    `  ${fmt(s.distinctStates)} distinct states, ${fmt(s.transitions)} transitions, depth ${s.maxDepth}, ${s.seconds.toFixed(2)} s (${fmt(rate)} states/s, ${search})`,
  );
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
    out.push('', `Reachability target ${t.name} is never reached: ${t.description}`);
    if (t.source) out.push(`  source: ${t.source}`);
  }
  if (o.violation) {
    const v = o.violation;
    out.push('', `${v.kind === 'deadlock' ? 'Deadlock' : `Property ${v.property.name}`}: ${v.property.description}`);
    if (v.property.source) out.push(`  source: ${v.property.source}`);
    out.push('', `Trace (${v.trace.length - 1} steps):`);
    for (const step of annotateTrace(o)!) {
      if (v.loopStart !== undefined && step.index === v.loopStart + 1)
        out.push(`  -- from here the steps repeat for ever, back to the state after step ${v.loopStart} --`);
      out.push(`  ${step.index}  ${step.label}`);
      if (step.index === 0) for (const f of fields(step.state)) out.push(`       ${f.path}=${value(f.value)}`);
      for (const c of step.changes) out.push(`       ${c.path}: ${value(c.from)} -> ${value(c.to)}`);
    }
    if (v.loopStart === v.trace.length - 1) out.push('  -- the path stays in this state for ever --');
  }
  return out.join('\n');
}
