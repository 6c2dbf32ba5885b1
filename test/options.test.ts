// Every command's help comes from its option table: `tdxmc <command> --help` and `tdxmc help
// <command>` print the usage, each option with its default, and examples, exit 0; the README's
// option tables must say what --help says (parsed from both sides, so neither can drift).

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as Main from '../checker/cli/main.js';
import { built } from './support/built.js';

const { main, COMMANDS: commands } = await built<typeof Main>('checker/cli/main.js');
const COMMANDS = commands.map((c) => c.name);
const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));

async function tdxmc(...argv: string[]) {
  let out = '';
  let err = '';
  const stream = (add: (s: string) => void) => ({ write: (s: string) => (add(s), true) }) as unknown as NodeJS.WriteStream;
  const code = await main(argv, { specs: [], version: '0.0.0-test', out: stream((s) => (out += s)), err: stream((s) => (err += s)) });
  return { code, out, err };
}

interface Row {
  option: string;
  default: string;
  meaning: string;
}

/** The `options:` block of a command's help: `  --name VALUE   meaning (default: X)`, wrapped lines joined. */
function helpRows(help: string): Row[] {
  const lines = help.split('\n');
  const rows: { option: string; text: string }[] = [];
  for (const line of lines.slice(lines.indexOf('options:') + 1)) {
    if (line === '') break;
    const m = /^ {2}(--\S+(?: \S+)?)(?: {2,}(.*))?$/.exec(line);
    if (m !== null) rows.push({ option: m[1]!, text: m[2] ?? '' });
    else rows.at(-1)!.text = `${rows.at(-1)!.text} ${line.trim()}`.trim();
  }
  return rows.map(({ option, text }) => {
    const d = /^(.*) \(default: (.*)\)$/.exec(text);
    return { option, default: d?.[2] ?? '', meaning: d?.[1] ?? text };
  });
}

/** The README table after `Options of \`tdxmc <command>\`:`; cells split on unescaped `|`. */
function readmeRows(readme: string, command: string): Row[] {
  const lines = readme.split('\n');
  const at = lines.indexOf(`Options of \`tdxmc ${command}\`:`);
  expect(at, `README: no "Options of \`tdxmc ${command}\`:" table`).toBeGreaterThanOrEqual(0);
  const table = lines.slice(at + 2).filter((_, i, all) => all.slice(0, i + 1).every((l) => l.startsWith('|')));
  const cells = (l: string) =>
    l
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replaceAll('\\|', '|'));
  expect(cells(table[0]!)).toEqual(['option', 'default', 'meaning']);
  return table.slice(2).map((l) => {
    const [option, def, meaning] = cells(l);
    return { option: option!.replace(/^`(.*)`$/, '$1'), default: def!, meaning: meaning! };
  });
}

describe('help', () => {
  for (const cmd of COMMANDS) {
    it(`tdxmc ${cmd} --help: usage, options with defaults, examples; exit 0; the same as tdxmc help ${cmd}`, async () => {
      const r = await tdxmc(cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      expect(r.out).toMatch(new RegExp(`^usage: tdxmc ${cmd} `));
      expect(helpRows(r.out).length).toBeGreaterThan(2);
      const examples = r.out.split('\n').filter((l) => l.startsWith(`  tdxmc ${cmd}`));
      expect(examples.length).toBeGreaterThanOrEqual(2);
      expect(await tdxmc('help', cmd)).toEqual(r);
    });
  }

  it('defaults are shown: the report folder, the graph size bound, the search order', async () => {
    expect(helpRows((await tdxmc('check', '--help')).out)).toContainEqual(expect.objectContaining({ option: '--report [DIR]', default: 'reports' }));
    expect(helpRows((await tdxmc('graph', '--help')).out)).toContainEqual(expect.objectContaining({ option: '--max-nodes N', default: '2000' }));
    expect(helpRows((await tdxmc('diff', '--help')).out)).toContainEqual(expect.objectContaining({ option: '--search bfs|dfs', default: 'bfs' }));
  });

  it("tdxmc --help lists every command and each one's options; help of an unknown command is bad input", async () => {
    const r = await tdxmc('--help');
    expect(r.code).toBe(0);
    for (const cmd of COMMANDS) {
      expect(r.out).toMatch(new RegExp(`^ {2}${cmd} `, 'm'));
      const own = (await tdxmc(cmd, '--help')).out.split('\n');
      const block = own.slice(own.indexOf('options:') + 1, own.indexOf('', own.indexOf('options:')));
      expect(r.out).toContain(`${cmd} options:\n${block.join('\n')}\n`);
    }
    const bad = await tdxmc('help', 'frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^tdxmc: unknown command 'frobnicate'/);
  });

  it("the installed command prints a command's help with exit 0", () => {
    const r = spawnSync(process.execPath, [BIN, 'help', 'check'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: tdxmc check <spec> \[options\]/);
  });
});

describe('README option tables', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const cmd of COMMANDS) {
    it(`the table of tdxmc ${cmd} is its --help`, async () => {
      const help = helpRows((await tdxmc(cmd, '--help')).out);
      // On a mismatch, the table the README should have:
      const table = help
        .map((r) => `| \`${r.option.replaceAll('|', '\\|')}\` | ${r.default.replaceAll('|', '\\|')} | ${r.meaning.replaceAll('|', '\\|')} |`)
        .join('\n');
      expect(readmeRows(readme, cmd), table).toEqual(help);
    });
  }

  it('the README parser sees a drifted row', () => {
    const drifted = readme.replace('| `--max-nodes N` | 2000 |', '| `--max-nodes N` | 1000 |');
    expect(readmeRows(drifted, 'graph')).not.toEqual(readmeRows(readme, 'graph'));
  });
});
