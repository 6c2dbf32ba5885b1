// `tdxmc ci`: every spec's configurations against their expected verdicts, in parallel on
// worker threads; one line per configuration, the failures, a tally, and on request JUnit XML,
// SARIF and `--json`. Exit 0 all as expected, 1 any not, 2 bad input, 3 any run incomplete.

import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { Spec } from '../model.js';
import { DEFAULT_REPORT_DIR } from '../report/write.js';
import { configurationId, configurations } from './configuration.js';
import { positive, positiveInt } from '../cli/flags.js';
import { writeOut } from '../cli/out-file.js';
import { runGate, type GateRow } from './gate.js';
import { renderJunit } from './junit.js';
import { parallelProgress } from './progress.js';
import { renderSarif } from './sarif.js';
import { columns, failureLines, rowLine, tally, tallyLine } from './summary.js';

export interface CommandContext {
  readonly specs: readonly Spec[];
  readonly version: string;
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WriteStream;
}

export const CI_USAGE = `ci options:
  --only PATTERN                only configurations whose spec/name contains PATTERN (repeatable)
  --report [DIR]                write reports of every counterexample, expected or not, into DIR
                                (default ${DEFAULT_REPORT_DIR}/; without --report only unexpected ones go there)
  --junit FILE                  write JUnit XML: one test case per configuration
  --sarif FILE                  write SARIF 2.1.0: one result per unexpected counterexample
  --jobs N                      worker threads (default: the machine's available parallelism)
  --timeout SECONDS             budget for the whole run; unfinished configurations are incomplete
  --json                        print exactly one JSON object on stdout
  --quiet                       no progress line`;

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

export async function ciCommand(args: readonly string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    options: {
      only: { type: 'string', multiple: true },
      report: { type: 'string' },
      junit: { type: 'string' },
      sarif: { type: 'string' },
      jobs: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      debug: { type: 'boolean' },
    },
  });
  const workers = positiveInt('--jobs', values.jobs) ?? availableParallelism();
  const timeout = positive('--timeout', values.timeout, false);
  const configs = configurations(ctx.specs, values.only ?? []);
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
  say([`tdxmc ci: ${plural(configs.length, 'configuration')} of ${plural(specCount, 'spec')} on ${plural(threads, 'worker thread')}${timeout === undefined ? '' : `, ${timeout} s budget`}`]);
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
  if (human) {
    const files = [values.junit === undefined ? [] : [`JUnit: ${values.junit}`], values.sarif === undefined ? [] : [`SARIF: ${values.sarif}`]].flat();
    say([...failureLines(gate.rows), ...(files.length > 0 ? ['', ...files] : []), '', tallyLine(gate.rows, gate.seconds)]);
  } else {
    const summary = {
      ...tally(gate.rows),
      seconds: Number(gate.seconds.toFixed(3)),
      configurations: gate.rows.map(rowJson),
    };
    ctx.out.write(JSON.stringify(summary) + '\n');
  }
  return gate.exit;
}
