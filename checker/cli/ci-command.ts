// `tdxmc ci`: every spec's configurations against their expected verdicts, in parallel on
// worker threads; one line per configuration, the failures, a tally, and on request JUnit XML,
// SARIF, and on stdout one JSON object (`--format json`, alias `--json`) or KTAP (`--format ktap`). Exit 0 all as expected, 1 any not, 2 bad input, a model error or an output
// that could not be written, 3 any run incomplete, 130/143 stopped by a signal (what finished is
// still tallied and written).

import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { configurationId, configurations } from '../ci/configuration.js';
import { selectsSpec } from '../ci/select.js';
import { COSTS_FILE, costOf, costsText, parseCosts, type Costs } from '../ci/costs.js';
import { inShard, parseShard } from '../ci/shard.js';
import { runGate, type GateRow } from '../ci/gate.js';
import { renderJunit } from '../ci/junit.js';
import { diagnostics, ktapHead, ktapTest } from '../ci/ktap.js';
import { renderSarif } from '../ci/sarif.js';
import { columns, failureLines, fitted, rowLines, tally, tallyLine } from '../ci/summary.js';
import { audit, auditHolds, type AuditResult } from '../audit.js';
import { EXIT, UsageError } from '../exit.js';
import { OPERATORS, type Operator } from '../mutants.js';
import { checkParams } from '../params.js';
import type { Spec } from '../spec.js';
import { command, type CommandContext, type Values } from './command.js';
import { positive, threadCount } from './flags.js';
import { reason, requireWritableDir, requireWritableFile, writeOut } from './out-file.js';
import { parallelProgress } from './parallel-progress.js';
import { DEFAULT_REPORT_DIR, JSON_OUT, OUTPUT_OPTIONS, POOL_OPTIONS, REPORT_DIR } from './shared-options.js';
import { onStopSignal, signalExit, type StopSignal } from './signals.js';
import { specsOfPaths } from './spec-file.js';
import { allSpecs } from './spec-registry.js';

const options = {
  only: {
    type: 'string',
    value: 'PATTERN',
    multiple: true,
    help: 'only the configurations PATTERN names: spec/name whole, case-insensitive, * any characters, ? one; a spec alone names all of its (repeatable)',
  },
  shard: {
    type: 'string',
    value: 'I/N',
    help: 'only shard I of N (1 <= I <= N) of the selected configurations, balanced by --costs (else every Nth in declaration order, from the Ith), so the N shards together run each once',
  },
  costs: {
    type: 'string',
    value: 'FILE',
    defaultText: `${COSTS_FILE} in the current directory, if there is one`,
    help: "each configuration's recorded seconds, which --shard balances by: the costliest first, each into the least loaded shard",
  },
  'record-costs': { type: 'string', value: 'FILE', help: "write each configuration's measured seconds as JSON, spec/name to seconds, for --costs" },
  list: { type: 'boolean', help: 'print the names of the configurations it would run, as spec/name (one a line), and run nothing' },
  report: {
    ...REPORT_DIR,
    help: 'write the reports of every counterexample and model error, expected or not, into DIR; without --report only unexpected ones go there',
  },
  junit: { type: 'string', value: 'FILE', help: 'write JUnit XML: one test case per configuration, with the file and line of its property' },
  sarif: {
    type: 'string',
    value: 'FILE',
    help: 'write SARIF 2.1.0: one result per configuration not as expected, at the lines of its property and last step, with the trace',
  },
  audit: {
    type: 'boolean',
    help: 'also audit each spec that declares an audit line (a floor, accepted survivors) at its defaults: fails under the floor or on a survivor not accepted',
  },
  ...POOL_OPTIONS,
  format: {
    type: 'string',
    value: 'human|json|ktap',
    defaultText: 'human',
    help: 'what stdout carries: lines for people, one JSON object, or KTAP version 1 (a test per configuration, a subtest per property)',
  },
  ...OUTPUT_OPTIONS,
  json: { ...JSON_OUT, help: 'print exactly one JSON object on stdout (--format json)' },
} as const;

const FORMATS = ['human', 'json', 'ktap'] as const;
type Format = (typeof FORMATS)[number];

