// `tdxmc check <spec>`: explore one configuration, print the verdict (human or --json), write
// reports of a counterexample or model error with --report, and map the verdict to the exit code.
// The search runs on a worker thread (check-run.ts), so that Ctrl-C and SIGTERM print what was
// explored so far.

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { identityOf, openCheckpoint, requireSameRun } from '../checkpoint.js';
import { UsageError } from '../exit.js';
import type { Progress } from '../result.js';
import type { Spec } from '../spec.js';
import { declaredSkipped, interruptedJson, type CheckOutput, type CheckRequest } from './check-request.js';
import type { CheckWorkerData, CheckWorkerMessage } from './check-worker.js';
import type { Style } from './colour.js';
import { command } from './command.js';
import { byteSize, nonNegativeInt, positive, positiveInt, strategy, threadCount } from './flags.js';
import { renderInterrupted } from './human.js';
import { requireWritableDir } from './out-file.js';
import { progressPrinter, type ProgressPrinter } from './progress.js';
import { OUTPUT_OPTIONS, REPORT_DIR, SEARCH_OPTIONS, SET, WORKERS_LIMIT } from './shared-options.js';
import { takeSearchThread } from './search-thread.js';
import { onStopSignal, signalExit } from './signals.js';
import { explainingBuild, requireParams, requireSpec } from './spec-arg.js';
import { parseSweep, renderSweep, rowOf, stopsSweep, sweepExit, type SweepRow } from './sweep.js';
import type { CheckJson } from '../report/check-json.js';
import { paramText } from '../report/values.js';

const options = {
  set: SET,
  ...SEARCH_OPTIONS,
  symmetry: { type: 'boolean', help: "store one state per orbit of the spec's interchangeable CPUs (exact: same verdicts)" },
  por: {
    type: 'boolean',
    help: "partial-order reduction: expand one persistent set of a state's steps, from the spec's declared footprints (same safety verdicts; BFS traces not shortest; one thread; no liveness)",
  },
  workers: {
    type: 'string',
    value: 'K',
    defaultText: "the machine's cores, after a one-thread try that finishes small models; one with --exact, --por or dfs",
    help: `BFS search threads, ${WORKERS_LIMIT}`,
  },
  memory: {
    type: 'string',
    value: 'SIZE',
    defaultText: 'half the RAM',
    help: "budget for the search's states, frontier and trace links (512M, 4G); over it the verdict is incomplete",
  },
  exact: { type: 'boolean', help: 'store full states instead of 64-bit fingerprints (no collision possible); one search thread' },
  'skip-property': { type: 'string', value: 'NAME', multiple: true, help: 'do not check property NAME, to see what else breaks (repeatable)' },
  'no-liveness': { type: 'boolean', help: "skip the spec's liveness properties (checked by default once the safety search passes)" },
  report: { ...REPORT_DIR, help: 'write the trace of a violation, deadlock or model error as Markdown, text, HTML, JSON and ITF into DIR' },
  checkpoint: { type: 'string', value: 'DIR', help: 'between BFS levels, save the search into DIR/checkpoint.tdxmc (replaced whole, never half-written)' },
  'checkpoint-every': { type: 'string', value: 'SECONDS', default: '300', help: 'seconds between two checkpoints' },
  resume: { type: 'string', value: 'DIR', help: "continue from DIR's checkpoint; its spec and --set unless given, which must match" },
  sweep: {
    type: 'string',
    value: 'name=a..b',
    help: 'check once for each value a..b of an int parameter, a row each (states, transitions, time, memory, verdict); stops at the first violation',
  },
  'keep-going': { type: 'boolean', help: 'with --sweep, check every value even after a violation' },
  ...OUTPUT_OPTIONS,
} as const;

/** Seconds between the search's progress reports: what a signal prints is at most this old. */
const PROGRESS_INTERVAL = 0.5;

