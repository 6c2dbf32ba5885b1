// The help texts, rendered from the commands' option tables: `tdxmc <command> --help` (and
// `tdxmc help <command>`) and the top-level `tdxmc --help`.

import { wrap } from '../report/wrap.js';
import { PLAIN, type Style } from './colour.js';
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

function termsBlock(terms: NonNullable<CommandInfo['terms']>, style: Style): string[] {
  const w = Math.max(...terms.items.map(([t]) => t.length));
  const lines = ([t, what]: readonly [string, string]): string[] => wrap(what, WIDTH - w - 4).map((l, i) => `  ${(i === 0 ? t : '').padEnd(w)}  ${l}`);
  return [style.heading(`${terms.title}:`), ...terms.items.flatMap(lines), ''];
}

export function commandHelp(info: CommandInfo, style: Style = PLAIN): string {
  const [exits, ...more] = wrap(`exit codes: ${info.exits}`, WIDTH, '  ');
  return [
    `${style.heading('usage:')} ${usageLine(info)}`,
    '',
    `${info.summary[0]!.toUpperCase()}${info.summary.slice(1)}.`,
    '',
    style.heading('options:'),
    ...optionsBlock(info),
    '',
    ...(info.terms === undefined ? [] : termsBlock(info.terms, style)),
    style.heading('examples:'),
    ...info.examples.flatMap(([cmd, what]) => [`  # ${what}`, `  ${cmd}`]),
    '',
    `${style.heading('exit codes:')}${exits!.slice('exit codes:'.length)}`,
    ...more,
  ].join('\n');
}

export function topHelp(commands: readonly CommandInfo[], style: Style = PLAIN): string {
  const w = Math.max(...commands.map((c) => `${c.name} ${c.args}`.length));
  return [
    `${style.heading('usage:')} tdxmc <command> [options]`,
    '',
    style.heading('commands:'),
    ...commands.map((c) => `  ${`${c.name} ${c.args}`.padEnd(w)}  ${c.summary}`),
    `  ${'help <command>'.padEnd(w)}  the options and examples of a command (also: tdxmc <command> --help)`,
    `  ${'--version'.padEnd(w)}  print the version`,
    ...commands.flatMap((c) => ['', style.heading(`${c.name} options:`), ...optionsBlock(c)]),
    '',
    style.heading('exit codes:'),
    ...commands.flatMap((c) => wrap(c.exits, WIDTH - 9).map((l, i) => `  ${(i === 0 ? c.name : '').padEnd(5)}  ${l}`)),
  ].join('\n');
}
