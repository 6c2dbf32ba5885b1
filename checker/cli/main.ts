// `tdxmc`: the command line. Parses arguments, runs a command, maps outcomes to exit codes.
// Every failure of input ends here as one line on stderr and exit 2 (the stack with --debug).

import { CI_USAGE, ciCommand, type CommandContext } from '../ci/ci-command.js';
import { DIFF_USAGE, diffCommand } from '../ci/diff-command.js';
import { DEFAULT_MAX_NODES } from '../report/graph.js';
import { DEFAULT_REPORT_DIR } from '../report/write.js';
import { specs } from '../../specs/index.js';
import { checkCommand } from './check-command.js';
import { EXIT, UsageError } from './exit.js';
import { graphCommand } from './graph-command.js';
import { listCommand } from './list-command.js';
import { version } from './version.js';

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
  --skip-property NAME          do not check property NAME (repeatable): what else breaks?
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

/** `--report` alone takes the default directory (parseArgs has no optional values). */
function defaultReportDir(args: string[]): string[] {
  return args.map((a, i) => (a === '--report' && (i + 1 === args.length || args[i + 1]!.startsWith('-')) ? `--report=${DEFAULT_REPORT_DIR}` : a));
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
