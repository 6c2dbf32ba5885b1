// `tdxmc diff <spec> --set ... --vs-set ...`: a design-review helper. Checks the current
// configuration and a proposal (the current parameters with --vs-set's changed) property by
// property and prints what holds in each, then the traces of what the proposal breaks.
// `tdxmc diff ./my-step.ts update`: the proposal is a variant from a spec file, the current
// design the spec it changes (--set applies to both, --vs-set to the variant).

import { availableParallelism } from 'node:os';
import { breaks, compare, compareExit, errorsOf, resultOf, type Comparison, type Side, type SideInput, type SideName } from '../ci/compare.js';
import { propertiesOf } from '../ci/configuration.js';
import type { JobResult } from '../ci/job.js';
import { UsageError } from '../exit.js';
import type { Params, Spec } from '../spec.js';
import { paramText } from '../report/values.js';
import type { Style, Tone } from './colour.js';
import { command, type RunContext, type Values } from './command.js';
import { nonNegativeInt, positive, positiveInt, strategy, threadCount } from './flags.js';
import { parallelProgress, type ParallelProgress } from './parallel-progress.js';
import { OUTPUT_OPTIONS, POOL_OPTIONS, SEARCH_OPTIONS, SET } from './shared-options.js';
import { requireSpec, resolveSets } from './spec-arg.js';
import { specLabel } from './spec-file.js';

const options = {
  set: { ...SET, help: "the current design's parameters (repeatable)" },
  'vs-set': { ...SET, help: 'the proposal: the current parameters with these changed (repeatable)' },
  ...SEARCH_OPTIONS,
  ...POOL_OPTIONS,
  ...OUTPUT_OPTIONS,
} as const;

const assigned = (a: string): string => a.slice(0, a.indexOf('='));

function side(spec: Spec, sets: readonly string[], which: string): SideInput {
  const p = resolveSets(spec, sets);
  if (!p.ok) throw new UsageError(`${which}: ${p.error}`);
  try {
    return { spec, params: p.params, properties: propertiesOf(spec, p.params) };
  } catch (e) {
    throw new UsageError(`spec ${spec.name} (${which}): building the model failed: ${(e as Error).message}`, { cause: e });
  }
}

/** What a side's run says of `property`, and how that reads. */
function cell(property: string, r: JobResult | undefined): { text: string; tone?: Tone } {
  if (r === undefined) return { text: '-' };
  const a = r.actual;
  if (a.error !== undefined) return { text: 'error', tone: 'bad' };
  if (a.verdict === 'incomplete') return { text: `incomplete (${a.stoppedBy ?? 'bound'})`, tone: 'unsure' };
  if (a.property === undefined) return { text: property === 'deadlock' ? 'none' : 'holds', tone: 'good' };
  if (a.verdict === 'unreachable') return { text: 'UNREACHABLE', tone: 'bad' };
  return { text: `${property === 'deadlock' ? 'REACHED' : 'BROKEN'} in ${a.traceLength} steps`, tone: 'bad' };
}

const whose = (side: SideName): string => (side === 'current' ? 'The current design' : 'The proposal');

