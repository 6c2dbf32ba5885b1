// `tdxmc`: the command line. Runs a command on the spec registry it is given, and maps outcomes
// to exit codes. Every failure of input ends here as one line on stderr and exit 2 (the stack
// with --debug).

import { EXIT, UsageError } from '../exit.js';
import { ciCommand } from './ci-command.js';
import { auditCommand } from './audit-command.js';
import { checkCommand } from './check-command.js';
import { outputStyle } from './colour.js';
import type { CliCommand, CommandContext } from './command.js';
import { completionCommand } from './completion-command.js';
import { TOP_WORDS } from './completion.js';
import { diffCommand } from './diff-command.js';
import { graphCommand } from './graph-command.js';
import { commandHelp, topHelp } from './help.js';
import { listCommand } from './list-command.js';
import { simulateCommand } from './simulate-command.js';
import { didYouMean } from './suggest.js';

export const COMMANDS: readonly CliCommand[] = [
  listCommand,
  checkCommand,
  simulateCommand,
  graphCommand,
  ciCommand,
  diffCommand,
  auditCommand,
  completionCommand(() => COMMANDS),
];

/** A message as one line: control characters a value brought in (a newline) are shown escaped. */
// eslint-disable-next-line no-control-regex -- the controls are what is escaped
const oneLine = (s: string): string => s.replace(/[\x00-\x1f\x7f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The command `name` names; `also` are the other words that may stand where it does. */
function commandNamed(name: string | undefined, also: readonly string[] = []) {
  const cmd = COMMANDS.find((c) => c.name === name);
  const known = [...COMMANDS.map((c) => c.name), ...also];
  if (cmd === undefined) throw new UsageError(`unknown command '${name}'${didYouMean(name ?? '', known, 'tdxmc --help lists them')}`);
  return cmd;
}

export async function main(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case '--version':
        ctx.out.write(ctx.version + '\n');
        return EXIT.pass;
      case undefined:
        throw new UsageError(`which command? ${COMMANDS.map((c) => c.name).join(', ')} (tdxmc --help shows their options)`);
      case '--help':
      case '-h':
      case 'help': {
        const style = outputStyle(ctx.out, ctx.env, { noColor: rest.includes('--no-color'), json: false });
        const topic = rest.find((a) => a !== '--no-color');
        ctx.out.write((cmd === 'help' && topic !== undefined ? commandHelp(commandNamed(topic), style) : topHelp(COMMANDS, style)) + '\n');
        return EXIT.pass;
      }
      default:
        return await commandNamed(cmd, TOP_WORDS).invoke(rest, ctx);
    }
  } catch (e) {
    const err = e as Error & { code?: string };
    // parseArgs reports unknown or malformed flags with ERR_PARSE_ARGS_* codes: bad input too.
    const usage = e instanceof UsageError || (typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS'));
    ctx.err.write(`tdxmc: ${oneLine(usage ? err.message : `internal error: ${err.message}`)}\n`);
    if (debug) ctx.err.write(`${(usage && err.cause instanceof Error ? err.cause : err).stack ?? ''}\n`);
    return EXIT.badInput;
  }
}
