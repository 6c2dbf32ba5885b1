// `tdxmc`: the command line. Runs a command on the spec registry it is given, and maps outcomes
// to exit codes. Every failure of input ends here as one line on stderr and exit 2 (the stack
// with --debug).

import { EXIT, UsageError } from '../exit.js';
import { ciCommand } from './ci-command.js';
import { auditCommand } from './audit-command.js';
import { checkCommand } from './check-command.js';
import type { CommandContext } from './command.js';
import { diffCommand } from './diff-command.js';
import { graphCommand } from './graph-command.js';
import { commandHelp, topHelp } from './help.js';
import { listCommand } from './list-command.js';

export const COMMANDS = [listCommand, checkCommand, graphCommand, ciCommand, diffCommand, auditCommand];

/** A message as one line: control characters a value brought in (a newline) are shown escaped. */
// eslint-disable-next-line no-control-regex -- the controls are what is escaped
const oneLine = (s: string): string => s.replace(/[\x00-\x1f\x7f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function commandNamed(name: string | undefined) {
  const cmd = COMMANDS.find((c) => c.name === name);
  if (cmd === undefined) throw new UsageError(`unknown command '${name}' (tdxmc --help lists them)`);
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
        ctx.out.write(topHelp(COMMANDS) + '\n');
        return EXIT.pass;
      case 'help':
        ctx.out.write((rest.length === 0 ? topHelp(COMMANDS) : commandHelp(commandNamed(rest[0]))) + '\n');
        return EXIT.pass;
      default:
        return await commandNamed(cmd).invoke(rest, ctx);
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
