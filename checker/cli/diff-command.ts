// `tdxmc diff <spec> --set ... --vs-set ...`: a design-review helper. Checks the current
// configuration and a proposal (the current parameters with --vs-set's changed) property by
// property and prints what holds in each, then the traces of what the proposal breaks.

import { availableParallelism } from 'node:os';
import { breaks, compare, compareExit, errorsOf, resultOf, type Comparison, type Side, type SideName } from '../ci/compare.js';
import { propertiesOf } from '../ci/configuration.js';
import type { JobResult } from '../ci/job.js';
import { UsageError } from '../exit.js';
import type { Params, Spec } from '../spec.js';
import { resolveParams } from '../params.js';
import { paramText } from '../report/values.js';
import { command, type CommandContext, type Values } from './command.js';
import { nonNegativeInt, positive, positiveInt, strategy, threadCount } from './flags.js';
import { parallelProgress, type ParallelProgress } from './parallel-progress.js';
import { OUTPUT_OPTIONS, POOL_OPTIONS, SEARCH_OPTIONS, SET } from './shared-options.js';
import { requireSpec } from './spec-arg.js';

const options = {
  set: { ...SET, help: "the current design's parameters (repeatable)" },
  'vs-set': { ...SET, help: 'the proposal: the current parameters with these changed (repeatable)' },
  ...SEARCH_OPTIONS,
  ...POOL_OPTIONS,
  ...OUTPUT_OPTIONS,
} as const;

const assigned = (a: string): string => a.slice(0, a.indexOf('='));

function side(spec: Spec, sets: readonly string[], which: string): { params: Params; properties: ReturnType<typeof propertiesOf> } {
  const p = resolveParams(spec.params, sets);
  if (!p.ok) throw new UsageError(`${which}: ${p.error}`);
  try {
    return { params: p.params, properties: propertiesOf(spec, p.params) };
  } catch (e) {
    throw new UsageError(`spec ${spec.name} (${which}): building the model failed: ${(e as Error).message}`, { cause: e });
  }
}

function cell(property: string, r: JobResult | undefined): string {
  if (r === undefined) return '-';
  const a = r.actual;
  if (a.error !== undefined) return 'error';
  if (a.verdict === 'incomplete') return `incomplete (${a.stoppedBy ?? 'bound'})`;
  if (a.property === undefined) return property === 'deadlock' ? 'none' : 'holds';
  if (a.verdict === 'unreachable') return 'UNREACHABLE';
  return `${property === 'deadlock' ? 'REACHED' : 'BROKEN'} in ${a.traceLength} steps`;
}

const whose = (side: SideName): string => (side === 'current' ? 'The current design' : 'The proposal');

function render(c: Comparison): string {
  const cur = c.current.params;
  const pro = c.proposal.params;
  const both = Object.fromEntries(Object.entries(cur).filter(([k, v]) => pro[k] === v));
  const only = (s: Side): Params => Object.fromEntries(Object.entries(s.params).filter(([k]) => !(k in both)));
  const out = [
    `${c.spec.name}: current design vs proposal`,
    ...(Object.keys(both).length > 0 ? [`  both:      ${paramText(both)}`] : []),
    `  current:   ${paramText(only(c.current))}`,
    `  proposal:  ${paramText(only(c.proposal))}`,
    '',
  ];
  const rows = [
    ['property', 'current', 'proposal'],
    ...c.properties.map((p) => [p.name, cell(p.name, resultOf(c.current, p.name)), cell(p.name, resultOf(c.proposal, p.name))]),
  ];
  const w = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) out.push(`  ${r[0]!.padEnd(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${r[2]}`.trimEnd());
  out.push(`  (each property checked alone over every reachable state; ${c.current.seconds.toFixed(2)} s + ${c.proposal.seconds.toFixed(2)} s)`, '');

  const errors = errorsOf(c);
  if (errors.length > 0) {
    out.push(...errors.map((e) => `${whose(e.side)} could not be checked: ${e.error}.`), 'Nothing is concluded about the properties: fix the model first.');
    return out.join('\n');
  }
  const broken = breaks(c);
  const fixed = c.properties.filter(
    (p) => resultOf(c.current, p.name)?.actual.property !== undefined && resultOf(c.proposal, p.name)?.actual.verdict === 'pass',
  );
  out.push(
    broken.length === 0
      ? 'The proposal breaks no property that holds in the current design.'
      : `The proposal breaks ${broken.length === 1 ? 'a property' : `${broken.length} properties`} that hold${broken.length === 1 ? 's' : ''} in the current design: ${broken.map((p) => p.name).join(', ')}.`,
  );
  if (fixed.length > 0) out.push(`It fixes: ${fixed.map((p) => p.name).join(', ')}.`);
  for (const p of broken) out.push('', `==== ${p.name}: broken by the proposal ====`, '', resultOf(c.proposal, p.name)!.text!.trimEnd());
  return out.join('\n');
}

