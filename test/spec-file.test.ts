// Specs from users' files: `check`, `ci` and `diff` take a .ts, .mts, .js or .mjs file that
// imports from 'tdx-mc', written into a temporary directory outside the repository (no
// package.json, no node_modules there), as a reviewer's file would be. Each way a file can fail
// to give a spec is one line naming the file (and the line where known), exit 2.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));
let dir: string;

function tdxmc(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args, '--quiet'], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A counter from 0 up to `max` whose invariant is n < 3: BFS meets n = 3 after 3 steps when max >= 3, never when max = 2. */
const counter = (name: string, imports = "from 'tdx-mc'"): string => `
import { declareProperties, defineSpec, int, invariant, param, record } ${imports};

const schema = record({ n: int(0, 9) });
const PROPERTIES = declareProperties({ Small: invariant('the counter stays below 3') });

export default defineSpec({
  name: '${name}',
  description: 'counts up to max',
  params: { max: param.int(1, 9, 4, 'the largest count') },
  properties: PROPERTIES,
  build: (p) => ({
    schema,
    init: [(s) => { s.n = 0; }],
    actions: [{ name: 'inc', guard: (s) => s.n < p.max, effect: (s, x) => { x.n = s.n + 1; } }],
    invariants: [{ ...PROPERTIES.Small, holds: (s) => s.n < 3 }],
    isEndState: () => true,
  }),
  expectations: [
    { name: 'reaches 3', params: {}, expect: { verdict: 'violation', property: 'Small', traceLength: 3 } },
    { name: 'stops at 2', params: { max: 2 }, expect: { verdict: 'pass' } },
  ],
});
`;

/** TypeScript only in what it adds: annotations a plain import would reject. */
const typed = counter('typed').replace('build: (p) =>', 'build: (p: { max: number }): Model<typeof schema> =>').replace('record }', 'record, type Model }');

const files: Record<string, string> = {
  'typed.ts': typed,
  'plain.js': counter('plain'),
  'module.mjs': counter('module'),
  // A sibling imported as .js and written as .ts, as TypeScript projects do.
  'reexport.ts': "export { default } from './lib/helper.js';\n",
  'lib/helper.ts': counter('helped'),
  'two.ts':
    `${counter('first')}\nexport const second = { ...def, name: 'second' };\n`.replace('export default defineSpec', 'const def = defineSpec') +
    'export default def;\n',
  // Identity and a removed step: the shipped update's building blocks, from its subpath export.
  'same.ts': `import { update } from 'tdx-mc/specs/update';\nexport default update.with({ name: 'same', description: 'the reference steps', steps: (s) => s });\n`,
  'no-shutdown.ts': `import { removeStep, update } from 'tdx-mc/specs/update';
export default update.with({ name: 'no-shutdown', description: 'without TDH.SYS.SHUTDOWN', steps: (s) => removeStep(s, 'TDH.SYS.SHUTDOWN') });
`,
  'reexport-update.ts': "export { update } from 'tdx-mc/specs/update';\n",
  'wrong.ts': counter('wrong').replace('traceLength: 3 }', 'traceLength: 2 }'),
  // Bad files: the line of each fault is the one the test expects.
  'syntax.ts': "import { defineSpec } from 'tdx-mc';\n\nconst x: number = ;\n",
  'syntax.mjs': 'export default 1;\n\nfunction f() {\n  return 1 +;\n}\n',
  'throws.ts': "const a: string = 'x';\n\nthrow new TypeError('boom ' + a);\n",
  'builds-badly.ts': counter('bad').replace('build: (p) => ({', "build: (p) => {\n    throw new RangeError('no model');\n  },\n  unused: () => ({"),
  'nothing.ts': 'export const answer = 42;\n',
  'missing-import.ts': "export { x } from './not-there.js';\n",
};

const ONE_SMALL_UPDATE = ['--set', 'cpus=1', '--set', 'vcpus=0', '--set', 'updates=1', '--set', 'slots=1', '--set', 'faults=false', '--set', 'td_build=false'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tdxmc-spec-file-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  mkdirSync(join(dir, 'suite'));
  for (const f of ['typed.ts', 'plain.js', 'module.mjs']) writeFileSync(join(dir, 'suite', f), files[f]!);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tdxmc check <file>', () => {
  it.each(['typed.ts', 'plain.js', 'module.mjs', 'reexport.ts'])('%s: the counter reaches 3 in 3 steps (exit 1), and stays below at max=2 (exit 0)', (f) => {
    const bad = tdxmc('check', `./${f}`, '--json');
    expect(bad.err).toBe('');
    expect(bad.code).toBe(1);
    const j = JSON.parse(bad.out);
    expect(j).toMatchObject({ verdict: 'violation', distinctStates: 4, violation: { property: 'Small' } });
    expect(j.violation.trace).toHaveLength(4);
    const good = tdxmc('check', `./${f}`, '--set', 'max=2', '--json');
    expect(good.code).toBe(0);
    expect(JSON.parse(good.out)).toMatchObject({ verdict: 'pass', distinctStates: 3 });
  });

  it('search threads load the file too: --workers 2 runs two and finds the same', () => {
    const r = tdxmc('check', join(dir, 'typed.ts'), '--set', 'max=2', '--workers', '2', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.memory.workers).toBe(2);
    expect(j).toMatchObject({ spec: 'typed', verdict: 'pass', distinctStates: 3 });
  });

  it('a file of two specs needs #name; with it, that one', () => {
    const r = tdxmc('check', './two.ts');
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toBe('tdxmc: ./two.ts exports 2 specs (first, second): name one, e.g. ./two.ts#first\n');
    expect(JSON.parse(tdxmc('check', './two.ts#second', '--json').out).spec).toBe('second');
  });
});

