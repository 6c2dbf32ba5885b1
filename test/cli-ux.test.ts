// The command line for people (issue 19): every command's help, "did you mean" for a misspelt
// command, spec, parameter, value, flag or property, colour only on a terminal, and the bash and
// zsh completion scripts generated from the option tables.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Colour from '../checker/cli/colour.js';
import type * as Main from '../checker/cli/main.js';
import type * as Suggest from '../checker/cli/suggest.js';
import type * as Registry from '../specs/index.js';
import { built } from './support/built.js';

const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));
const { main, loadCommands } = await built<typeof Main>('checker/cli/main.js');
const COMMANDS = await loadCommands();
const { colourWanted } = await built<typeof Colour>('checker/cli/colour.js');
const { didYouMean } = await built<typeof Suggest>('checker/cli/suggest.js');
const { specs } = await built<typeof Registry>('specs/index.js');

/** The environment of a user who asked for nothing about colour. */
const plainEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'CLICOLOR_FORCE', 'TERM']) delete env[k];
  return env;
};

/** The installed command, its stdout piped. */
function tdxmc(args: string[], env: NodeJS.ProcessEnv = plainEnv()) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** In process, stdout a terminal (`isTTY`) or not, with the given environment. */
async function onTerminal(argv: string[], o: { tty: boolean; env?: Record<string, string> }) {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void, tty: boolean) =>
    ({ isTTY: tty, columns: 100, write: (s: string) => (add(s), true) }) as unknown as NodeJS.WriteStream;
  const code = await main(argv, { specs, version: '0.0.0-test', out: sink((s) => (out += s), o.tty), err: sink((s) => (err += s), false), env: o.env ?? {} });
  return { code, out, err };
}

const ESC = '\x1b';

/** The commands `tdxmc --help` lists under `commands:` (besides help and --version). */
function listedCommands(): string[] {
  const lines = tdxmc(['--help']).out.split('\n');
  const from = lines.indexOf('commands:') + 1;
  const block = lines.slice(from, lines.indexOf('', from));
  return block.map((l) => l.trim().split(' ')[0]!).filter((c) => c !== 'help' && c !== '--version');
}

describe('help of every command', () => {
  const listed = listedCommands();

  it('tdxmc --help lists every command the command line has', () => {
    expect(listed).toEqual(COMMANDS.map((c) => c.name));
    expect(listed).toContain('completion');
  });

  for (const cmd of listed) {
    it(`tdxmc ${cmd} --help and tdxmc help ${cmd}: its usage, exit 0, the same text`, () => {
      const a = tdxmc([cmd, '--help']);
      expect(a.code).toBe(0);
      expect(a.err).toBe('');
      expect(a.out).toMatch(new RegExp(`^usage: tdxmc ${cmd}( |$)`, 'm'));
      expect(a.out).toMatch(/^ {2}--no-color /m);
      expect(tdxmc(['help', cmd])).toEqual(a);
    });
  }
});

