// `tdxmc`: the command line. Runs a command on the spec registry it is given, and maps outcomes
// to exit codes. Every failure of input ends here as one line on stderr and exit 2 (the stack
// with --debug).

import { EXIT, UsageError } from '../exit.js';
import { outputStyle } from './colour.js';
import type { CliCommand, CommandContext } from './command.js';
import { TOP_WORDS } from './completion.js';
import { commandHelp, topHelp } from './help.js';
import { startSearchThread } from './search-thread.js';
import { didYouMean } from './suggest.js';

/** A command by name; its module (with the engine, reports or tsx it needs) is imported when it runs. */
export interface CommandEntry {
  readonly name: string;
  load(): Promise<CliCommand>;
  /** Work the command starts before its module is loaded (check's search thread). */
  prepare?(): void;
}

/** Every command, in the order help lists them. A new command is one entry. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'list', load: async () => (await import('./list-command.js')).listCommand },
  { name: 'check', load: async () => (await import('./check-command.js')).checkCommand, prepare: startSearchThread },
  { name: 'simulate', load: async () => (await import('./simulate-command.js')).simulateCommand },
  { name: 'graph', load: async () => (await import('./graph-command.js')).graphCommand },
  { name: 'ci', load: async () => (await import('./ci-command.js')).ciCommand },
  { name: 'diff', load: async () => (await import('./diff-command.js')).diffCommand },
  { name: 'audit', load: async () => (await import('./audit-command.js')).auditCommand },
  { name: 'merge', load: async () => (await import('./merge-command.js')).mergeCommand },
  { name: 'completion', load: async () => (await import('./completion-command.js')).completionCommand(loadCommands) },
];

/** The command of an entry, which must be the one its name says (help and the parser match by name). */
async function loaded(entry: CommandEntry): Promise<CliCommand> {
  const cmd = await entry.load();
  if (cmd.name !== entry.name) throw new Error(`the command entry '${entry.name}' loads the command '${cmd.name}'`);
  return cmd;
}

/** Every command, imported: for the top-level help and shell completion. */
export const loadCommands = (): Promise<readonly CliCommand[]> => Promise.all(COMMANDS.map(loaded));

/** A message as one line: control characters a value brought in (a newline) are shown escaped. */
// eslint-disable-next-line no-control-regex -- the controls are what is escaped
const oneLine = (s: string): string => s.replace(/[\x00-\x1f\x7f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The command `name` names; `also` are the other words that may stand where it does. */
function commandNamed(name: string | undefined, also: readonly string[] = []): Promise<CliCommand> {
  const entry = COMMANDS.find((c) => c.name === name);
  const known = [...COMMANDS.map((c) => c.name), ...also];
  if (entry === undefined) throw new UsageError(`unknown command '${name}'${didYouMean(name ?? '', known, 'tdxmc --help lists them')}`);
  return loaded(entry);
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
        ctx.out.write((cmd === 'help' && topic !== undefined ? commandHelp(await commandNamed(topic), style) : topHelp(await loadCommands(), style)) + '\n');
        return EXIT.pass;
      }
      default:
        // A command's help does no work, so it starts nothing ahead of it.
        if (!rest.includes('--help') && !rest.includes('-h')) COMMANDS.find((c) => c.name === cmd)?.prepare?.();
        return await (await commandNamed(cmd, TOP_WORDS)).invoke(rest, ctx);
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
