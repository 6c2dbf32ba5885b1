// A fast start: `tdxmc --version` imports no command and no spec, `tdxmc list` reads what specs
// declare without importing the engine or building a model, and a command imports only the specs
// it names. Observed from outside the program: a Node module hook records every module the
// process (and its worker threads) loads, and V8's coverage counts the calls of a spec's `build`.
// How long a start takes is measured by the bench (specs/lockstep/bench, section start).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));
const DIST = new URL('../dist/', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'tdxmc-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A loader hook appending each module's URL to `log` as it is loaded (before the module runs). */
const recorder = (log: string): string => {
  const hook = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }`;
  const register = `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  return `data:text/javascript,${encodeURIComponent(register)}`;
};

let runs = 0;

/** Runs `tdxmc args`; what it loaded (dist/-relative paths) and how often each spec's model was built. */
function observed(...args: string[]) {
  const run = join(dir, String(runs++));
  const log = `${run}.modules`;
  const coverage = `${run}.coverage`;
  const r = spawnSync(process.execPath, ['--import', recorder(log), BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_V8_COVERAGE: coverage },
  });
  expect(r.status, r.stderr).toBe(0);
  const modules = readFileSync(log, 'utf8')
    .split('\n')
    .filter((u) => u.startsWith(DIST))
    .map((u) => u.slice(DIST.length));
  return { out: r.stdout, modules, builds: buildsIn(coverage) };
}

/** Calls of `build` in the compiled checker/spec.js (defineSpec's wrapper, through which every spec builds). */
function buildsIn(coverage: string): number {
  let calls = 0;
  for (const f of readdirSync(coverage)) {
    const { result } = JSON.parse(readFileSync(join(coverage, f), 'utf8')) as {
      result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
    };
    for (const script of result.filter((s) => s.url === `${DIST}checker/spec.js`))
      for (const fn of script.functions) if (fn.functionName === 'build') calls += fn.ranges[0]!.count;
  }
  return calls;
}

const specModules = (modules: readonly string[]): string[] => modules.filter((m) => /^specs\/[^/]+\//.test(m));
const specsLoaded = (modules: readonly string[]): string[] => [...new Set(specModules(modules).map((m) => m.split('/')[1]!))].sort();

describe('start', () => {
  it('--version imports no command and no spec', () => {
    const { out, modules, builds } = observed('--version');
    expect(out).toMatch(/^\d+\.\d+\.\d+/);
    expect(modules).toContain('checker/cli/main.js');
    expect(modules.filter((m) => m.endsWith('-command.js'))).toEqual([]);
    expect(specModules(modules)).toEqual([]);
    expect(builds).toBe(0);
  });

  it('list reads every spec without importing the engine or building a model', () => {
    const { out, modules, builds } = observed('list');
    expect(out).toContain('lockstep:');
    expect(specsLoaded(modules)).toEqual(['cpuid', 'init', 'lockstep', 'update', 'vmx']);
    expect(modules.filter((m) => /^checker\/(check|explore|bfs|simulate)\.js$/.test(m))).toEqual([]);
    expect(modules.filter((m) => m.endsWith('-command.js'))).toEqual(['checker/cli/list-command.js']);
    expect(builds).toBe(0);
  });

  it('a command imports only the spec it names, and building its model is observed', () => {
    // The positive control of the observation: graph builds the model on this thread.
    const graph = observed('graph', 'lockstep', '--set', 'cpus=1');
    expect(graph.builds).toBeGreaterThan(0);
    expect(specsLoaded(graph.modules)).toEqual(['lockstep']);
    const check = observed('check', 'lockstep', '--set', 'cpus=1', '--quiet');
    expect(specsLoaded(check.modules)).toEqual(['lockstep']);
    expect(check.modules).toContain('checker/cli/check-worker.js');
  });
});
