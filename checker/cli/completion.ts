// What shell completion offers, read from the commands' option tables and the spec registry: the
// commands, each one's flags and what their values complete to, the specs, and each spec's
// parameters (with their values) and properties. The bash and zsh scripts render this.

import type { Spec } from '../spec.js';
import type { CommandInfo, OptionDef } from './command.js';

/** What a word completes to. */
export type Completes =
  { readonly kind: 'words'; readonly words: readonly string[] } | { readonly kind: 'dir' | 'file' | 'spec' | 'parameter' | 'property' | 'nothing' };

export interface FlagCompletion {
  readonly flag: string;
  readonly help: string;
  readonly repeatable: boolean;
  /** What its value completes to; undefined for a switch. */
  readonly value?: Completes;
  /** `--report [DIR]`: the value may be left out. */
  readonly optional: boolean;
}

export interface CommandCompletion {
  readonly name: string;
  readonly summary: string;
  /** What the word after the command completes to. */
  readonly positional: Completes;
  readonly flags: readonly FlagCompletion[];
}

export interface SpecCompletion {
  readonly name: string;
  readonly params: readonly { readonly name: string; readonly values: readonly string[] }[];
  readonly properties: readonly string[];
}

export interface Completion {
  readonly commands: readonly CommandCompletion[];
  readonly specs: readonly SpecCompletion[];
}

/** The value placeholders of the option tables that name something a shell can offer. */
const PLACEHOLDERS: Readonly<Record<string, Completes>> = {
  DIR: { kind: 'dir' },
  FILE: { kind: 'file' },
  'name=value': { kind: 'parameter' },
  // --skip-property NAME
  NAME: { kind: 'property' },
};

/** `bfs|dfs` lists the words; a placeholder names a kind; anything else (`N`, `SIZE`) cannot be guessed. */
function completes(placeholder: string): Completes {
  if (/^[\w-]+(\|[\w-]+)+$/.test(placeholder)) return { kind: 'words', words: placeholder.split('|') };
  return PLACEHOLDERS[placeholder] ?? { kind: 'nothing' };
}

const flagOf = (name: string, d: OptionDef): FlagCompletion => ({
  flag: `--${name}`,
  help: d.help,
  repeatable: d.multiple === true,
  ...(d.type === 'string' ? { value: completes(d.value ?? '') } : {}),
  optional: d.ifBare !== undefined,
});

/** `<spec> [options]` takes a spec, `<bash|zsh>` one of its words. */
function positionalOf(args: string): Completes {
  const first = /^<([^>]+)>/.exec(args)?.[1];
  if (first === undefined) return { kind: 'nothing' };
  return first === 'spec' ? { kind: 'spec' } : completes(first);
}

const valuesOf = (p: Spec['params'][number]): string[] => (p.type === 'enum' ? [...p.values] : p.type === 'bool' ? ['true', 'false'] : []);

export function completionOf(commands: readonly CommandInfo[], specs: readonly Spec[]): Completion {
  return {
    commands: commands.map((c) => ({
      name: c.name,
      summary: c.summary,
      positional: positionalOf(c.args),
      flags: Object.entries(c.options).map(([name, d]) => flagOf(name, d)),
    })),
    specs: specs.map((s) => ({
      name: s.name,
      params: s.params.map((p) => ({ name: p.name, values: valuesOf(p) })),
      properties: s.properties.map((p) => p.name),
    })),
  };
}

/** What `tdxmc help` and the first word take besides the commands. */
export const TOP_WORDS = ['help', '--help', '--version'] as const;

/** `s` as one shell word, in single quotes (bash and zsh alike). */
export const quoted = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** Words for a list or a case pattern: `'a' 'b'`, `'a'|'b'`. */
export const quotedList = (words: readonly string[], sep = ' '): string => words.map(quoted).join(sep);