describe('did you mean', () => {
  // Each: the arguments, what the one line must say.
  const cases: [string[], string][] = [
    [['chek', 'lockstep'], "unknown command 'chek' (did you mean check?)"],
    [['help', 'grpah'], "unknown command 'grpah' (did you mean graph?)"],
    [['--verison'], "unknown command '--verison' (did you mean --version?)"],
    [['check', 'updte'], "unknown spec 'updte' (did you mean update?)"],
    [['check', 'lockstep', '--set', 'cpu=3'], "unknown parameter 'cpu' (did you mean cpus?)"],
    [['diff', 'lockstep', '--vs-set', 'varaint=nolock'], "proposal: unknown parameter 'varaint' (did you mean variant?)"],
    [['check', 'lockstep', '--set', 'variant=nolok'], "parameter variant: 'nolok' is not one of ack, noack, nolock, retry (did you mean nolock?)"],
    [['check', 'update', '--set', 'faults=ture'], "parameter faults: 'ture' is not true or false (did you mean true?)"],
    [['check', 'lockstep', '--symetry'], "unknown option '--symetry' for check (did you mean --symmetry?)"],
    [['ci', '--sarf', 'x.sarif'], "unknown option '--sarf' for ci (did you mean --sarif?)"],
    [['list', '--no-colour'], "unknown option '--no-colour' for list (did you mean --no-color?)"],
    [['check', 'lockstep', '--skip-property', 'serialinstall'], "--skip-property: spec lockstep has no property 'serialinstall' (did you mean SerialInstall?)"],
    [['completion', 'bsah'], "completion: unknown shell 'bsah' (did you mean bash?)"],
    // Nothing near: no suggestion, the names or where to find them.
    [['frobnicate'], "unknown command 'frobnicate' (tdxmc --help lists them)"],
    [['check', 'nosuch'], `unknown spec 'nosuch' (known: ${specs.map((s) => s.name).join(', ')})`],
    [['check', 'lockstep', '--set', 'nosuch=1'], "unknown parameter 'nosuch' (known: cpus, variant)"],
    [['check', 'lockstep', '--set', 'variant=maybe'], "parameter variant: 'maybe' is not one of ack, noack, nolock, retry"],
    [['check', 'lockstep', '--bogus'], "unknown option '--bogus' for check (tdxmc check --help lists them)"],
    [
      ['check', 'lockstep', '--skip-property', 'Serial'],
      "--skip-property: spec lockstep has no property 'Serial' (it has Lockstep, SerialInstall, VmcsRestored, UpdateComplete, Terminates)",
    ],
  ];
  for (const [args, line] of cases) {
    it(`tdxmc ${args.join(' ')}`, () => {
      const r = tdxmc(args);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toBe(`tdxmc: ${line}\n`);
    });
  }

  it('suggests the nearest names only: a slip of one edit in three characters, case ignored, ties all named', () => {
    expect(didYouMean('nack', ['ack', 'noack', 'nolock'])).toBe(' (did you mean ack or noack?)');
    expect(didYouMean('SERIALINSTALL', ['SerialInstall'])).toBe(' (did you mean SerialInstall?)');
    expect(didYouMean('symmetyr', ['symmetry'])).toBe(' (did you mean symmetry?)');
    expect(didYouMean('Serial', ['SerialInstall'], 'none near')).toBe(' (none near)');
    expect(didYouMean('x', ['json', 'exact'])).toBe('');
    expect(didYouMean('--hepl', ['help', '--help'])).toBe(' (did you mean help?)');
  });
});

