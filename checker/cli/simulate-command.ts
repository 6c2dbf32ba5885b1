// `tdxmc simulate <spec>`: seeded random walks (checker/simulate.ts) for sizes exhaustive
// search cannot reach. Prints the seed, what the walks covered, and a violation's shrunk trace
// (as `check` does, and into every report format with --report). It never says pass: finding
// nothing in some walks is not having explored every state.

import { randomInt } from 'node:crypto';
import { describeModelError, outcomeOf, type CheckOutcome } from '../check.js';
import { CompiledModel } from '../compiled.js';
import { EXIT, UsageError } from '../exit.js';
import { parseShard } from '../ci/shard.js';
import { checkJson } from '../report/check-json.js';
import { coverage } from '../report/coverage.js';
import { paramText } from '../report/values.js';
import { wrap } from '../report/wrap.js';
import { reportSubject, writeReports } from '../report/write.js';
import type { SearchResult } from '../result.js';
import { simulate, type SimulationResult } from '../simulate.js';
import type { Params } from '../spec.js';
import type { Style } from './colour.js';
import { command } from './command.js';
import { nonNegativeInt, positive, positiveInt } from './flags.js';
import { coverageLines, fmt, safetyChecked, violationLines } from './human.js';
import { requireWritableDir } from './out-file.js';
import { DEBUG, HELP, JSON_OUT, NO_COLOR, REPORT_DIR, SET } from './shared-options.js';
import { buildModel, requireSpec } from './spec-arg.js';

const options = {
  set: SET,
  seed: { type: 'string', value: 'S', defaultText: 'a random one, printed', help: 'the seed every walk derives from: the same seed, the same walks' },
  runs: { type: 'string', value: 'N', default: '1000', help: 'walks to take' },
  depth: { type: 'string', value: 'D', default: '500', help: 'steps a walk takes at most' },
  time: { type: 'string', value: 'SECONDS', help: 'stop after this long, with the walks done by then' },
  swarm: {
    type: 'boolean',
    help: 'each walk draws its own action weights, picks an action before its actor, and takes a step less often each time it took it (swarm verification)',
  },
  shard: { type: 'string', value: 'i/N', help: "take only walks i, i+N, ... of the seed's runs (the walks of all N shards are the whole)" },
  'no-shrink': { type: 'boolean', help: "report a violation's walk as found, without shrinking it" },
  report: { ...REPORT_DIR, help: "write a violation's trace as Markdown, text, HTML, JSON and ITF into DIR" },
  // No --quiet: simulate prints no progress line.
  json: JSON_OUT,
  'no-color': NO_COLOR,
  debug: DEBUG,
  help: HELP,
} as const;

/** Why a simulation's pass would not be one. */
const NOT_EXHAUSTIVE = 'random walks, not every reachable state';

export const simulateCommand = command({
  name: 'simulate',
  args: '<spec> [options]',
  summary: 'random walks with every safety property checked at each step; a violation shrunk',
  options,
  examples: [
    ['tdxmc simulate update --set cpus=16 --seed 1 --time 60', 'walks at a size exhaustive search cannot finish'],
    ['tdxmc simulate update --set variant=D5 --seed 1 --report', 'a known-bad variant: its shrunk trace into reports/'],
    ['tdxmc simulate update --seed 1 --shard 2/4 --json', 'the second quarter of the walks of seed 1, as JSON'],
  ],
  exits: '0 no violation found (not a pass), 1 violation or deadlock, 2 bad input or model error',
  async run(values, positionals, ctx) {
    if (positionals.length > 1) throw new UsageError(`simulate: one spec at a time (got ${positionals.join(', ')})`);
    const spec = await requireSpec(positionals[0], 'simulate', ctx.specs);
    const seed = values.seed === undefined ? randomInt(2 ** 31) : nonNegativeInt('--seed', values.seed)!;
    if (seed >= 2 ** 32) throw new UsageError(`--seed: '${values.seed}' is over 2^32 - 1`);
    const runs = positiveInt('--runs', values.runs);
    const depth = positiveInt('--depth', values.depth);
    const seconds = positive('--time', values.time, false);
    const shard = parseShard(values.shard);
    if (values.report !== undefined) requireWritableDir('--report', values.report);
    const built = buildModel(spec, values.set);
    const cm = new CompiledModel(built.model);
    const r = simulate(cm, {
      seed,
      runs,
      depth,
      swarm: values.swarm,
      shrink: !values['no-shrink'],
      ...(seconds === undefined ? {} : { seconds }),
      ...(shard === undefined ? {} : { shard }),
    });
    const o = outcomeOf(cm, searchResultOf(r), { liveness: false });
    o.liveness = { checked: [], skipped: 'simulate checks safety only', seconds: 0, bytes: 0, edges: 0 };
    let reports: string[] = [];
    if (values.report !== undefined && r.found !== undefined) {
      const property = o.violation?.property.name ?? o.error?.property ?? undefined;
      const subject = reportSubject(spec, built.p.params, {}, ctx.version, property);
      const walk = { search: 'simulate', seed, run: r.found.run, depth, ...(values.swarm ? { swarm: true } : {}) };
      reports = writeReports(values.report, { ...subject, options: walk, outcome: o });
    }
    const params = built.p.params;
    if (values.json) ctx.out.write(JSON.stringify(simulateJson(spec.name, params, seed, r, o, reports)) + '\n');
    else ctx.out.write(renderSimulation(spec.name, params, seed, r, o, reports, ctx.style) + '\n');
    if (o.error !== undefined) ctx.err.write(`tdxmc: model error: ${describeModelError(o.error)} in walk ${r.found!.run} of seed ${seed}\n`);
    return r.verdict === 'no violation' ? EXIT.pass : r.verdict === 'error' ? EXIT.badInput : EXIT.violation;
  },
});