export const checkCommand = command({
  name: 'check',
  args: '<spec> [options]',
  summary: 'explore a spec exhaustively and report the verdict',
  options,
  examples: [
    ['tdxmc check lockstep --set cpus=6', 'exhaustive BFS; a shortest counterexample if any'],
    ['tdxmc check lockstep --set variant=nolock --report', 'a known-bad variant: its trace into reports/'],
    ['tdxmc check lockstep --search dfs --json', 'one JSON object on stdout'],
  ],
  exits: '0 pass, 1 violation, deadlock or unreachable target, 2 bad input or model error, 3 incomplete, 130/143 stopped by SIGINT/SIGTERM',
  async run(values, positionals, ctx) {
    if (positionals.length > 1) throw new UsageError(`check: one spec at a time (got ${positionals.join(', ')})`);
    const resumed = values.resume === undefined ? undefined : openCheckpoint(values.resume);
    const spec = await requireSpec(positionals[0] ?? resumed?.identity.spec, 'check', ctx.specs);
    const search = strategy(values.search);
    const every = positive('--checkpoint-every', values['checkpoint-every'], false)!;
    if (search === 'dfs' && (values.checkpoint !== undefined || resumed))
      throw new UsageError(`--${resumed ? 'resume' : 'checkpoint'}: only BFS is checkpointed (--search bfs)`);
    const maxStates = positiveInt('--max-states', values['max-states']);
    const maxDepth = nonNegativeInt('--max-depth', values['max-depth']);
    const memory = byteSize('--memory', values.memory);
    const workers = threadCount('--workers', values.workers);
    // The parallel search shares a table of fingerprints, and DFS has one stack: refused, not dropped.
    if (workers !== undefined && workers > 1 && values.exact)
      throw new UsageError(`--exact: the parallel search stores 64-bit fingerprints only; use --workers 1 (the default with --exact)`);
    if (workers !== undefined && workers > 1 && search === 'dfs') throw new UsageError(`--workers: ${workers} threads search BFS only; DFS runs on one`);
    if (values.por) {
      if (workers !== undefined && workers > 1) throw new UsageError(`--por: the reduced search runs on one thread; use --workers 1 (the default with --por)`);
      if (values.symmetry) throw new UsageError('--por: partial-order and symmetry reduction are not combined; choose one');
      if (values.checkpoint !== undefined || resumed)
        throw new UsageError(`--por: the reduced search is not checkpointed; drop --${resumed ? 'resume' : 'checkpoint'}`);
    }
    const params = requireParams(spec, values.set.length === 0 && resumed ? resumed.sets : values.set);
    const skip = values['skip-property'];
    // The search thread builds the model and checks --skip-property and --symmetry against it
    // (check-run.ts): building it here as well would add its cost to every check's start.
    if (values.report !== undefined) requireWritableDir('--report', values.report);
    if (resumed) requireSameRun(resumed, identityOf(ctx.version, spec.name, params, { exact: values.exact, symmetry: values.symmetry, skipProperties: skip }));
    if (values.checkpoint !== undefined) requireWritableDir('--checkpoint', values.checkpoint);
    const request: CheckRequest = {
      params,
      options: {
        ...(skip.length > 0 ? { skipProperties: skip } : {}),
        workers: workers ?? (values.exact || values.por ? 1 : availableParallelism()),
        // An explicit --workers is honoured as given; the default first tries one thread.
        probe: workers === undefined,
        search,
        liveness: !values['no-liveness'],
        exact: values.exact,
        symmetry: values.symmetry,
        ...(values.por ? { por: true } : {}),
        ...(memory === undefined ? {} : { memory }),
        ...(maxStates === undefined ? {} : { maxStates }),
        ...(maxDepth === undefined ? {} : { maxDepth }),
        ...(values.checkpoint === undefined ? {} : { checkpointTo: { dir: values.checkpoint, every, version: ctx.version } }),
        ...(resumed ? { resumeFrom: resumed } : {}),
      },
      ...(values.report === undefined ? {} : { report: values.report }),
      json: values.json,
      colour: ctx.style.on,
      debug: values.debug,
      version: ctx.version,
    };
    const progress = values.quiet ? undefined : progressPrinter(ctx.err);
    const once = async (r: CheckRequest): Promise<CheckOutput> => {
      const output =
        spec.file === undefined
          ? await (await import('./check-run.js')).runCheck(explainingBuild(spec), r, progress?.update, PROGRESS_INTERVAL)
          : await onThread(takeSearchThread(), spec, r, ctx.style, progress);
      progress?.done();
      return output;
    };
    if (values.sweep !== undefined) {
      if (values.checkpoint !== undefined || resumed) throw new UsageError(`--sweep: one search per value; --checkpoint and --resume take one`);
      const sweep = parseSweep(values.sweep, spec, values.set);
      const rows: SweepRow[] = [];
      for (const value of sweep.values) {
        const output = await once({ ...request, params: requireParams(spec, [...values.set, `${sweep.name}=${value}`]), json: true });
        // A signal ends the sweep with the rows done; a run's own error lines pass through.
        if (output.exit === signalExit('SIGINT') || output.exit === signalExit('SIGTERM')) {
          ctx.err.write(output.err);
          return output.exit;
        }
        ctx.err.write(output.err);
        rows.push(rowOf(value, JSON.parse(output.out) as CheckJson));
        if (stopsSweep(rows.at(-1)!) && !values['keep-going']) break;
      }
      const base = paramText(Object.fromEntries(Object.entries(params).filter(([k]) => k !== sweep.name)));
      ctx.out.write(
        (values.json
          ? JSON.stringify({ spec: spec.name, params, sweep: { name: sweep.name, values: sweep.values }, rows })
          : renderSweep(spec.name, base, sweep, rows, ctx.style)) + '\n',
      );
      return sweepExit(rows);
    }
    const output = await once(request);
    ctx.out.write(output.out);
    ctx.err.write(output.err);
    return output.exit;
  },
});

/** Runs the check on a worker thread; a signal ends it with what its last progress report said. */
function onThread(worker: Worker, spec: Spec, request: CheckRequest, style: Style, progress: ProgressPrinter | undefined): Promise<CheckOutput> {
  const started = performance.now();
  const data: CheckWorkerData = { module: spec.file!, spec: spec.name, request, interval: PROGRESS_INTERVAL };
  worker.postMessage(data);
  let last: Progress = { distinctStates: 0, transitions: 0, queue: 0, depth: 0, seconds: 0 };
  return new Promise<CheckOutput>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      release();
      f();
    };
    const release = onStopSignal((signal) => {
      const seconds = (performance.now() - started) / 1000;
      const out = request.json
        ? JSON.stringify(interruptedJson(spec, request, last, seconds, signal)) + '\n'
        : renderInterrupted(spec.name, request.params, last, seconds, request.options.search ?? 'bfs', signal, declaredSkipped(spec, request), style) + '\n';
      settle(() => resolve({ out, err: '', exit: signalExit(signal) }));
      // The search threads end with this one.
      void worker.terminate();
    });
    worker.on('message', (m: CheckWorkerMessage) => {
      if (m.type === 'progress') {
        last = m.progress;
        progress?.update(m.progress);
      } else if (m.type === 'done') settle(() => resolve(m.output));
      else settle(() => reject(Object.assign(m.usage ? new UsageError(m.message) : new Error(m.message), m.stack === undefined ? {} : { stack: m.stack })));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the search thread exited (code ${code}) without a verdict`))));
  }).finally(() => void worker.terminate());
}
