// The trace as a Mermaid sequenceDiagram (GitHub renders it in place): one lane per CPU and per
// shared actor; a step that calls a shared actor is an arrow to its lane, a local step a note.

import { failureName, failurePoint, type Report, type ReportStep } from './report.js';
import { valueText } from './values.js';

/**
 * Mermaid's lexer ends text at `;` and `#` (statement end, comment), and text is HTML: write
 * those and `<` as Mermaid entity codes (`#59;`).
 */
function escape(s: string): string {
  return s.replace(/[#;<]/g, (c) => `#${c.charCodeAt(0)};`);
}

function label(step: ReportStep): string {
  const head = `${step.index}. ${step.action}${step.context === undefined ? '' : ` [${step.context}]`}`;
  return [head, ...step.changes.map((c) => `${c.path}: ${valueText(c.from)} -> ${valueText(c.to)}`)].map(escape).join('<br/>');
}

/** Undefined when no step was taken (the initial state already fails): nothing to draw. */
export function sequenceDiagram(r: Report): string | undefined {
  if (r.lanes.length === 0) return undefined;
  const id = new Map(r.lanes.map((l) => [l.name, l.id]));
  const span = r.lanes.length === 1 ? r.lanes[0]!.id : `${r.lanes[0]!.id},${r.lanes[r.lanes.length - 1]!.id}`;
  const out = ['sequenceDiagram', ...r.lanes.map((l) => `  participant ${l.id} as ${escape(l.name)}`)];
  const last = r.steps.length - 1;
  for (const step of r.steps.slice(1)) {
    // A liveness counterexample's cycle: the steps after loopStart repeat for ever.
    if (step.index === (r.loopStart ?? last) + 1) out.push('  loop for ever');
    const from = id.get(step.lane!)!;
    const indent = r.loopStart !== undefined && step.index > r.loopStart ? '    ' : '  ';
    out.push(step.target === undefined ? `${indent}Note over ${from}: ${label(step)}` : `${indent}${from}->>${id.get(step.target)!}: ${label(step)}`);
  }
  if (r.loopStart !== undefined && r.loopStart < last) out.push('  end');
  out.push('  rect rgb(255, 221, 221)', `    Note over ${span}: ${escape(`${failureName(r, 'upper')}: ${failurePoint(r)}`)}`, '  end');
  return out.join('\n');
}
