// The docs run as a new user would run them, in a fresh directory outside the repository:
// docs/review-an-update-step.md and the examples of docs/api.md. A ```ts block whose first line
// is `// <file>` is that file; a ```sh block runs in bash there, `npx tdxmc` being this
// checkout's bin/tdxmc.js (npm run build first); the ```text block right after it is its standard
// output, times aside. The setup lines (mkdir, cd, npm) are what the fresh directory and the
// substitution stand for: a user's `tdx-mc` imports resolve to the checker that runs them.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TDXMC = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'bin/tdxmc.js'))}`;
const SETUP = /^(mkdir|cd|npm) /;

interface Block {
  readonly lang: string;
  readonly body: string;
  /** Where the block starts in its document, for failure messages. */
  readonly line: number;
}

function blocksOf(doc: string): Block[] {
  const md = readFileSync(join(ROOT, doc), 'utf8');
  return [...md.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]!, line: md.slice(0, m.index).split('\n').length }));
}

/** The file a ```ts block is, by its first line `// <name>`. */
const fileOf = (b: Block): string | undefined => (b.lang === 'ts' ? /^\/\/ ([\w.-]+\.ts)\n/.exec(b.body)?.[1] : undefined);

/**
 * Times and rates differ between runs; counts, verdicts and traces do not. A report wraps its
 * `time: 1.41 s` as one unit, so where the line breaks around it moves with the time's width.
 */
const normalized = (out: string): string =>
  out
    .replace(/\s+time:\s+\d+(\.\d+)? s\b/g, ' time: <t> s')
    .replace(/\d[\d,]*(\.\d+)? states\/s/g, '<n> states/s')
    .replace(/\b\d+(\.\d+)? s\b/g, '<t> s');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'tdxmc-docs-'));
  dirs.push(dir);
  return dir;
};

/** Runs `doc`'s blocks in order in a new directory; returns the setup lines it stood in for. */
function follow(doc: string): string[] {
  const dir = freshDir();
  const blocks = blocksOf(doc);
  const skipped: string[] = [];
  blocks.forEach((b, i) => {
    const file = fileOf(b);
    if (file !== undefined) writeFileSync(join(dir, file), b.body);
    if (b.lang !== 'sh') return;
    const lines = b.body.split('\n').filter((l) => l.trim() !== '');
    skipped.push(...lines.filter((l) => SETUP.test(l)));
    const script = lines.filter((l) => !SETUP.test(l)).join('\n');
    if (script === '') return;
    const shown = blocks[i + 1];
    expect(shown?.lang, `${doc}:${b.line}: a command block is followed by the text block of its output`).toBe('text');
    const r = spawnSync('bash', ['-c', script.replaceAll('npx tdxmc', TDXMC)], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(normalized(r.stdout), `${doc}:${b.line}: the output of\n${script}\n(stderr: ${r.stderr})`).toBe(normalized(shown!.body));
  });
  return skipped;
}

describe('docs/review-an-update-step.md', () => {
  it('writes the variant in under 40 lines', () => {
    const variant = blocksOf('docs/review-an-update-step.md').filter((b) => fileOf(b) !== undefined);
    expect(variant.map(fileOf)).toEqual(['lp-init-early.ts']);
    expect(variant[0]!.body.split('\n').length - 1).toBeLessThan(40);
  });

  it('runs every command and shows its output', { timeout: 300_000 }, () => {
    expect(follow('docs/review-an-update-step.md')).toEqual([
      'mkdir review-lp-init && cd review-lp-init',
      'npm init -y > /dev/null',
      'npm install /path/to/tdx-mc-0.1.0.tgz',
    ]);
  });
});

describe('docs/api.md', () => {
  it('runs its examples and shows their output', { timeout: 300_000 }, () => {
    expect(follow('docs/api.md')).toEqual([]);
  });
});

describe('the files the docs write', () => {
  // What an editor shows the user: the package's .d.ts (npm run build), in strict mode.
  it('type-check against the package types', { timeout: 120_000 }, () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'tdx-mc'));
    const files = ['docs/review-an-update-step.md', 'docs/api.md'].flatMap(blocksOf).filter((b) => fileOf(b) !== undefined);
    for (const b of files) writeFileSync(join(dir, fileOf(b)!), b.body);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const compilerOptions = { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }));
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    expect(files.length).toBe(3);
    expect(r.stdout + r.stderr).toBe('');
  });
});