/** The simulation as a search result, for the one path that turns findings into traces and coverage. */
function searchResultOf(r: SimulationResult): SearchResult {
  const f = r.found;
  const stats = {
    distinctStates: r.distinct,
    transitions: r.steps,
    maxDepth: r.runs.reduce((m, w) => Math.max(m, w.steps), 0),
    seconds: r.seconds,
    fired: r.fired,
    storeBytes: 0,
    linkBytes: 0,
    memoryBudget: 0,
    memoryPeak: 0,
    workers: 1,
    collisionProbability: 0,
  };
  if (f === undefined) return { verdict: 'incomplete', stats };
  const found = { property: f.property, length: f.steps.length, state: -1, init: f.init, steps: f.steps, ...(f.fault ? { fault: f.fault } : {}) };
  return { verdict: r.verdict === 'no violation' ? 'incomplete' : r.verdict, stats, found };
}

const endsText = (r: SimulationResult): string => {
  const by = new Map<string, number>();
  for (const w of r.runs) by.set(w.end, (by.get(w.end) ?? 0) + 1);
  const words: Record<string, string> = { depth: 'at --depth', 'end state': 'at a legal end state', time: 'at --time', found: 'at the finding' };
  return [...by].map(([end, n]) => `${fmt(n)} ${words[end]}`).join(', ');
};

function renderSimulation(spec: string, params: Params, seed: number, r: SimulationResult, o: CheckOutcome, reports: string[], style: Style): string {
  const f = r.found;
  const head =
    f === undefined
      ? `${style.tone('no violation', 'good')} in ${fmt(r.runs.length)} walks (${NOT_EXHAUSTIVE})`
      : `${style.tone(r.verdict, 'bad')}${o.violation && o.violation.kind !== 'deadlock' ? `: ${o.violation.property.name}` : ''} in walk ${f.run} of seed ${seed}: found after ${f.walked} steps, ${f.steps.length} once shrunk`;
  const out = [`${spec} ${paramText(params)}: ${head}`, `  seed ${seed}${r.stoppedBy === 'time' ? ', stopped by --time' : ''}`];
  const rate = r.seconds > 0 ? r.steps / r.seconds : 0;
  out.push(
    `  ${fmt(r.steps)} steps in ${fmt(r.runs.length)} walks, ${r.seconds.toFixed(2)} s (${fmt(rate)} steps/s), about ${fmt(r.distinct)} distinct states`,
  );
  out.push(`  walks ended: ${endsText(r)}`);
  if (f === undefined) out.push(...wrap(`  checked at every step: ${safetyChecked(o).join(', ')}`, 100, '    '));
  out.push(...coverageLines(o), `  liveness: not checked (${o.liveness!.skipped})`);
  out.push(...violationLines(o, style));
  if (reports.length > 0) out.push('', 'reports:', ...reports.map((p) => `  ${p}`));
  return out.join('\n');
}

function simulateJson(spec: string, params: Params, seed: number, r: SimulationResult, o: CheckOutcome, reports: string[]) {
  const j = checkJson(spec, params, o);
  const f = r.found;
  return {
    spec,
    params,
    verdict: r.verdict,
    seed,
    walks: r.runs.length,
    steps: r.steps,
    seconds: Number(r.seconds.toFixed(3)),
    distinctStatesEstimate: r.distinct,
    ...(r.stoppedBy === undefined ? {} : { stoppedBy: r.stoppedBy }),
    ...(j.violation === undefined ? {} : { violation: { ...j.violation, walk: f!.run, walked: f!.walked } }),
    ...(j.error === undefined ? {} : { error: { ...j.error, walk: f!.run } }),
    runs: r.runs,
    coverage: coverage(o),
    ...(reports.length === 0 ? {} : { reports }),
  };
}
