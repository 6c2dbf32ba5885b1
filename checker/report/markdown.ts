// The Markdown report (GitHub, GitLab, a CI summary): the property, the trace as a table of
// changed variables, the Mermaid sequence diagram, the failing state in full, coverage and
// what was checked.

import { byActorText, coverageCaveat } from './coverage.js';
import { sequenceDiagram } from './mermaid.js';
import { checkedRows, failureName, failurePoint, propertyName, statRows, type Report, type ReportStep, type Row } from './report.js';
import { fields, valueText, within } from './values.js';

/** A table cell: pipes escaped, no line breaks. */
export const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const code = (s: string): string => `\`${cell(s)}\``;

function table(head: readonly string[], body: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string[] {
  const rule = head.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [head, rule, ...body].map((r) => `| ${r.join(' | ')} |`);
}

function traceTable(r: Report): string[] {
  const steps = r.steps.slice(1);
  const has = (f: (s: ReportStep) => string | undefined): boolean => steps.some((s) => f(s) !== undefined);
  const cols: { head: string; get: (s: ReportStep) => string }[] = [
    // A liveness counterexample's cycle: the steps after loopStart repeat for ever.
    { head: 'step', get: (s) => (r.loopStart !== undefined && s.index > r.loopStart ? `${s.index} (loop)` : String(s.index)) },
    { head: r.actorTitle, get: (s) => cell(s.lane!) },
    ...(has((s) => s.context) ? [{ head: 'context', get: (s: ReportStep) => cell(s.context ?? '') }] : []),
    { head: 'action', get: (s) => `**${cell(s.action!)}**` },
    ...(has((s) => s.target) ? [{ head: 'calls', get: (s: ReportStep) => cell(s.target ?? '') }] : []),
    ...(has((s) => s.source) ? [{ head: 'kernel source', get: (s: ReportStep) => cell(s.source ?? '') }] : []),
    {
      head: 'changed (old -> new)',
      get: (s) => s.changes.map((c) => `${code(c.path)}: ${cell(valueText(c.from))} -> ${cell(valueText(c.to))}`).join('<br>') || '(nothing)',
    },
  ];
  return table(
    cols.map((c) => c.head),
    steps.map((s) => cols.map((c) => c.get(s))),
    cols.map((c) => (c.head === 'step' ? 'r' : 'l')),
  );
}

function stateTable(step: ReportStep): string[] {
  return table(
    ['field', 'value'],
    fields(step.state).map((f) => {
      const changed = step.changes.filter((c) => within(c.path, f.path));
      const v = cell(valueText(f.value));
      if (changed.length === 0) return [code(f.path), v];
      const was = changed.map((c) => `${c.path === f.path ? '' : `${cell(c.path)} `}was ${cell(valueText(c.from))}`).join(', ');
      return [`**${code(f.path)}**`, `**${v}** (${was})`];
    }),
  );
}

const rowsTable = (rs: readonly Row[]): string[] =>
  table(
    ['', ''],
    rs.map((x) => [x.label, cell(x.value)]),
  );

export function renderMarkdown(r: Report): string {
  const s = r.subject;
  const last = r.steps[r.steps.length - 1]!;
  const idle = r.lanes.filter((l) => !l.shared && !l.active).map((l) => l.name);
  const title = r.kind === 'error' ? 'Model error' : `Counterexample: ${failureName(r, 'lower', code)}`;
  const out: string[] = [
    `# ${title} in ${cell(r.heading)}`,
    '',
    `**${propertyName(r, 'title')}** (${r.kind}): ${r.property.description}`,
    '',
    ...(r.property.source === undefined ? [] : [`- **Source:** ${r.property.source}`]),
    ...(s.location === undefined ? [] : [`- **Defined at:** ${code(s.location)}`]),
    `- **Where:** ${failurePoint(r)}`,
    '',
    '## Trace',
    '',
    `${r.steps.length - 1} step${r.steps.length === 2 ? '' : 's'} from the initial state` +
      (idle.length === 0 ? '.' : `; ${idle.join(', ')} take${idle.length === 1 ? 's' : ''} no step.`),
    '',
  ];
  if (r.steps.length > 1) out.push(...traceTable(r), '');
  const diagram = sequenceDiagram(r);
  if (diagram !== undefined) out.push('```mermaid', diagram, '```', '');
  out.push(
    `## State after step ${last.index} (in full; bold: changed by step ${last.index})`,
    '',
    ...stateTable(last),
    '',
    '<details><summary>Initial state</summary>',
    '',
    ...stateTable(r.steps[0]!),
    '',
    '</details>',
    '',
    '## Action coverage',
    '',
    ...table(
      ['action', 'fired', 'by actor'],
      r.coverage.actions.map((a) => [
        a.fired === 0 ? `**${cell(a.name)}**` : cell(a.name),
        a.fired === 0 ? '**never**' : a.fired.toLocaleString('en-US'),
        cell(byActorText(a)),
      ]),
      ['l', 'r', 'l'],
    ),
    '',
  );
  if (r.coverage.neverFired.length > 0) {
    const caveat = coverageCaveat(r.verdict);
    out.push(`Never fired: ${r.coverage.neverFired.map(code).join(', ')}${caveat === undefined ? '.' : ` (${caveat}).`}`, '');
  }
  out.push('## What was checked', '', ...rowsTable(checkedRows(r)), '', '## Search statistics', '', ...rowsTable(statRows(r)), '');
  return out.join('\n');
}
