// A command of `tdxmc` and its option table: the one place each option is declared. The
// parser (node:util parseArgs), `tdxmc <command> --help`, the top-level help and the README's
// option tables (test/options.test.ts holds them to --help) all come from it.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, UsageError } from '../exit.js';
import { outputStyle, type Style } from './colour.js';
import { commandHelp } from './help.js';
import type { SpecRegistry } from './spec-registry.js';
import { didYouMean } from './suggest.js';

export interface OptionDef {
  readonly type: 'string' | 'boolean';
  /** What the value is, as help shows it (`N`, `name=value`, `bfs|dfs`). */
  readonly value?: string;
  readonly multiple?: boolean;
  /** The value when the option is absent. */
  readonly default?: string;
  /** `--report [DIR]`: the option may be given without a value, and then takes this one. */
  readonly ifBare?: string;
  /** A default that depends on the machine, in words (help shows it; the command computes it). */
  readonly defaultText?: string;
  readonly help: string;
}

export type OptionTable = Readonly<Record<string, OptionDef>>;

/** The parsed value of an option: switches are false when absent, repeatable options []. */
type ValueOf<D extends OptionDef> = D['type'] extends 'boolean'
  ? boolean
  : D['multiple'] extends true
    ? string[]
    : D extends { default: string }
      ? string
      : string | undefined;
export type Values<T extends OptionTable> = { -readonly [K in keyof T]: ValueOf<T[K]> };

export interface CommandContext {
  /** The spec registry, from the composition root (bin/tdxmc.js). */
  readonly specs: SpecRegistry;
  readonly version: string;
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WriteStream;
  /** The environment colour is decided from (`NO_COLOR`, `TERM`); none: no colour. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What a command runs with: the context, and how its human output is styled. */
export interface RunContext extends CommandContext {
  readonly style: Style;
}

export interface Command<T extends OptionTable = OptionTable> {
  readonly name: string;
  /** After `tdxmc <name>`: `<spec> [options]`. */
  readonly args: string;
  /** One line for the list of commands. */
  readonly summary: string;
  readonly options: T;
  /** Two or more, each a command line and what it does. */
  readonly examples: readonly (readonly [string, string])[];
  /** What the exit codes mean for this command, beyond the common classes. */
  readonly exits: string;
  /** Terms an option takes, each with one line (audit's operators), shown after the options. */
  readonly terms?: { readonly title: string; readonly items: readonly (readonly [string, string])[] };
  run(values: Values<T>, positionals: string[], ctx: RunContext): number | Promise<number>;
}

/** What help and the README show of a command. */
export type CommandInfo = Omit<Command, 'run'>;

/** `--name VALUE`, `--name [VALUE]` or `--name`, as help and the README show an option. */
export function optionSyntax(name: string, d: OptionDef): string {
  if (d.type === 'boolean') return `--${name}`;
  return d.ifBare === undefined ? `--${name} ${d.value ?? 'VALUE'}` : `--${name} [${d.value ?? 'VALUE'}]`;
}

/** What help shows as the option's default, if it has one. */
export const defaultOf = (d: OptionDef): string | undefined => d.default ?? d.ifBare ?? d.defaultText;

/** An option given without its value (`--report` last, or before another flag) takes `ifBare`. */
function withBareValues(table: OptionTable, args: readonly string[]): string[] {
  return args.map((a, i) => {
    const d = a.startsWith('--') ? table[a.slice(2)] : undefined;
    const bare = i + 1 === args.length || args[i + 1]!.startsWith('-');
    return d?.ifBare !== undefined && bare ? `${a}=${d.ifBare}` : a;
  });
}

/** An unknown flag as one line naming the command, with the nearest known flag, instead of parseArgs' advice. */
function unknownOption(command: string, table: OptionTable, args: string[], options: NonNullable<ParseArgsConfig['options']>): UsageError {
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  const bad = tokens.find((t) => t.kind === 'option' && !(t.name in table));
  const raw = bad?.kind === 'option' ? bad.rawName : '?';
  const known = Object.keys(table).map((n) => `--${n}`);
  return new UsageError(`unknown option '${raw}' for ${command}${didYouMean(raw, known, `tdxmc ${command} --help lists them`)}`);
}

function parseOptions<T extends OptionTable>(command: string, table: T, args: readonly string[]): { values: Values<T>; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(table).map(([name, d]) => [
      name,
      { type: d.type, ...(d.multiple ? { multiple: true } : {}), ...(d.default === undefined ? {} : { default: d.default }) },
    ]),
  );
  const argv = withBareValues(table, args);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw unknownOption(command, table, argv, options);
    throw e;
  }
  const { values, positionals } = parsed;
  const given: Record<string, unknown> = { ...values };
  for (const [name, d] of Object.entries(table)) {
    if (given[name] !== undefined) continue;
    if (d.type === 'boolean') given[name] = false;
    else if (d.multiple) given[name] = [];
  }
  return { values: given as Values<T>, positionals };
}

/** A command as the command line runs it: its help, and a run from raw arguments. */
export interface CliCommand extends CommandInfo {
  /** Parses `args` by the command's table and runs it; `--help` prints the command's help instead. */
  invoke(args: readonly string[], ctx: CommandContext): Promise<number>;
}

export function command<T extends OptionTable>(cmd: Command<T>): CliCommand {
  const { run: _, ...info } = cmd;
  return {
    ...info,
    async invoke(args, ctx) {
      const { values, positionals } = parseOptions(cmd.name, cmd.options, args);
      const given = values as Record<string, unknown>;
      const style = outputStyle(ctx.out, ctx.env, { noColor: given['no-color'] === true, json: given['json'] === true });
      if (given['help'] === true) {
        ctx.out.write(commandHelp(cmd, style) + '\n');
        return EXIT.pass;
      }
      return cmd.run(values, positionals, { ...ctx, style });
    },
  };
}
