// The package as users get it: `npm pack`, installed into an empty directory, where
// `npx tdxmc` checks a shipped spec and a user's spec file that imports from 'tdx-mc'. Slow
// (an npm install), so one file; the registry is reachable in CI.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MINUTES = 60_000;
let work: string;
let app: string;
let files: string[];

const npm = (args: string[], cwd: string): string => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const npx = (...args: string[]) => {
  const r = spawnSync('npx', ['--no-install', 'tdxmc', ...args, '--quiet'], { cwd: app, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const USER_SPEC = `import { declareProperties, defineSpec, int, invariant, record, type Model } from 'tdx-mc';

const schema = record({ n: int(0, 3) });
const PROPERTIES = declareProperties({ Small: invariant('the counter stays below 3') });

export default defineSpec({
  name: 'counter',
  description: 'counts to 3',
  params: {},
  properties: PROPERTIES,
  build: (): Model<typeof schema> => ({
    schema,
    init: [(s) => { s.n = 0; }],
    actions: [{ name: 'inc', guard: (s) => s.n < 3, effect: (s, x) => { x.n = s.n + 1; } }],
    invariants: [{ ...PROPERTIES.Small, holds: (s) => s.n < 3 }],
    isEndState: () => true,
  }),
});
`;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tdxmc-package-'));
  app = join(work, 'app');
  // The build npm test made (`prepare` would build again: same sources, same dist/).
  const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT)) as { filename: string; files: { path: string }[] }[];
  files = packed[0]!.files.map((f) => f.path);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'a-review', private: true }));
  npm(['install', join(work, packed[0]!.filename), '--no-audit', '--no-fund', '--prefer-offline'], app);
  writeFileSync(join(app, 'my-step.ts'), USER_SPEC);
}, 10 * MINUTES);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the npm package', () => {
  it('holds the command, the compiled code and its types, not the sources or tests', () => {
    for (const f of [
      'package.json',
      'README.md',
      'bin/tdxmc.js',
      'dist/checker/index.js',
      'dist/checker/index.d.ts',
      'dist/specs/update/index.d.ts',
      'dist/specs/init/index.js',
      'docs/review-an-update-step.md',
    ])
      expect(files).toContain(f);
    expect(files.filter((f) => !/^(bin|dist|docs)\/|^(package\.json|README\.md)$/.test(f))).toEqual([]);
    expect(files.some((f) => f.startsWith('dist/test/'))).toBe(false);
  });

  it('installs as a copy with its dependencies and none of the test-only ones', () => {
    const installed = join(app, 'node_modules');
    expect(lstatSync(join(installed, 'tdx-mc')).isSymbolicLink()).toBe(false);
    // tsx loads spec files; fast-check shrinks what `tdxmc simulate` finds.
    for (const dep of ['tsx', 'fast-check']) expect(existsSync(join(installed, dep))).toBe(true);
    const top = readdirSync(installed);
    for (const dev of ['vitest', 'typescript', 'eslint', 'prettier']) expect(top).not.toContain(dev);
  });

  it(
    'npx tdxmc check update: the shipped reference passes',
    () => {
      const r = npx('check', 'update', '--json');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ spec: 'update', verdict: 'pass' });
    },
    10 * MINUTES,
  );

  it(
    "npx tdxmc check ./my-step.ts: a user's file importing 'tdx-mc' from the installed copy",
    () => {
      const r = npx('check', './my-step.ts', '--json');
      expect(r.err).toBe('');
      expect(r.code).toBe(1);
      const j = JSON.parse(r.out);
      expect(j).toMatchObject({ spec: 'counter', verdict: 'violation', violation: { property: 'Small' } });
      // n from 0 to 3, one step each.
      expect(j.violation.trace).toHaveLength(4);
    },
    10 * MINUTES,
  );
});
