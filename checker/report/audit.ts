// The audit's result as a reviewer reads it: a grid of actions by operator (killed of the
// mutants that can matter), then the survivors, model errors, incomplete and accepted mutants,
// one line each. The command's text, Markdown and HTML render these; nothing is re-run.

import type { AuditResult, Fate, MutantResult } from '../index.js';
import { esc } from './html.js';
import { cell } from './markdown.js';
import { paramText } from './values.js';

/** Rows of the grid: a header (action, then each operator but drop-init), then one row per action. */
export function auditGrid(r: AuditResult): string[][] {
  const actions = [...new Set(r.mutants.flatMap((m) => (m.mutant.action === undefined ? [] : [m.mutant.action])))];
  const ops = r.operators.filter((o) => o !== 'drop-init');
  const killed = (action: string, op: string): string => {
    const ms = r.mutants.filter((m) => m.mutant.action === action && m.mutant.operator === op);
    const judged = ms.filter((m) => m.fate !== 'equivalent' && m.fate !== 'accepted');
    if (ms.length === 0) return '-';
    // Nothing judged: the cell says whether the spec accepted a survivor or none could differ.
    if (judged.length === 0) return ms.some((m) => m.fate === 'accepted') ? 'accepted' : 'equiv';
    return `${judged.filter((m) => m.fate === 'killed').length}/${judged.length}`;
  };
  return [['action', ...ops], ...actions.map((a) => [a, ...ops.map((o) => killed(a, o))])];
}

export interface AuditSection {
  readonly title: string;
  readonly lines: readonly string[];
}

const SECTIONS: readonly { fate: Fate; title: string; line: (m: MutantResult) => string }[] = [
  { fate: 'survived', title: 'survivors (a bug of this shape breaks no property)', line: (m) => `${m.name} breaks no property` },
  { fate: 'model error', title: 'model errors (the mutant made the model throw; not counted as killed)', line: (m) => `${m.name}: ${m.detail}` },
  { fate: 'incomplete', title: 'incomplete (cut by the bound; not counted as killed)', line: (m) => `${m.name}: stopped by ${m.detail}` },
  { fate: 'accepted', title: 'accepted survivors', line: (m) => `${m.name}: ${m.detail}` },
];

/** The non-empty lists of mutants a reviewer judges, in that order. */
export function auditSections(r: AuditResult): AuditSection[] {
  return SECTIONS.map((s) => ({ title: s.title, lines: r.mutants.filter((m) => m.fate === s.fate).map(s.line) })).filter((s) => s.lines.length > 0);
}

const FATES: readonly Fate[] = ['killed', 'survived', 'accepted', 'equivalent', 'model error', 'incomplete'];

/** `audit update cpus=3 ...: 290 mutants (189 killed, ...), score 0.656, 377.8 s`. */
export function auditHeadline(r: AuditResult, seconds: number): string {
  const counts = FATES.filter((f) => r.counts[f] > 0).map((f) => `${r.counts[f]} ${f}`);
  const actions = r.actions === undefined ? '' : ` (actions matching ${r.actions.map((a) => `'${a}'`).join(' or ')})`;
  return `audit ${r.spec} ${paramText(r.params)}${actions}: ${r.mutants.length} mutants (${counts.join(', ')}), score ${r.score.toFixed(3)}${r.floor === undefined ? '' : ` (floor ${r.floor})`}, ${seconds.toFixed(1)} s`;
}

export function renderAuditMarkdown(r: AuditResult, seconds: number): string {
  const [head, ...rows] = auditGrid(r);
  return [
    `# Audit of ${r.spec}`,
    '',
    auditHeadline(r, seconds),
    '',
    `Reference: ${r.referenceStates.toLocaleString('en-US')} states; each mutant bounded at ${r.maxStates.toLocaleString('en-US')}.`,
    '',
    `| ${head!.join(' | ')} |`,
    `|${head!.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
    ...auditSections(r).flatMap((s) => ['', `## ${s.title[0]!.toUpperCase()}${s.title.slice(1)}`, '', ...s.lines.map((l) => `- ${cell(l)}`)]),
    '',
  ].join('\n');
}

export function renderAuditHtml(r: AuditResult, seconds: number): string {
  const [head, ...rows] = auditGrid(r);
  const cls = (c: string): string =>
    c === '-' || c === 'equiv' || c === 'accepted' ? '' : c.split('/')[0] === c.split('/')[1] ? ' class="all"' : ' class="some"';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Audit of ${esc(r.spec)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}
td.all{background:#e6f4e6}td.some{background:#fde2e2}li{font-family:monospace}</style></head>
<body><h1>Audit of ${esc(r.spec)}</h1><p>${esc(auditHeadline(r, seconds))}</p>
<p>Reference: ${r.referenceStates.toLocaleString('en-US')} states; each mutant bounded at ${r.maxStates.toLocaleString('en-US')}.</p>
<table><tr>${head!.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>
${rows
  .map(
    (row) =>
      `<tr><th>${esc(row[0]!)}</th>${row
        .slice(1)
        .map((c) => `<td${cls(c)}>${esc(c)}</td>`)
        .join('')}</tr>`,
  )
  .join('\n')}
</table>
${auditSections(r)
  .map((s) => `<h2>${esc(s.title)}</h2><ul>${s.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`)
  .join('\n')}
</body></html>
`;
}
