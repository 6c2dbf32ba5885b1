// The help texts, rendered from the commands' option tables: `tdxmc <command> --help` (and
// `tdxmc help <command>`) and the top-level `tdxmc --help`.

import { wrap } from '../report/wrap.js';
import { defaultOf, optionSyntax, type CommandInfo } from './command.js';

const WIDTH = 100;
/** Where an option's meaning starts. */
const COLUMN = 26;

/** One option: its syntax, then its meaning with `(default: ...)`, wrapped in its column. */
function optionLines(name: string, info: CommandInfo): string[] {
  const d = info.options[name]!;
  const def = defaultOf(d);
  const syntax = `  ${optionSyntax(name, d)}`;
  const meaning = wrap(`${d.help}${def === undefined ? '' : ` (default: ${def})`}`, WIDTH - COLUMN);
  const lines = syntax.length + 2 <= COLUMN ? [] : [syntax];
  return [...lines, ...meaning.map((m, i) => `${(i === 0 && lines.length === 0 ? syntax : '').padEnd(COLUMN)}${m}`)];
}

const usageLine = (info: CommandInfo): string => `tdxmc ${info.name} ${info.args}`;

function optionsBlock(info: CommandInfo): string[] {
  return Object.keys(info.options).flatMap((name) => optionLines(name, info));
}

function termsBlock(terms: NonNullable<CommandInfo['terms']>): string[] {
  const w = Math.max(...terms.items.map(([t]) => t.length));
  const lines = ([t, what]: readonly [string, string]): string[] => wrap(what, WIDTH - w - 4).map((l, i) => `  ${(i === 0 ? t : '').padEnd(w)}  ${l}`);
  return [`${terms.title}:`, ...terms.items.flatMap(lines), ''];
}

export function commandHelp(info: CommandInfo): string {
  return [
    `usage: ${usageLine(info)}`,
    '',
    `${info.summary[0]!.toUpperCase()}${info.summary.slice(1)}.`,
    '',
    'options:',
    ...optionsBlock(info),
    '',
    ...(info.terms === undefined ? [] : termsBlock(info.terms)),
    'examples:',
    ...info.examples.flatMap(([cmd, what]) => [`  # ${what}`, `  ${cmd}`]),
    '',
    ...wrap(`exit codes: ${info.exits}`, WIDTH, '  '),
  ].join('\n');
}

export function topHelp(commands: readonly CommandInfo[]): string {
  const w = Math.max(...commands.map((c) => `${c.name} ${c.args}`.length));
  return [
    'usage: tdxmc <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${`${c.name} ${c.args}`.padEnd(w)}  ${c.summary}`),
    `  ${'help <command>'.padEnd(w)}  the options and examples of a command (also: tdxmc <command> --help)`,
    `  ${'--version'.padEnd(w)}  print the version`,
    ...commands.flatMap((c) => ['', `${c.name} options:`, ...optionsBlock(c)]),
    '',
    'exit codes:',
    ...commands.flatMap((c) => wrap(c.exits, WIDTH - 9).map((l, i) => `  ${(i === 0 ? c.name : '').padEnd(5)}  ${l}`)),
  ].join('\n');
}
