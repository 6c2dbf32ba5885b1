// `tdxmc completion bash|zsh`: print the shell's completion script, generated from the commands'
// option tables and the specs this tdxmc has.

import { EXIT, UsageError } from '../exit.js';
import { command, type CliCommand, type CommandInfo } from './command.js';
import { bashCompletion } from './completion-bash.js';
import { completionOf, type Completion } from './completion.js';
import { zshCompletion } from './completion-zsh.js';
import { DEBUG, HELP, NO_COLOR } from './shared-options.js';
import { allSpecs } from './spec-registry.js';
import { unknownName } from './suggest.js';

const SHELLS: Readonly<Record<string, (c: Completion, version: string) => string>> = { bash: bashCompletion, zsh: zshCompletion };

const options = { 'no-color': NO_COLOR, debug: DEBUG, help: HELP } as const;

/** The command; `commands` loads all of tdxmc's, itself among them. */
export function completionCommand(commands: () => Promise<readonly CommandInfo[]>): CliCommand {
  return command({
    name: 'completion',
    args: `<${Object.keys(SHELLS).join('|')}>`,
    summary: 'print the shell completion script of commands, flags, specs and parameters',
    options,
    examples: [
      ['tdxmc completion bash > ~/.local/share/bash-completion/completions/tdxmc', 'bash (bash-completion 2 loads it)'],
      ['tdxmc completion zsh > ~/.zfunc/_tdxmc', 'zsh, with ~/.zfunc in $fpath before compinit'],
    ],
    exits: '0 printed, 2 bad input',
    async run(_values, positionals, ctx) {
      const [shell, ...more] = positionals;
      if (shell === undefined) throw new UsageError(`completion: which shell? ${Object.keys(SHELLS).join(' or ')}`);
      if (more.length > 0) throw new UsageError(`completion: one shell at a time (got ${positionals.join(', ')})`);
      const render = Object.hasOwn(SHELLS, shell) ? SHELLS[shell] : undefined;
      if (render === undefined) throw new UsageError(`completion: ${unknownName('shell', shell, Object.keys(SHELLS))}`);
      ctx.out.write(render(completionOf(await commands(), await allSpecs(ctx.specs)), ctx.version));
      return EXIT.pass;
    },
  });
}
