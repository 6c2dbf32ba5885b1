// `tdxmc ci`: every spec's configurations against their expected verdicts, in parallel on
// worker threads; one line per configuration, the failures, a tally, and on request JUnit XML,
// SARIF and `--json`. Exit 0 all as expected, 1 any not, 2 bad input or a model error, 3 any
// run incomplete.

import { availableParallelism } from 'node:os';
import { configurationId, configurations } from '../ci/configuration.js';
import { runGate, type GateRow } from '../ci/gate.js';
import { renderJunit } from '../ci/junit.js';
import { renderSarif } from '../ci/sarif.js';
import { columns, failureLines, rowLine, tally, tallyLine } from '../ci/summary.js';
import { audit, auditHolds, type AuditResult } from '../audit.js';
import { EXIT, UsageError } from '../exit.js';
import { OPERATORS, type Operator } from '../mutants.js';
import { checkParams } from '../params.js';
import { DEFAULT_REPORT_DIR } from '../report/write.js';
import { command, type CommandContext, type Values } from './command.js';
import { positive, positiveInt } from './flags.js';
import { writeOut } from './out-file.js';
import { parallelProgress } from './parallel-progress.js';
import { OUTPUT_OPTIONS, POOL_OPTIONS, REPORT_DIR } from './shared-options.js';

const options = {
  only: { type: 'string', value: 'PATTERN', multiple: true, help: 'only configurations whose spec/name contains PATTERN, case-insensitive (repeatable)' },
  report: {
    ...REPORT_DIR,
    help: 'write the reports of every counterexample and model error, expected or not, into DIR; without --report only unexpected ones go there',
  },
  junit: { type: 'string', value: 'FILE', help: 'write JUnit XML: one test case per configuration' },
  sarif: { type: 'string', value: 'FILE', help: 'write SARIF 2.1.0: one result per unexpected counterexample or model error' },
  audit: {
    type: 'boolean',
    help: 'also audit each spec that declares an audit line (a floor, accepted survivors) at its defaults: fails under the floor or on a survivor not accepted',
  },
  ...POOL_OPTIONS,
  ...OUTPUT_OPTIONS,
} as const;

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

function rowJson(r: GateRow) {
  const e = r.config.expectation;
  return {
    spec: r.config.spec.name,
    name: e.name,
    params: r.config.params,
    options: e.options ?? {},
    expect: e.expect,
    actual: r.result.actual,
    passed: r.passed,
    distinctStates: r.result.stats.distinctStates,
    transitions: r.result.stats.transitions,
    seconds: Number(r.result.stats.seconds.toFixed(3)),
    reports: r.result.reports,
    ...(r.result.json?.violation === undefined ? {} : { violation: r.result.json.violation }),
  };
}

export const ciCommand = command({
  name: 'ci',
  args: '[options]',
  summary: "check every spec's configurations against their expected verdicts",
  options,
  examples: [
    ['tdxmc ci', 'every configuration of every spec'],
    ['tdxmc ci --only init/D22 --only lockstep', 'those whose spec/name contains a pattern'],
    ['tdxmc ci --report reports --junit reports/junit.xml --sarif reports/tdxmc.sarif', 'as a CI job runs it'],
  ],
  exits: '0 every configuration as expected, 1 some not, 2 bad input or a model error, 3 some run incomplete',
  run: ci,
});