function render(c: Comparison, style: Style): string {
  const cur = c.current.params;
  const pro = c.proposal.params;
  const both = Object.fromEntries(Object.entries(cur).filter(([k, v]) => pro[k] === v));
  const only = (s: Side): Params => Object.fromEntries(Object.entries(s.params).filter(([k]) => !(k in both)));
  const out = [
    c.current.spec === c.proposal.spec
      ? `${specLabel(c.current.spec)}: current design vs proposal`
      : `proposal ${specLabel(c.proposal.spec)} vs current design ${specLabel(c.current.spec)}`,
    ...(Object.keys(both).length > 0 ? [`  both:      ${paramText(both)}`] : []),
    // A variant against its reference may differ in nothing but its steps.
    ...(Object.keys(only(c.current)).length + Object.keys(only(c.proposal)).length === 0
      ? []
      : [`  current:   ${paramText(only(c.current))}`, `  proposal:  ${paramText(only(c.proposal))}`]),
    '',
  ];
  const rows = [
    [{ text: 'property' }, { text: 'current' }, { text: 'proposal' }],
    ...c.properties.map((p) => [{ text: p.name }, cell(p.name, resultOf(c.current, p.name)), cell(p.name, resultOf(c.proposal, p.name))]),
  ];
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.text.length)));
  // Padded before it is coloured: the escapes take no columns.
  const shown = (x: { text: string; tone?: Tone }, i: number, last: boolean): string => {
    const text = last ? x.text : x.text.padEnd(w[i]!);
    return x.tone === undefined ? text : style.tone(text, x.tone);
  };
  for (const r of rows) out.push(`  ${r.map((x, i) => shown(x, i, i === r.length - 1)).join('  ')}`.trimEnd());
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
  for (const p of broken) out.push('', style.heading(`==== ${p.name}: broken by the proposal ====`), '', resultOf(c.proposal, p.name)!.text!.trimEnd());
  return out.join('\n');
}

function json(c: Comparison) {
  const actual = (s: Side, name: string) => resultOf(s, name)?.actual ?? null;
  return {
    spec: c.current.spec.name,
    current: { spec: c.current.spec.name, params: c.current.params },
    proposal: { spec: c.proposal.spec.name, params: c.proposal.params },
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
  args: '<spec> [<reference>] [options]',
  summary: 'compare two configurations of a spec, or a variant and the spec it changes, property by property',
  options,
  examples: [
    ['tdxmc diff lockstep --vs-set variant=nolock', 'what a proposed design breaks, property by property'],
    ['tdxmc diff lockstep --set cpus=3 --set variant=nolock --vs-set variant=ack --json', 'what it fixes, as JSON'],
    ['tdxmc diff ./my-step.ts update', 'a variant in a spec file (the proposal) against the shipped update (the current design)'],
  ],
  exits: '0 the proposal breaks no property that holds now, 1 it breaks one, 2 bad input or a model error (either side), 3 a run incomplete',
  run: diff,
});

async function diff(values: Values<typeof options>, positionals: string[], ctx: RunContext): Promise<number> {
  if (positionals.length === 0 || positionals.length > 2)
    throw new UsageError(`diff: a spec, or a variant and the spec it changes (got ${positionals.length === 0 ? 'none' : positionals.join(', ')})`);
  const proposed = await requireSpec(positionals[0], 'diff', ctx.specs);
  const reference = positionals[1] === undefined ? proposed : await requireSpec(positionals[1], 'diff', ctx.specs);
  for (const spec of new Set([proposed, reference]))
    if (spec.file === undefined) throw new UsageError(`spec ${spec.name} has no \`file\` (import.meta.url): a worker cannot load it`);
  const vs = values['vs-set'];
  if (vs.length === 0 && proposed === reference) throw new UsageError('diff: --vs-set name=value: what does the proposal change?');
  const sets = values.set;
  const current = side(reference, sets, 'current');
  const proposal = side(proposed, [...sets.filter((a) => !vs.some((b) => assigned(b) === assigned(a))), ...vs], 'proposal');
  const search = strategy(values.search);
  const maxStates = positiveInt('--max-states', values['max-states']);
  const maxDepth = nonNegativeInt('--max-depth', values['max-depth']);
  const timeout = positive('--timeout', values.timeout, false);

  let progress: ParallelProgress | undefined;
  let labels: readonly string[] = [];
  const c = await compare(current, proposal, {
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
  ctx.out.write(values.json ? JSON.stringify(json(c)) + '\n' : render(c, ctx.style) + '\n');
  for (const e of errorsOf(c)) ctx.err.write(`tdxmc: model error (${e.side}): ${e.error}\n`);
  return compareExit(c);
}