describe('a file that gives no spec: one line with the file (and line), exit 2', () => {
  it.each([
    ['syntax.ts', /^tdxmc: \.\/syntax\.ts:3:19: Unexpected ";"\n$/],
    ['syntax.mjs', /^tdxmc: \.\/syntax\.mjs:4:13: SyntaxError: Unexpected token ';'\n$/],
    ['throws.ts', /^tdxmc: \.\/throws\.ts:3:7: TypeError: boom x\n$/],
    ['builds-badly.ts', /^tdxmc: \.\/builds-badly\.ts:13:11: spec bad: building the model failed: no model\n$/],
    ['nothing.ts', /^tdxmc: \.\/nothing\.ts: exports no spec \(export default defineSpec\(\{ \.\.\. \}\) from 'tdx-mc'\)\n$/],
    ['missing-import.ts', /^tdxmc: \.\/missing-import\.ts: Cannot find module '.*\/not-there\.js' imported from .*\/missing-import\.ts\n$/],
    ['not-a-file.ts', /^tdxmc: \.\/not-a-file\.ts: no such file\n$/],
  ])('%s', (f, line) => {
    const r = tdxmc('check', `./${f}`);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(line);
  });

  it('--debug adds the stack of what the file threw', () => {
    const r = spawnSync(process.execPath, [BIN, 'check', './throws.ts', '--debug'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('tdxmc: ./throws.ts:3:7: TypeError: boom x');
    expect(r.stderr).toMatch(/\n {4}at .*throws\.ts:3:7/);
  });
});

describe('tdxmc ci <files or directory>', () => {
  it("a directory: each file's own expectations, .ts, .js and .mjs alike", () => {
    const r = tdxmc('ci', './suite', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out).configurations as { spec: string; name: string; passed: boolean }[];
    expect(rows.map((x) => `${x.spec}/${x.name}`).sort()).toEqual(['module', 'plain', 'typed'].flatMap((s) => [`${s}/reaches 3`, `${s}/stops at 2`]).sort());
    expect(rows.every((x) => x.passed)).toBe(true);
  });

  it('a file whose expectation is wrong fails (exit 1)', () => {
    const r = tdxmc('ci', './wrong.ts', './module.mjs', '--json');
    expect(r.code).toBe(1);
    const rows = JSON.parse(r.out).configurations as { spec: string; name: string; passed: boolean }[];
    expect(rows.filter((x) => !x.passed).map((x) => `${x.spec}/${x.name}`)).toEqual(['wrong/reaches 3']);
  });

  it("a shipped spec re-exported is not the file's, and a spec without expectations gives ci nothing to check", () => {
    expect(tdxmc('ci', './reexport-update.ts', '--list')).toMatchObject({
      code: 2,
      out: '',
      err: expect.stringMatching(/^tdxmc: \.\/reexport-update\.ts: exports no spec/),
    });
    expect(tdxmc('ci', './same.ts', '--list')).toMatchObject({
      code: 2,
      out: '',
      err: 'tdxmc: ./same.ts: no spec with expectations to check (defineSpec({ ..., expectations: [...] }))\n',
    });
  });

  it('two files defining one name: one line, exit 2', () => {
    const r = tdxmc('ci', './typed.ts', './suite/typed.ts');
    expect(r).toMatchObject({ code: 2, out: '', err: "tdxmc: two specs named 'typed' (./typed.ts, ./suite/typed.ts)\n" });
  });
});

describe('tdxmc diff <variant file> <spec>', () => {
  it('the reference steps unchanged break nothing (exit 0)', () => {
    const r = tdxmc('diff', './same.ts', 'update', ...ONE_SMALL_UPDATE, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ spec: 'update', current: { spec: 'update' }, proposal: { spec: 'same' }, breaks: [] });
    expect(j.properties.every((p: { current: unknown; proposal: unknown }) => JSON.stringify(p.current) === JSON.stringify(p.proposal))).toBe(true);
  });

  it('without TDH.SYS.SHUTDOWN the update never ends: what it breaks, exit 1', () => {
    const r = tdxmc('diff', './no-shutdown.ts', 'update', ...ONE_SMALL_UPDATE);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')[0]).toBe('proposal no-shutdown (./no-shutdown.ts) vs current design update');
    expect(r.out).toMatch(/^ {2}deadlock +none +REACHED in \d+ steps$/m);
  });
});
