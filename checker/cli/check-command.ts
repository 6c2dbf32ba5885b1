// `tdxmc check <spec>`: explore one configuration, print the verdict (human or --json), write
// reports of a counterexample or model error with --report, and map the verdict to the exit code.

import { availableParallelism } from 'node:os';
import { checkParallel, describeModelError, type CheckOutcome } from '../check.js';
import { EXIT, UsageError } from '../exit.js';
import { propertyNamesOf } from '../properties.js';
import { checkJson } from '../report/check-json.js';
import { reportSubject, writeReports } from '../report/write.js';
import { command } from './command.js';
import { byteSize, nonNegativeInt, positiveInt, strategy } from './flags.js';
import { renderCheck } from './human.js';
import { progressPrinter } from './progress.js';
import { OUTPUT_OPTIONS, REPORT_DIR, SEARCH_OPTIONS, SET } from './shared-options.js';
import { buildModel, requireSpec } from './spec-arg.js';

const options = {
  set: SET,
  ...SEARCH_OPTIONS,
  symmetry: { type: 'boolean', help: "store one state per orbit of the spec's interchangeable CPUs (exact: same verdicts)" },
  workers: { type: 'string', value: 'K', defaultText: "the machine's cores, after a one-thread try that finishes small models", help: 'BFS search threads' },
  memory: { type: 'string', value: 'SIZE', defaultText: 'half the RAM', help: 'budget for stored states (512M, 4G); over it the verdict is incomplete' },
  exact: { type: 'boolean', help: 'store full states instead of 64-bit fingerprints (no collision possible)' },
  'skip-property': { type: 'string', value: 'NAME', multiple: true, help: 'do not check property NAME, to see what else breaks (repeatable)' },
  'no-liveness': { type: 'boolean', help: "skip the spec's liveness properties (checked by default once the safety search passes)" },
  report: { ...REPORT_DIR, help: 'write the trace of a violation, deadlock or model error as Markdown, text, HTML, JSON and ITF into DIR' },
  ...OUTPUT_OPTIONS,
} as const;

const EXIT_OF: Record<CheckOutcome['verdict'], number> = {
  pass: EXIT.pass,
  violation: EXIT.violation,
  deadlock: EXIT.violation,
  unreachable: EXIT.violation,
  error: EXIT.badInput,
  incomplete: EXIT.incomplete,
};

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
  exits: '0 pass, 1 violation, deadlock or unreachable target, 2 bad input or model error, 3 incomplete',
  async run(values, positionals, ctx) {
    if (positionals.length > 1) throw new UsageError(`check: one spec at a time (got ${positionals.join(', ')})`);
    const spec = requireSpec(positionals[0], 'check', ctx.specs);
    const search = strategy(values.search);
    const maxStates = positiveInt('--max-states', values['max-states']);
    const maxDepth = nonNegativeInt('--max-depth', values['max-depth']);
    const memory = byteSize('--memory', values.memory);
    const workers = positiveInt('--workers', values.workers) ?? availableParallelism();
    const built = buildModel(spec, values.set);
    const p = built.p;
    const skip = values['skip-property'];
    const known = propertyNamesOf(built.model);
    for (const name of skip) {
      if (!known.includes(name)) throw new UsageError(`--skip-property: spec ${spec.name} has no property '${name}' (it has ${known.join(', ')})`);
    }
    if (values.symmetry && (built.model.symmetry?.length ?? 0) === 0) throw new UsageError(`--symmetry: spec ${spec.name} declares no interchangeable actors`);
    const progress = values.quiet ? undefined : progressPrinter(ctx.err);
    const outcome = await checkParallel(spec, p.params, {
      ...(skip.length > 0 ? { skipProperties: skip } : {}),
      workers,
      // An explicit --workers is honoured as given; the default first tries one thread.
      probe: values.workers === undefined,
      search,
      liveness: !values['no-liveness'],
      exact: values.exact,
      symmetry: values.symmetry,
      ...(memory === undefined ? {} : { memory }),
      ...(maxStates === undefined ? {} : { maxStates }),
      ...(maxDepth === undefined ? {} : { maxDepth }),
      ...(progress ? { onProgress: progress.update, progressInterval: progress.interval } : {}),
    });
    progress?.done();

    let reports: string[] = [];
    if (values.report !== undefined) {
      try {
        const subject = {
          search,
          ...(maxStates === undefined ? {} : { maxStates }),
          ...(maxDepth === undefined ? {} : { maxDepth }),
          symmetry: values.symmetry,
        };
        reports = writeReports(values.report, {
          ...reportSubject(spec, p.params, subject, ctx.version, outcome.violation?.property.name ?? outcome.error?.property ?? undefined),
          outcome,
        });
      } catch (e) {
        throw new UsageError(`--report: cannot write into ${values.report}: ${(e as Error).message}`, { cause: e });
      }
    }
    if (values.json) ctx.out.write(JSON.stringify({ ...checkJson(spec.name, p.params, outcome), ...(values.report === undefined ? {} : { reports }) }) + '\n');
    else if (outcome.error === undefined) {
      ctx.out.write(renderCheck(spec.name, p.params, outcome, search) + '\n');
      if (values.report !== undefined) {
        ctx.out.write(reports.length === 0 ? '\nno counterexample: no report written\n' : `\nreports:\n${reports.map((f) => `  ${f}\n`).join('')}`);
      }
    }
    if (outcome.error !== undefined) {
      // An initial-state writer that threw leaves no state, so no trace to write.
      const where = reports.length > 0 ? `; trace written to ${values.report}` : outcome.error.phase === 'init' ? '' : '; --report writes the trace';
      ctx.err.write(`tdxmc: model error: ${describeModelError(outcome.error)}${where}\n`);
      if (values.debug) ctx.err.write(`${stackOf(outcome.error.cause)}\n`);
    }
    return EXIT_OF[outcome.verdict];
  },
});

const stackOf = (cause: unknown): string => (cause instanceof Error ? (cause.stack ?? cause.message) : String(cause));
