// `tdxmc audit <spec>`: mutate the model one action at a time and see which mutants the
// properties kill; the survivors are bugs of that shape a `pass` would not see.

import { availableParallelism } from 'node:os';
import { audit, auditHolds, type AuditResult } from '../audit.js';
import { EXIT, UsageError } from '../exit.js';
import { OPERATORS, type Operator } from '../mutants.js';
import { auditGrid, auditHeadline, auditSections, renderAuditHtml, renderAuditMarkdown } from '../report/audit.js';
import { wrap } from '../report/wrap.js';
import type { Style } from './colour.js';
import { command } from './command.js';
import { positiveInt, threadCount } from './flags.js';
import { requireWritableDir, writeOut } from './out-file.js';
import { progressSink } from './progress.js';
import { DEBUG, HELP, JSON_OUT, NO_COLOR, REPORT_DIR, SET } from './shared-options.js';
import { buildModel, requireSpec } from './spec-arg.js';

const ALL = Object.keys(OPERATORS) as Operator[];

const options = {
  set: SET,
  operators: { type: 'string', value: 'LIST', defaultText: 'all', help: 'comma-separated mutation operators (below)' },
  actions: {
    type: 'string',
    value: 'PATTERN',
    multiple: true,
    defaultText: 'all',
    help: 'only the mutants of the actions whose name contains PATTERN, case-insensitive (repeatable; drop-init then has none)',
  },
  jobs: { type: 'string', value: 'N', defaultText: "the machine's available parallelism", help: 'worker threads checking mutants side by side' },
  'max-states': { type: 'string', value: 'N', defaultText: "ten times the reference's states", help: "each mutant's bound; a mutant cut by it is incomplete" },
  report: { ...REPORT_DIR, help: 'write the audit as Markdown and HTML into DIR (audit-<spec>.md, .html)' },
  json: JSON_OUT,
  quiet: { type: 'boolean', help: 'no progress line on stderr' },
  'no-color': NO_COLOR,
  debug: DEBUG,
  help: HELP,
} as const;

function operatorsOf(raw: string | undefined): Operator[] {
  if (raw === undefined) return ALL;
  const ops = raw.split(',').map((o) => o.trim());
  const bad = ops.find((o) => !(o in OPERATORS));
  if (bad !== undefined) throw new UsageError(`--operators: '${bad}' is not one of ${ALL.join(', ')}`);
  return ops as Operator[];
}

function render(r: AuditResult, seconds: number, style: Style): string {
  const grid = auditGrid(r);
  const w = grid[0]!.map((_, i) => Math.max(...grid.map((row) => row[i]!.length)));
  const out = [
    auditHeadline(r, seconds),
    `  reference: ${r.referenceStates.toLocaleString('en-US')} states; each mutant bounded at ${r.maxStates.toLocaleString('en-US')}`,
    '',
    ...grid.map((row) => `  ${row.map((c, i) => c.padEnd(w[i]!)).join('  ')}`.trimEnd()),
  ];
  for (const s of auditSections(r)) out.push('', style.heading(`${s.title}:`), ...s.lines.flatMap((l) => wrap(`  ${l}`, 100, '      ')));
  return out.join('\n');
}

export const auditCommand = command({
  name: 'audit',
  args: '<spec> [options]',
  summary: "measure the strength of a spec's properties by mutating its model",
  options,
  examples: [
    ['tdxmc audit lockstep', 'every operator on the default configuration'],
    ['tdxmc audit update --operators skip-write --json', 'which field writes no property protects, as JSON'],
    ["tdxmc audit update --actions 'SEAMLDR.INSTALL'", 'only the mutants of the actions just changed'],
  ],
  terms: { title: 'operators', items: Object.entries(OPERATORS) },
  exits: "0 no unaccepted survivor and the score at the spec's floor, 1 otherwise, 2 bad input (or a configuration that does not pass)",
  async run(values, positionals, ctx) {
    if (positionals.length > 1) throw new UsageError(`audit: one spec at a time (got ${positionals.join(', ')})`);
    const spec = await requireSpec(positionals[0], 'audit', ctx.specs);
    const operators = operatorsOf(values.operators);
    const jobs = threadCount('--jobs', values.jobs) ?? availableParallelism();
    const maxStates = positiveInt('--max-states', values['max-states']);
    const { p } = buildModel(spec, values.set);
    if (values.report !== undefined) requireWritableDir('--report', values.report);
    const started = performance.now();
    const progress = values.quiet || values.json ? undefined : progressSink(ctx.err);
    const r = await audit(spec, p.params, {
      operators,
      ...(values.actions.length === 0 ? {} : { actions: values.actions }),
      jobs,
      version: ctx.version,
      ...(maxStates === undefined ? {} : { maxStates }),
      ...(progress ? { onDone: (done: number, of: number) => (done === of || progress.due()) && progress.show(`audit: ${done}/${of} mutants checked`) } : {}),
    });
    if (progress?.tty) ctx.err.write('\n');
    const seconds = (performance.now() - started) / 1000;
    const files =
      values.report === undefined
        ? []
        : [
            [`${values.report}/audit-${spec.name}.md`, renderAuditMarkdown(r, seconds)],
            [`${values.report}/audit-${spec.name}.html`, renderAuditHtml(r, seconds)],
          ];
    for (const [file, text] of files) writeOut('--report', file!, text!);
    if (values.json) ctx.out.write(JSON.stringify(r) + '\n');
    else ctx.out.write(render(r, seconds, ctx.style) + (files.length > 0 ? `\n\nreports:\n${files.map(([f]) => `  ${f}\n`).join('')}` : '\n'));
    return auditHolds(r) ? EXIT.pass : EXIT.violation;
  },
});
