// `tdxmc check <spec>`: explore one configuration, print the verdict (human or --json), write
// reports for a counterexample with --report, and map the verdict to the exit code.

import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { checkParallel, type Strategy } from '../check.js';
import { propertyNamesOf } from '../properties.js';
import { reportSubject, writeReports } from '../report/write.js';
import { EXIT, UsageError } from './exit.js';
import { byteSize, nonNegativeInt, positiveInt } from './flags.js';
import { renderCheck } from './human.js';
import { checkJson } from './json.js';
import { progressPrinter } from './progress.js';
import { buildModel, requireSpec } from './spec-arg.js';
import { version } from './version.js';

export async function checkCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      set: { type: 'string', multiple: true },
      search: { type: 'string' },
      'max-states': { type: 'string' },
      'max-depth': { type: 'string' },
      exact: { type: 'boolean' },
      symmetry: { type: 'boolean' },
      memory: { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      debug: { type: 'boolean' },
      report: { type: 'string' },
      'skip-property': { type: 'string', multiple: true },
    },
  });
  if (positionals.length > 1) throw new UsageError(`check: one spec at a time (got ${positionals.join(', ')})`);
  const spec = requireSpec(positionals[0]);
  const search = (values.search ?? 'bfs') as Strategy;
  if (search !== 'bfs' && search !== 'dfs') throw new UsageError(`--search: '${values.search}' is not bfs or dfs`);
  const maxStates = positiveInt('--max-states', values['max-states']);
  const maxDepth = nonNegativeInt('--max-depth', values['max-depth']);
  const memory = byteSize('--memory', values.memory);
  const workers = positiveInt('--workers', values.workers) ?? availableParallelism();
  const built = buildModel(spec, values.set ?? []);
  const p = built.p;
  const skip = values['skip-property'] ?? [];
  const known = propertyNamesOf(built.model);
  for (const name of skip) {
    if (!known.includes(name)) throw new UsageError(`--skip-property: spec ${spec.name} has no property '${name}' (it has ${known.join(', ')})`);
  }
  if (values.symmetry && (built.model.symmetry?.length ?? 0) === 0) throw new UsageError(`--symmetry: spec ${spec.name} declares no interchangeable actors`);
  const progress = values.quiet ? undefined : progressPrinter(process.stderr);
  const outcome = await checkParallel(spec, p.params, {
    ...(skip.length > 0 ? { skipProperties: skip } : {}),
    workers,
    // An explicit --workers is honoured as given; the default first tries one thread.
    probe: values.workers === undefined,
    search,
    exact: values.exact ?? false,
    symmetry: values.symmetry ?? false,
    ...(memory === undefined ? {} : { memory }),
    ...(maxStates === undefined ? {} : { maxStates }),
    ...(maxDepth === undefined ? {} : { maxDepth }),
    ...(progress ? { onProgress: progress.update, progressInterval: progress.interval } : {}),
  });
  progress?.done();
  if (outcome.error) throw new UsageError(`spec ${spec.name}: ${outcome.error.message}`, { cause: outcome.error.cause });

  let reports: string[] = [];
  if (values.report !== undefined) {
    try {
      const options = { search, ...(maxStates === undefined ? {} : { maxStates }), ...(maxDepth === undefined ? {} : { maxDepth }), symmetry: values.symmetry ?? false };
      reports = writeReports(values.report, { ...reportSubject(spec, p.params, options, version(), outcome.violation?.property.name), outcome });
    } catch (e) {
      throw new UsageError(`--report: cannot write into ${values.report}: ${(e as Error).message}`, { cause: e });
    }
  }
  if (values.json) process.stdout.write(JSON.stringify({ ...checkJson(spec.name, p.params, outcome), ...(values.report === undefined ? {} : { reports }) }) + '\n');
  else {
    process.stdout.write(renderCheck(spec.name, p.params, outcome, search) + '\n');
    if (values.report !== undefined) {
      process.stdout.write(reports.length === 0 ? '\nno counterexample: no report written\n' : `\nreports:\n${reports.map((f) => `  ${f}\n`).join('')}`);
    }
  }
  return outcome.verdict === 'pass' ? EXIT.pass : outcome.verdict === 'incomplete' ? EXIT.incomplete : EXIT.violation;
}