async function ci(values: Values<typeof options>, positionals: string[], ctx: CommandContext): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`ci: takes no spec (got ${positionals.join(', ')}); --only selects configurations`);
  const workers = positiveInt('--jobs', values.jobs) ?? availableParallelism();
  const timeout = positive('--timeout', values.timeout, false);
  const configs = configurations(ctx.specs, values.only);
  const cols = columns(configs);
  const human = !values.json;
  const progress = values.quiet ? undefined : parallelProgress(ctx.err, configs.length);
  const say = (lines: string[]): void => {
    if (!human || lines.length === 0) return;
    const write = (): void => void ctx.out.write(lines.join('\n') + '\n');
    if (progress) progress.around(write);
    else write();
  };

  const specCount = new Set(configs.map((c) => c.spec.name)).size;
  const threads = Math.min(workers, configs.length);
  say([
    `tdxmc ci: ${plural(configs.length, 'configuration')} of ${plural(specCount, 'spec')} on ${plural(threads, 'worker thread')}${timeout === undefined ? '' : `, ${timeout} s budget`}`,
  ]);
  const ready: (GateRow | undefined)[] = configs.map(() => undefined);
  let printed = 0;
  const gate = await runGate(configs, {
    workers,
    ...(timeout === undefined ? {} : { timeout }),
    reports: { dir: values.report ?? DEFAULT_REPORT_DIR, all: values.report !== undefined },
    version: ctx.version,
    onStart: (i) => progress?.start(i, configurationId(configs[i]!)),
    onProgress: (i, p) => progress?.update(i, p),
    onDone: (i, row) => {
      progress?.done(i);
      ready[i] = row;
      // In declaration order, each as soon as those before it are done: logs compare run to run.
      const lines: string[] = [];
      while (ready[printed] !== undefined) lines.push(rowLine(ready[printed++]!, cols));
      say(lines);
    },
  });
  progress?.end();

  if (values.junit !== undefined) writeOut('--junit', values.junit, renderJunit(gate.rows, gate.seconds));
  if (values.sarif !== undefined) writeOut('--sarif', values.sarif, renderSarif(gate.rows, ctx.version));
  const audits = values.audit ? await auditLines(ctx, values.only, workers) : [];
  if (human) {
    const files = [values.junit === undefined ? [] : [`JUnit: ${values.junit}`], values.sarif === undefined ? [] : [`SARIF: ${values.sarif}`]].flat();
    const auditText = audits.flatMap((a) => [
      `audit ${a.spec}: score ${a.score.toFixed(3)}${a.floor === undefined ? '' : ` (floor ${a.floor})`}, ${plural(a.survivors.length, 'survivor')} not accepted${auditHolds(a) ? '' : ': FAIL'}`,
      ...a.survivors.map((m) => `  ${m} breaks no property`),
    ]);
    say([
      ...failureLines(gate.rows),
      ...(files.length > 0 ? ['', ...files] : []),
      ...(auditText.length > 0 ? ['', ...auditText] : []),
      '',
      tallyLine(gate.rows, gate.seconds),
    ]);
  } else {
    const summary = {
      ...tally(gate.rows),
      seconds: Number(gate.seconds.toFixed(3)),
      configurations: gate.rows.map(rowJson),
      ...(values.audit
        ? { audits: audits.map(({ spec, score, floor, survivors }) => ({ spec, score, ...(floor === undefined ? {} : { floor }), survivors })) }
        : {}),
    };
    ctx.out.write(JSON.stringify(summary) + '\n');
  }
  return gate.exit === EXIT.pass && audits.some((a) => !auditHolds(a)) ? EXIT.violation : gate.exit;
}

interface AuditLine {
  readonly spec: string;
  readonly score: number;
  readonly floor?: number;
  /** Survivors the spec has not accepted. */
  readonly survivors: readonly string[];
  readonly counts: AuditResult['counts'];
}

/** The audit of each selected spec that declares an audit line, at its default parameters. */
async function auditLines(ctx: CommandContext, only: readonly string[], jobs: number): Promise<AuditLine[]> {
  const chosen = ctx.specs.filter(
    (s) => s.audit !== undefined && (only.length === 0 || only.some((o) => s.name.toLowerCase().includes(o.toLowerCase().split('/')[0]!))),
  );
  const out: AuditLine[] = [];
  for (const spec of chosen) {
    const p = checkParams(spec.params, {});
    if (!p.ok) throw new UsageError(`spec ${spec.name}: ${p.error}`);
    const r = await audit(spec, p.params, { operators: Object.keys(OPERATORS) as Operator[], jobs, version: ctx.version });
    out.push({
      spec: r.spec,
      score: r.score,
      ...(r.floor === undefined ? {} : { floor: r.floor }),
      survivors: r.mutants.filter((m) => m.fate === 'survived').map((m) => m.name),
      counts: r.counts,
    });
  }
  return out;
}