describe('colour', () => {
  it('is decided by the terminal, NO_COLOR (any non-empty value), --no-color, --json and TERM=dumb', () => {
    const on = { isTTY: true, env: {}, noColor: false, json: false };
    expect(colourWanted(on)).toBe(true);
    expect(colourWanted({ ...on, isTTY: false })).toBe(false);
    expect(colourWanted({ ...on, env: { NO_COLOR: '1' } })).toBe(false);
    expect(colourWanted({ ...on, env: { NO_COLOR: 'false' } })).toBe(false);
    expect(colourWanted({ ...on, env: { NO_COLOR: '' } })).toBe(true);
    expect(colourWanted({ ...on, env: { TERM: 'dumb' } })).toBe(false);
    expect(colourWanted({ ...on, env: { TERM: 'xterm-256color' } })).toBe(true);
    expect(colourWanted({ ...on, noColor: true })).toBe(false);
    expect(colourWanted({ ...on, json: true })).toBe(false);
    expect(colourWanted({ ...on, env: { FORCE_COLOR: '1' }, isTTY: false })).toBe(false);
  });

  const run = ['check', 'lockstep', '--set', 'cpus=3', '--set', 'variant=nolock', '--quiet'];

  it('on a terminal the verdict word and the headings are coloured, the rest as piped', async () => {
    const tty = await onTerminal(run, { tty: true });
    const piped = await onTerminal(run, { tty: false });
    expect(tty.code).toBe(1);
    expect(tty.out.split('\n')[0]).toBe('lockstep cpus=3 variant=nolock: \x1b[31mviolation\x1b[39m: SerialInstall');
    expect(tty.out).toContain('\x1b[1mTrace (');
    expect(piped.out).not.toContain(ESC);
    // eslint-disable-next-line no-control-regex -- the escapes are what is removed
    const strip = (s: string): string => s.replace(/\x1b\[\d+m/g, '');
    const figures = /^ {2}[\d,]+ distinct states.*$/m;
    expect(strip(tty.out).replace(figures, '')).toBe(piped.out.replace(figures, ''));
    expect((await onTerminal(['check', 'lockstep', '--set', 'cpus=2', '--quiet'], { tty: true })).out).toContain('\x1b[32mpass\x1b[39m');
    expect((await onTerminal(['help', 'check'], { tty: true })).out.startsWith('\x1b[1musage:\x1b[22m tdxmc check')).toBe(true);
  });

  it('NO_COLOR, --no-color and --json turn it off on a terminal', async () => {
    expect((await onTerminal(run, { tty: true, env: { NO_COLOR: '1' } })).out).not.toContain(ESC);
    expect((await onTerminal([...run, '--no-color'], { tty: true })).out).not.toContain(ESC);
    expect((await onTerminal(['help', 'check', '--no-color'], { tty: true })).out).not.toContain(ESC);
    const json = await onTerminal([...run, '--json'], { tty: true });
    expect(json.out).not.toContain(ESC);
    expect(JSON.parse(json.out).verdict).toBe('violation');
  });

  const dir = mkdtempSync(join(tmpdir(), 'tdxmc-ux-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports written from a coloured run hold no colour', async () => {
    const r = await onTerminal([...run, '--report', dir], { tty: true });
    expect(r.out).toContain(ESC);
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) expect(readFileSync(join(dir, f), 'utf8'), f).not.toContain(ESC);
  });

  it('piped output of every human command has no escape byte', () => {
    for (const args of [run, ['list'], ['--help'], ['help', 'check'], ['diff', 'lockstep', '--set', 'cpus=2', '--vs-set', 'variant=nolock', '--quiet']]) {
      const r = tdxmc(args);
      expect(r.out.length, args.join(' ')).toBeGreaterThan(0);
      expect(r.out, args.join(' ')).not.toContain(ESC);
      expect(r.err, args.join(' ')).not.toContain(ESC);
    }
  });
});

describe('tdxmc completion', () => {
  const script = (shell: string) => {
    const r = tdxmc(['completion', shell]);
    expect(r.code).toBe(0);
    return r.out;
  };
  const bash = script('bash');
  const dir = mkdtempSync(join(tmpdir(), 'tdxmc-ux-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sourced = join(dir, 'tdxmc.bash');
  writeFileSync(sourced, bash);

  /** What bash completes on `line` (the cursor at its end), the script sourced. */
  const complete = (line: string): string[] => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        'source "$2"; COMP_LINE=$1; COMP_POINT=${#COMP_LINE}; _tdxmc; [[ ${#COMPREPLY[@]} -gt 0 ]] && printf "%s\\n" "${COMPREPLY[@]}"; true',
        '_',
        line,
        sourced,
      ],
      { encoding: 'utf8', cwd: dir },
    );
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter((l) => l !== '');
  };

  it('the bash script parses (bash -n) and names every command and every flag of check', () => {
    const r = spawnSync('bash', ['-n'], { input: bash, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const c of COMMANDS) expect(bash).toContain(`'${c.name}')`);
    const check = COMMANDS.find((c) => c.name === 'check')!;
    for (const flag of Object.keys(check.options)) expect(bash).toMatch(new RegExp(`'[^']*--${flag}[ ']`));
  });

  it('bash completes commands, flags per command, specs, parameters of the spec on the line and their values', () => {
    expect(complete('tdxmc ch')).toEqual(['check']);
    expect(complete('tdxmc help co')).toEqual(['completion']);
    expect(complete('tdxmc check up')).toEqual(['update']);
    expect(complete('tdxmc check lockstep --sy')).toEqual(['--symmetry']);
    expect(complete('tdxmc graph lockstep --')).toEqual(Object.keys(COMMANDS.find((c) => c.name === 'graph')!.options).map((o) => `--${o}`));
    expect(complete('tdxmc check lockstep --search ')).toEqual(['bfs', 'dfs']);
    expect(complete('tdxmc check lockstep --set ')).toEqual(['cpus=', 'variant=']);
    expect(complete('tdxmc check lockstep --set variant=no')).toEqual(['noack', 'nolock']);
    const platform = specs.find((s) => s.name === 'update')!.params.find((p) => p.name === 'platform')!;
    expect(platform.type).toBe('enum');
    expect(complete('tdxmc diff update --vs-set platform=')).toEqual(platform.type === 'enum' ? platform.values : []);
    expect(complete('tdxmc check lockstep --skip-property Se')).toEqual(['SerialInstall']);
    expect(complete('tdxmc completion ')).toEqual(['bash', 'zsh']);
  });

  const zsh = spawnSync('zsh', ['--version']).status === 0;
  it.skipIf(!zsh)('the zsh script parses (zsh -n) and names every command and every flag of check', () => {
    const text = script('zsh');
    const r = spawnSync('zsh', ['-n'], { input: text, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(text.split('\n')[0]).toBe('#compdef tdxmc');
    for (const c of COMMANDS) expect(text).toContain(`('${c.name}')`);
    for (const flag of Object.keys(COMMANDS.find((c) => c.name === 'check')!.options)) expect(text).toMatch(new RegExp(`'\\*?--${flag}[=[]`));
  });

  it('another shell is bad input', () => {
    const r = tdxmc(['completion', 'fish']);
    expect(r.code).toBe(2);
    expect(r.err).toBe("tdxmc: completion: unknown shell 'fish' (known: bash, zsh)\n");
  });
});
