// `tdxmc`: the command line. Parses arguments, runs a command, maps outcomes to exit codes.
// Every failure of input ends here as one line on stderr and exit 2 (the stack with --debug).

import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { check, checkParallel, type Strategy } from '../check.js';
import type { Spec } from '../model.js';
import { resolveParams } from '../params.js';
import { findSpec, specs } from '../../specs/index.js';
import { EXIT, UsageError } from './exit.js';
import { checkJson } from './json.js';
import { renderCheck } from './human.js';
import { progressPrinter } from './progress.js';
import { json as graphJson } from '@dagrejs/graphlib';
import { renderDot } from '../report/dot.js';
import { DEFAULT_MAX_NODES, GraphTooLarge, markCounterexample, stateGraph } from '../report/graph.js';
import { CompiledModel } from '../compiled.js';
import { paramText } from '../report/values.js';
import { propertyLocation } from '../report/location.js';
import { DEFAULT_REPORT_DIR, writeReports } from '../report/write.js';
import { CI_USAGE, ciCommand, type CommandContext } from '../ci/ci-command.js';
import { DIFF_USAGE, diffCommand } from '../ci/diff-command.js';

const USAGE = `usage: tdxmc <command> [options]

commands:
  list [--json]                 every spec, its parameters and properties
  check <spec> [options]        explore a spec exhaustively and report the verdict
  graph <spec> [options]        write the explored state graph of a small run (DOT or JSON)
  ci [options]                  check every spec's configurations against their expected verdicts
  diff <spec> [options]         compare two configurations of a spec property by property

check options:
  --set name=value              set a parameter (repeatable)
  --search bfs|dfs              search order (default bfs: shortest counterexamples)
  --max-states N                stop after N distinct states (verdict incomplete)
  --max-depth N                 do not expand states at depth N (verdict incomplete if cut)
  --exact                       store full states instead of 64-bit fingerprints
  --symmetry                    store one state per orbit of the spec's interchangeable CPUs
  --memory SIZE                 memory budget for states (e.g. 512M, 4G; default half the RAM);
                                over it the run stops with verdict incomplete
  --workers K                   search threads for BFS (default: the machine's cores, after
                                a one-thread try that finishes small models without workers)
  --json                        print exactly one JSON object on stdout
  --quiet                       no progress line
  --debug                       print stack traces of errors
  --report [DIR]                on a violation or deadlock, write its report as Markdown, text,
                                HTML, JSON and ITF into DIR (default ${DEFAULT_REPORT_DIR}/)

graph options:
  --set name=value              set a parameter (repeatable)
  --format dot|json             Graphviz DOT (default) or graphlib JSON
  --out FILE                    write to FILE instead of stdout
  --max-nodes N                 refuse runs with more than N states (default ${DEFAULT_MAX_NODES})

${CI_USAGE}

${DIFF_USAGE}

exit codes: 0 pass, 1 violation or deadlock, 2 bad input, 3 incomplete
  (ci: 1 any configuration not as expected, 3 any run incomplete; diff: 1 the proposal breaks a property)`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`${flag}: '${raw}' is not a positive integer`);
  return Number(raw);
}

function nonNegativeInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`${flag}: '${raw}' is not a non-negative integer`);
  return Number(raw);
}

/** `512M`, `4G`, `1.5GiB`, or plain bytes. */
function byteSize(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(raw);
  if (!m) throw new UsageError(`${flag}: '${raw}' is not a size (e.g. 512M, 4G)`);
  const bytes = Number(m[1]) * 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase());
  if (bytes < 1 << 20) throw new UsageError(`${flag}: ${raw} is below the 1M minimum`);
  return Math.floor(bytes);
}

function requireSpec(name: string | undefined, command = 'check'): Spec {
  if (name === undefined) throw new UsageError(`${command}: which spec? (tdxmc list shows them)`);
  const spec = findSpec(name);
  if (!spec) throw new UsageError(`unknown spec '${name}' (known: ${specs.map((s) => s.name).join(', ')})`);
  return spec;
}

function listCommand(args: string[]): number {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' }, debug: { type: 'boolean' } }, strict: true });
  const rows = specs.map((s) => {
    const model = s.build(resolveDefaults(s));
    return {
      name: s.name,
      description: s.description,
      params: s.params,
      properties: [...model.invariants, ...(model.transitionProperties ?? [])].map((p) => ({
        name: p.name,
        description: p.description,
        ...(p.source === undefined ? {} : { source: p.source }),
      })),
    };
  });
  if (values.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return EXIT.pass;
  }
  const out: string[] = [];
  for (const r of rows) {
    out.push(`${r.name}: ${r.description}`, '  parameters:');
    for (const p of r.params) {
      const range = p.type === 'int' ? `${p.min}..${p.max}` : p.type === 'enum' ? p.values.join('|') : 'true|false';
      out.push(`    ${p.name} = ${String(p.default)}  (${range})  ${p.description}`);
    }
    out.push('  properties:');
    for (const p of r.properties) out.push(`    ${p.name}: ${p.description}`);
    out.push('');
  }
  process.stdout.write(out.join('\n'));
  return EXIT.pass;
}