/** `--format`, with `--json` its alias; a contradiction is bad input. */
function formatOf(format: string | undefined, json: boolean): Format {
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${format}: not ${FORMATS.join(', ')}`);
  if (json && format !== undefined && format !== 'json') throw new UsageError(`--json is --format json: it contradicts --format ${format}`);
  return json ? 'json' : ((format as Format | undefined) ?? 'human');
}

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
  args: '[<file or directory> ...] [options]',
  summary: "check every spec's configurations (or a spec file's) against their expected verdicts",
  options,
  examples: [
    ['tdxmc ci', 'every configuration of every spec'],
    ['tdxmc ci --only update --only "init/D22*"', "update's configurations and init's whose name starts with D22"],
    ['tdxmc ci --report reports --junit reports/junit.xml --sarif reports/tdxmc.sarif', 'as a CI job runs it'],
    ['tdxmc ci --shard 2/4 --list', 'the configurations the second of four CI jobs runs'],
    ['tdxmc ci --record-costs ci-costs.json', 'measure every configuration, for --shard to balance by'],
    ['tdxmc ci --format ktap', 'KTAP for kernel CI: a test per configuration, a subtest per property'],
    ['tdxmc ci ./my-step.ts ./more-steps/', "the expectations of the specs these files define (a directory's .ts, .mts, .js, .mjs)"],
  ],
  exits:
    '0 every configuration as expected, 1 some not, 2 bad input, a model error or an output not written, 3 some run incomplete, 130/143 stopped by SIGINT/SIGTERM',
  run: ci,
});

async function ci(values: Values<typeof options>, positionals: string[], ctx: CommandContext): Promise<number> {
  const specs = positionals.length === 0 ? await allSpecs(ctx.specs) : await specsOfPaths(positionals);
  const format = formatOf(values.format, values.json);
  const workers = threadCount('--jobs', values.jobs) ?? availableParallelism();
  const timeout = positive('--timeout', values.timeout, false);
  const shard = parseShard(values.shard);
  const selected = configurations(specs, values.only);
  const costs = costsFile(values.costs);
  const configs = shard === undefined ? selected : inShard(selected, shard, configurationId, costs === undefined ? undefined : costOf(costs));
  if (values.list) {
    if (format === 'ktap') throw new UsageError('--list prints names, no test results: --format ktap reports a run');
    if (values['record-costs'] !== undefined) throw new UsageError('--list runs nothing: --record-costs records a run');
    const ids = configs.map(configurationId);
    ctx.out.write(format === 'json' ? JSON.stringify({ configurations: ids }) + '\n' : ids.map((id) => id + '\n').join(''));
    return EXIT.pass;
  }
  if (values.report !== undefined) requireWritableDir('--report', values.report);
  if (values.junit !== undefined) requireWritableFile('--junit', values.junit);
  if (values.sarif !== undefined) requireWritableFile('--sarif', values.sarif);
  if (values['record-costs'] !== undefined) requireWritableFile('--record-costs', values['record-costs']);
  const cols = columns(configs);
  const audited = values.audit ? auditedSpecs(specs, values.only) : [];
  const progress = values.quiet ? undefined : parallelProgress(ctx.err, configs.length);
  /** Lines on stdout, between progress lines; a human line too wide is wrapped, KTAP's never. */
  const say = (lines: string[]): void => {
    if (format === 'json' || lines.length === 0) return;
    const out = format === 'human' ? lines.flatMap((l) => fitted(l)) : lines;
    const write = (): void => void ctx.out.write(out.join('\n') + '\n');
    if (progress) progress.around(write);
    else write();
  };
  /** What the human output says as plain lines, KTAP as diagnostic lines. */
  const note = (lines: string[]): void => say(format === 'ktap' ? lines.filter((l) => l !== '').flatMap(diagnostics) : lines);

  const specCount = new Set(configs.map((c) => c.spec.name)).size;
  const threads = Math.min(workers, configs.length);
  if (format === 'ktap') say(ktapHead(configs.length + audited.length));
  note([
    `tdxmc ci: ${plural(configs.length, 'configuration')} of ${plural(specCount, 'spec')} on ${plural(threads, 'worker thread')}${timeout === undefined ? '' : `, ${timeout} s budget`}`,
  ]);
  const ready: (GateRow | undefined)[] = configs.map(() => undefined);
  let printed = 0;
  const stop = new AbortController();
  const release = onStopSignal((signal) => stop.abort(signal));
  const gate = await runGate(configs, {
    workers,
    ...(timeout === undefined ? {} : { timeout }),
    reports: { dir: values.report ?? DEFAULT_REPORT_DIR, all: values.report !== undefined },
    version: ctx.version,
    signal: stop.signal,
    onStart: (i) => progress?.start(i, configurationId(configs[i]!)),
    onProgress: (i, p) => progress?.update(i, p),
    onDone: (i, row) => {
      progress?.done(i);
      ready[i] = row;
      // In declaration order, each as soon as those before it are done: logs compare run to run.
      const lines: string[] = [];
      for (; ready[printed] !== undefined; printed++) {
        const r = ready[printed]!;
        if (format === 'ktap') lines.push(...ktapTest(r, printed + 1));
        else if (r.result.notRun !== true) lines.push(...rowLines(r, cols));
      }
      say(lines);
    },
  });
  progress?.end();
  release();
  const signal = stop.signal.aborted ? (stop.signal.reason as StopSignal) : undefined;

  // Outputs that could not be written: the verdicts and the tally are still printed, exit 2.
  const unwritten = gate.rows.flatMap((r) => (r.result.reportError === undefined ? [] : [`--report: ${configurationId(r.config)}: ${r.result.reportError}`]));
  const sink = (flag: string, what: string, file: string | undefined, text: () => string): string[] => {
    if (file === undefined) return [];
    try {
      writeOut(flag, file, text());
      return [`${what}: ${file}`];
    } catch (e) {
      unwritten.push((e as Error).message);
      return [];
    }
  };
  const files = [
    ...sink('--junit', 'JUnit', values.junit, () => renderJunit(gate.rows, gate.seconds)),
    ...sink('--sarif', 'SARIF', values.sarif, () => renderSarif(gate.rows, ctx.version)),
    ...sink('--record-costs', 'costs', values['record-costs'], () =>
      costsText(gate.rows.filter((r) => r.result.notRun !== true).map((r) => [configurationId(r.config), r.result.stats.seconds])),
    ),
  ];
  const audits = signal === undefined ? await auditLines(audited, ctx.version, workers) : [];
  const auditLine = (a: AuditLine): string =>
    `audit ${a.spec}: score ${a.score.toFixed(3)}${a.floor === undefined ? '' : ` (floor ${a.floor})`}, ${plural(a.survivors.length, 'survivor')} not accepted${auditHolds(a) ? '' : ': FAIL'}`;
  const survivorLines = (a: AuditLine): string[] => a.survivors.map((m) => `  ${m} breaks no property`);
  if (format === 'ktap') {
    // Each audit is a test after the configurations'; one a signal kept from running is skipped.
    say(
      audited.flatMap((spec, i) => {
        const a = audits.find((x) => x.spec === spec.name);
        const n = configs.length + i + 1;
        if (a === undefined) return [`ok ${n} audit ${spec.name} # SKIP not run: stopped by ${signal}`];
        return [...[auditLine(a), ...survivorLines(a)].flatMap(diagnostics), `${auditHolds(a) ? 'ok' : 'not ok'} ${n} audit ${spec.name}`];
      }),
    );
    note([...files, tallyLine(gate.rows, gate.seconds)]);
  } else if (format === 'human') {
    const auditText = audits.flatMap((a) => [auditLine(a), ...survivorLines(a)]);
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
      tool: { name: 'tdx-mc', version: ctx.version },
      ...(shard === undefined ? {} : { shard: `${shard.index}/${shard.count}` }),
      configurations: gate.rows.filter((r) => r.result.notRun !== true).map(rowJson),
      ...(values.audit
        ? { audits: audits.map(({ spec, score, floor, survivors }) => ({ spec, score, ...(floor === undefined ? {} : { floor }), survivors })) }
        : {}),
      ...(signal === undefined ? {} : { stoppedBy: signal }),
      ...(unwritten.length === 0 ? {} : { unwritten }),
    };
    ctx.out.write(JSON.stringify(summary) + '\n');
  }
  if (unwritten.length > 0) ctx.err.write(`tdxmc: ${unwritten[0]}${unwritten.length > 1 ? ` (and ${unwritten.length - 1} more not written)` : ''}\n`);
  if (signal !== undefined) return signalExit(signal);
  if (unwritten.length > 0) return EXIT.badInput;
  return gate.exit === EXIT.pass && audits.some((a) => !auditHolds(a)) ? EXIT.violation : gate.exit;
}

