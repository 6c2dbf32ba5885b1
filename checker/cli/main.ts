// `tdxmc`: the command line. Parses arguments, runs a command, maps outcomes to exit codes.
// Every failure of input ends here as one line on stderr and exit 2 (the stack with --debug).

import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { check, type Strategy } from '../check.js';
import type { Spec } from '../model.js';
import { resolveParams } from '../params.js';
import { findSpec, specs } from '../../specs/index.js';
import { EXIT, UsageError } from './exit.js';
import { checkJson } from './json.js';
import { renderCheck } from './human.js';
import { progressPrinter } from './progress.js';

const USAGE = `usage: tdxmc <command> [options]

commands:
  list [--json]                 every spec, its parameters and properties
  check <spec> [options]        explore a spec exhaustively and report the verdict

check options:
  --set name=value              set a parameter (repeatable)
  --search bfs|dfs              search order (default bfs: shortest counterexamples)
  --max-states N                stop after N distinct states (verdict incomplete)
  --max-depth N                 do not expand states at depth N (verdict incomplete if cut)
  --exact                       store full states instead of 64-bit fingerprints
  --json                        print exactly one JSON object on stdout
  --quiet                       no progress line
  --debug                       print stack traces of errors

exit codes: 0 pass, 1 violation or deadlock, 2 bad input, 3 incomplete`;

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

function requireSpec(name: string | undefined): Spec {
  if (name === undefined) throw new UsageError('check: which spec? (tdxmc list shows them)');
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

function checkCommand(args: string[]): number {
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
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      debug: { type: 'boolean' },
    },
  });
  if (positionals.length > 1) throw new UsageError(`check: one spec at a time (got ${positionals.join(', ')})`);
  const spec = requireSpec(positionals[0]);
  const search = (values.search ?? 'bfs') as Strategy;
  if (search !== 'bfs' && search !== 'dfs') throw new UsageError(`--search: '${values.search}' is not bfs or dfs`);
  const maxStates = positiveInt('--max-states', values['max-states']);
  const maxDepth = nonNegativeInt('--max-depth', values['max-depth']);
  const p = resolveParams(spec.params, values.set ?? []);
  if (!p.ok) throw new UsageError(p.error);

  let model;
  try {
    model = spec.build(p.params);
  } catch (e) {
    throw new UsageError(`spec ${spec.name}: building the model failed: ${(e as Error).message}`, { cause: e });
  }
  const progress = values.quiet ? undefined : progressPrinter(process.stderr);
  const outcome = check(model, {
    search,
    exact: values.exact ?? false,
    ...(maxStates === undefined ? {} : { maxStates }),
    ...(maxDepth === undefined ? {} : { maxDepth }),
    ...(progress ? { onProgress: progress.update, progressInterval: progress.interval } : {}),
  });
  progress?.done();
  if (outcome.error) throw new UsageError(`spec ${spec.name}: ${outcome.error.message}`, { cause: outcome.error.cause });

  if (values.json) process.stdout.write(JSON.stringify(checkJson(spec.name, p.params, outcome)) + '\n');
  else process.stdout.write(renderCheck(spec.name, p.params, outcome, search) + '\n');
  return outcome.verdict === 'pass' ? EXIT.pass : outcome.verdict === 'incomplete' ? EXIT.incomplete : EXIT.violation;
}

export function main(argv: string[]): number {
  const debug = argv.includes('--debug');
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'list':
        return listCommand(rest);
      case 'check':
        return checkCommand(rest);
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