function json(c: Comparison) {
  const actual = (s: Side, name: string) => resultOf(s, name)?.actual ?? null;
  return {
    spec: c.spec.name,
    current: { params: c.current.params },
    proposal: { params: c.proposal.params },
    properties: c.properties.map((p) => ({
      name: p.name,
      description: p.description,
      current: actual(c.current, p.name),
      proposal: actual(c.proposal, p.name),
    })),
    errors: errorsOf(c),
    breaks: breaks(c).map((p) => ({ name: p.name, violation: resultOf(c.proposal, p.name)!.json!.violation })),
  };
}

export const diffCommand = command({
  name: 'diff',
  args: '<spec> [options]',
  summary: 'compare two configurations of a spec property by property',
  options,
  examples: [
    ['tdxmc diff lockstep --vs-set variant=nolock', 'what a proposed design breaks, property by property'],
    ['tdxmc diff lockstep --set cpus=3 --set variant=nolock --vs-set variant=ack --json', 'what it fixes, as JSON'],
  ],
  exits: '0 the proposal breaks no property that holds now, 1 it breaks one, 2 bad input or a model error (either side), 3 a run incomplete',
  run: diff,
});

async function diff(values: Values<typeof options>, positionals: string[], ctx: CommandContext): Promise<number> {
  if (positionals.length !== 1) throw new UsageError(`diff: one spec (got ${positionals.length === 0 ? 'none' : positionals.join(', ')})`);
  const spec = requireSpec(positionals[0], 'diff', ctx.specs);
  if (spec.file === undefined) throw new UsageError(`spec ${spec.name} has no \`file\` (import.meta.url): a worker cannot load it`);
  const vs = values['vs-set'];
  if (vs.length === 0) throw new UsageError('diff: --vs-set name=value: what does the proposal change?');
  const sets = values.set;
  const current = side(spec, sets, 'current');
  const proposal = side(spec, [...sets.filter((a) => !vs.some((b) => assigned(b) === assigned(a))), ...vs], 'proposal');
  const search = strategy(values.search);
  const maxStates = positiveInt('--max-states', values['max-states']);
  const maxDepth = nonNegativeInt('--max-depth', values['max-depth']);
  const timeout = positive('--timeout', values.timeout, false);

  let progress: ParallelProgress | undefined;
  let labels: readonly string[] = [];
  const c = await compare(spec, current, proposal, {
    options: { search, ...(maxStates === undefined ? {} : { maxStates }), ...(maxDepth === undefined ? {} : { maxDepth }) },
    workers: threadCount('--jobs', values.jobs) ?? availableParallelism(),
    ...(timeout === undefined ? {} : { deadline: Date.now() + timeout * 1000 }),
    version: ctx.version,
    onRound: (l) => {
      progress?.end();
      labels = l;
      if (!values.quiet) progress = parallelProgress(ctx.err, l.length);
    },
    onStart: (i) => progress?.start(i, labels[i]!),
    onProgress: (i, p) => progress?.update(i, p),
    onDone: (i) => progress?.done(i),
  });
  progress?.end();
  ctx.out.write(values.json ? JSON.stringify(json(c)) + '\n' : render(c) + '\n');
  for (const e of errorsOf(c)) ctx.err.write(`tdxmc: model error (${e.side}): ${e.error}\n`);
  return compareExit(c);
}