/** `--costs FILE`, else COSTS_FILE in the current directory if there is one, else none (round-robin). */
function costsFile(given: string | undefined): Costs | undefined {
  const file = given ?? (existsSync(COSTS_FILE) ? COSTS_FILE : undefined);
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--costs: cannot read ${file}: ${reason(e)}`, { cause: e });
  }
  return parseCosts(file, text);
}

interface AuditLine {
  readonly spec: string;
  readonly score: number;
  readonly floor?: number;
  /** Survivors the spec has not accepted. */
  readonly survivors: readonly string[];
  readonly counts: AuditResult['counts'];
}

/** The selected specs that declare an audit line. */
const auditedSpecs = (specs: readonly Spec[], only: readonly string[]): Spec[] =>
  specs.filter((s) => s.audit !== undefined && (only.length === 0 || only.some((o) => selectsSpec(o, s.name))));

/** The audit of each of `chosen`, at its default parameters. */
async function auditLines(chosen: readonly Spec[], version: string, jobs: number): Promise<AuditLine[]> {
  const out: AuditLine[] = [];
  for (const spec of chosen) {
    const p = checkParams(spec.params, {});
    if (!p.ok) throw new UsageError(`spec ${spec.name}: ${p.error}`);
    const r = await audit(spec, p.params, { operators: Object.keys(OPERATORS) as Operator[], jobs, version });
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
