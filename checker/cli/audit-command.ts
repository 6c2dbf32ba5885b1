// `tdxmc audit <spec>`: mutate the model one action at a time and see which mutants the
// properties kill; the survivors are bugs of that shape a `pass` would not see.

import { availableParallelism } from 'node:os';
import { audit, auditHolds, type AuditResult, type Fate } from '../audit.js';
import { EXIT, UsageError } from '../exit.js';
import { OPERATORS, type Operator } from '../mutants.js';
import { paramText } from '../report/values.js';
import { wrap } from '../report/wrap.js';
import { command } from './command.js';
import { positiveInt } from './flags.js';
import { DEBUG, HELP, JSON_OUT, SET } from './shared-options.js';
import { buildModel, requireSpec } from './spec-arg.js';

const ALL = Object.keys(OPERATORS) as Operator[];

const options = {
  set: SET,
  operators: { type: 'string', value: 'LIST', defaultText: 'all', help: 'comma-separated mutation operators (below)' },
  jobs: { type: 'string', value: 'N', defaultText: "the machine's available parallelism", help: 'worker threads checking mutants side by side' },
  'max-states': { type: 'string', value: 'N', defaultText: "ten times the reference's states", help: "each mutant's bound; a mutant cut by it is incomplete" },
  json: JSON_OUT,
  quiet: { type: 'boolean', help: 'no progress line on stderr' },
  debug: DEBUG,
  help: HELP,
} as const;

const FATES: readonly Fate[] = ['killed', 'survived', 'accepted', 'equivalent', 'model error', 'incomplete'];

function operatorsOf(raw: string | undefined): Operator[] {
  if (raw === undefined) return ALL;
  const ops = raw.split(',').map((o) => o.trim());
  const bad = ops.find((o) => !(o in OPERATORS));
  if (bad !== undefined) throw new UsageError(`--operators: '${bad}' is not one of ${ALL.join(', ')}`);
  return ops as Operator[];
}

/** Per action, per operator: killed of all (`3/4`), `-` where there is no such mutant. */
function table(r: AuditResult): string[] {
  const actions = [...new Set(r.mutants.flatMap((m) => (m.mutant.action === undefined ? [] : [m.mutant.action])))];
  const ops = r.operators.filter((o) => o !== 'drop-init');
  const cell = (action: string, op: Operator): string => {
    const ms = r.mutants.filter((m) => m.mutant.action === action && m.mutant.operator === op);
    const judged = ms.filter((m) => m.fate !== 'equivalent' && m.fate !== 'accepted');
    return ms.length === 0 ? '-' : judged.length === 0 ? 'equiv' : `${judged.filter((m) => m.fate === 'killed').length}/${judged.length}`;
  };
  const rows = [['action', ...ops], ...actions.map((a) => [a, ...ops.map((o) => cell(a, o))])];
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map(
    (row) =>
      '  ' +
      row
        .map((c, i) => c.padEnd(w[i]!))
        .join('  ')
        .trimEnd(),
  );
}

function render(r: AuditResult, seconds: number): string {
  const counts = FATES.filter((f) => r.counts[f] > 0).map((f) => `${r.counts[f]} ${f}`);
  const out = [
    `audit ${r.spec} ${paramText(r.params)}: ${r.mutants.length} mutants (${counts.join(', ')}), score ${r.score.toFixed(3)}${r.floor === undefined ? '' : ` (floor ${r.floor})`}, ${seconds.toFixed(1)} s`,
    `  reference: ${r.referenceStates.toLocaleString('en-US')} states; each mutant bounded at ${r.maxStates.toLocaleString('en-US')}`,
    '',
    ...table(r),
  ];
  const list = (fate: Fate, title: string, line: (m: AuditResult['mutants'][number]) => string): void => {
    const ms = r.mutants.filter((m) => m.fate === fate);
    if (ms.length > 0) out.push('', `${title}:`, ...ms.flatMap((m) => wrap(`  ${line(m)}`, 100, '      ')));
  };
  list('survived', 'survivors (a bug of this shape breaks no property)', (m) => `${m.name} breaks no property`);
  list('model error', 'model errors (the mutant made the model throw; not counted as killed)', (m) => `${m.name}: ${m.detail}`);
  list('incomplete', 'incomplete (cut by the bound; not counted as killed)', (m) => `${m.name}: stopped by ${m.detail}`);
  list('accepted', 'accepted survivors', (m) => `${m.name}: ${m.detail}`);
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
  ],
  terms: { title: 'operators', items: Object.entries(OPERATORS) },
  exits: "0 no unaccepted survivor and the score at the spec's floor, 1 otherwise, 2 bad input (or a configuration that does not pass)",
  async run(values, positionals, ctx) {
    if (positionals.length > 1) throw new UsageError(`audit: one spec at a time (got ${positionals.join(', ')})`);
    const spec = requireSpec(positionals[0], 'audit', ctx.specs);
    const operators = operatorsOf(values.operators);
    const jobs = positiveInt('--jobs', values.jobs) ?? availableParallelism();
    const maxStates = positiveInt('--max-states', values['max-states']);
    const { p } = buildModel(spec, values.set);
    const started = performance.now();
    const progress = values.quiet || values.json ? undefined : ctx.err;
    const r = await audit(spec, p.params, {
      operators,
      jobs,
      version: ctx.version,
      ...(maxStates === undefined ? {} : { maxStates }),
      ...(progress ? { onDone: (done: number, of: number) => void progress.write(`\raudit: ${done}/${of} mutants checked`) } : {}),
    });
    progress?.write('\n');
    if (values.json) ctx.out.write(JSON.stringify(r) + '\n');
    else ctx.out.write(render(r, (performance.now() - started) / 1000) + '\n');
    return auditHolds(r) ? EXIT.pass : EXIT.violation;
  },
});