function resolveDefaults(s: Spec) {
  const r = resolveParams(s.params, []);
  if (!r.ok) throw new Error(r.error);
  return r.params;
}

function buildModel(spec: Spec, sets: string[]) {
  const p = resolveParams(spec.params, sets);
  if (!p.ok) throw new UsageError(p.error);
  try {
    return { p, model: spec.build(p.params) };
  } catch (e) {
    throw new UsageError(`spec ${spec.name}: building the model failed: ${(e as Error).message}`, { cause: e });
  }
}

function locationOf(spec: Spec, property: string | undefined): { location?: string } {
  const location = property === undefined ? undefined : propertyLocation(spec.file, property);
  return location === undefined ? {} : { location };
}

/** `--report` alone takes the default directory (parseArgs has no optional values). */
function defaultReportDir(args: string[]): string[] {
  return args.map((a, i) => (a === '--report' && (i + 1 === args.length || args[i + 1]!.startsWith('-')) ? `--report=${DEFAULT_REPORT_DIR}` : a));
}

async function checkCommand(args: string[]): Promise<number> {
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
  const { p, model } = buildModel(spec, values.set ?? []);
  if (values.symmetry && (model.symmetry?.length ?? 0) === 0) throw new UsageError(`--symmetry: spec ${spec.name} declares no interchangeable actors`);
  const progress = values.quiet ? undefined : progressPrinter(process.stderr);
  const outcome = await checkParallel(spec, p.params, {
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
      reports = writeReports(values.report, {
        spec: spec.name,
        specDescription: spec.description,
        params: p.params,
        defaults: resolveDefaults(spec),
        options: { search, 'max-states': maxStates ?? 'none', 'max-depth': maxDepth ?? 'none', symmetry: values.symmetry ?? false },
        version: version(),
        ...locationOf(spec, outcome.violation?.property.name),
        outcome,
      });
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

function graphCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      set: { type: 'string', multiple: true },
      format: { type: 'string' },
      out: { type: 'string' },
      'max-nodes': { type: 'string' },
      debug: { type: 'boolean' },
    },
  });
  if (positionals.length > 1) throw new UsageError(`graph: one spec at a time (got ${positionals.join(', ')})`);
  const spec = requireSpec(positionals[0], 'graph');
  const format = values.format ?? 'dot';
  if (format !== 'dot' && format !== 'json') throw new UsageError(`--format: '${format}' is not dot or json`);
  const maxNodes = positiveInt('--max-nodes', values['max-nodes']) ?? DEFAULT_MAX_NODES;
  const { p, model } = buildModel(spec, values.set ?? []);
  const title = `${spec.name} ${paramText(p.params)}`;
  const cm = new CompiledModel(model);
  let g;
  try {
    g = stateGraph(cm, title, maxNodes);
  } catch (e) {
    if (!(e instanceof GraphTooLarge)) throw new UsageError(`spec ${spec.name}: ${(e as Error).message}`, { cause: e });
    throw new UsageError(`graph: ${title} has ${e.message}; the graph is for small runs (lower the parameters or raise --max-nodes)`);
  }
  // The graph is small, so the search for its counterexample is quick.
  const outcome = check(cm, { exact: true });
  if (outcome.violation) markCounterexample(g, cm, outcome.violation);
  const text = format === 'dot' ? renderDot(g) : JSON.stringify(graphJson.write(g), null, 1) + '\n';
  if (values.out === undefined) process.stdout.write(text);
  else writeFileSync(values.out, text);
  return EXIT.pass;
}

const commandContext = (): CommandContext => ({ specs, version: version(), out: process.stdout, err: process.stderr });

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'list':
        return listCommand(rest);
      case 'check':
        return await checkCommand(defaultReportDir(rest));
      case 'graph':
        return graphCommand(rest);
      case 'ci':
        return await ciCommand(defaultReportDir(rest), commandContext());
      case 'diff':
        return await diffCommand(rest, commandContext());
      case '--version':
        process.stdout.write(version() + '\n');
        return EXIT.pass;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE + '\n');
        return cmd === undefined ? EXIT.badInput : EXIT.pass;
      default:
        throw new UsageError(`unknown command '${cmd}' (tdxmc --help lists them)`);
    }
  } catch (e) {
    const err = e as Error & { code?: string };
    // parseArgs reports unknown or malformed flags with ERR_PARSE_ARGS_* codes: bad input too.
    const usage = e instanceof UsageError || (typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS'));
    // One line: node's parseArgs messages carry advice on further lines.
    const line = (usage ? err.message : `internal error: ${err.message}`).split('\n')[0];
    process.stderr.write(`tdxmc: ${line}\n`);
    if (debug) process.stderr.write(`${(usage && err.cause instanceof Error ? err.cause : err).stack ?? ''}\n`);
    return EXIT.badInput;
  }
}
