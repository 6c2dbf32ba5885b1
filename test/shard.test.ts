// `tdxmc ci --list` and `--shard i/N`: the list names what `--only` takes; the N shards of the
// registry's configurations together are exactly the unsharded list, each once, round-robin or
// balanced by the recorded costs; with the shipped cost file the slowest shard is close to the
// mean; `--shard` composes with `--only`; a shard runs only its configurations; `--record-costs`
// writes what `--costs` reads; bad values are bad input.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as Costs from '../checker/ci/costs.js';
import type * as Shard from '../checker/ci/shard.js';
import type * as Main from '../checker/cli/main.js';
import type { Spec } from '../checker/spec.js';
import { built } from './support/built.js';

const { main } = await built<typeof Main>('checker/cli/main.js');
const { shardsOf } = await built<typeof Shard>('checker/ci/shard.js');
const { costOf, parseCosts, COSTS_FILE } = await built<typeof Costs>('checker/ci/costs.js');
const { specs: registry } = await built<{ specs: readonly Spec[] }>('specs/index.js');
const { counter } = (await import(new URL('./fixtures/ci-specs.mjs', import.meta.url).href)) as { counter: Spec };

async function ci(specs: readonly Spec[], ...args: string[]) {
  let out = '';
  let err = '';
  const stream = (add: (s: string) => void) => ({ write: (s: string) => (add(s), true) }) as unknown as NodeJS.WriteStream;
  const code = await main(['ci', ...args], {
    specs,
    version: '0.0.0-test',
    out: stream((s) => (out += s)),
    err: stream((s) => (err += s)),
  });
  return { code, out, err };
}

const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));

/** `ci --list ...`'s lines; exit 0 and nothing on stderr. */
async function list(specs: readonly Spec[], ...args: string[]): Promise<string[]> {
  const r = await ci(specs, '--list', ...args);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return r.out.split('\n').filter((l) => l !== '');
}

describe('tdxmc ci --list', () => {
  it('names every expectation of every spec as spec/name, in declaration order, and --only selects each by that name alone', async () => {
    const all = await list(registry);
    expect(all).toEqual(registry.flatMap((s) => (s.expectations ?? []).map((e) => `${s.name}/${e.name}`)));
    for (const id of all) expect(await list(registry, '--only', id)).toEqual([id]);
  });

  it('prints one JSON object with --json', async () => {
    const r = await ci([counter], '--list', '--json');
    expect(JSON.parse(r.out)).toEqual({ configurations: ['counter/reference', 'counter/double step', 'counter/stuck at 3'] });
  });
});

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The shipped cost file, recorded from a run of every configuration. */
const shipped = parseCosts(COSTS_FILE, readFileSync(join(ROOT, COSTS_FILE), 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'tdxmc-shard-'));

/** The N shards `ci --list --shard i/N ...` prints. */
async function shardLists(n: number, ...args: string[]): Promise<string[][]> {
  const shards = [];
  for (let i = 1; i <= n; i++) shards.push(await list(registry, '--shard', `${i}/${n}`, ...args));
  return shards;
}

describe('tdxmc ci --shard', () => {
  it('splits the configurations into N shards that together are the whole list, each configuration once, for N = 1..5, with and without costs', async () => {
    const all = await list(registry);
    const partial = join(tmp, 'partial-costs.json');
    // Costs for every other configuration: the rest cost the median.
    writeFileSync(partial, JSON.stringify(Object.fromEntries(all.filter((_, k) => k % 2 === 0).map((id, k) => [id, (k * 7) % 11]))));
    for (const costs of [[], ['--costs', join(ROOT, COSTS_FILE)], ['--costs', partial]]) {
      for (let n = 1; n <= 5; n++) {
        const union = (await shardLists(n, ...costs)).flat();
        const what = `N=${n} ${costs.join(' ')}`;
        expect(union.length, what).toBe(all.length);
        expect(new Set(union).size, what).toBe(all.length);
        expect([...union].sort(), what).toEqual([...all].sort());
      }
    }
  });

  it(`reads ${COSTS_FILE} from the current directory when --costs is not given`, async () => {
    expect(await shardLists(4)).toEqual(await shardLists(4, '--costs', join(ROOT, COSTS_FILE)));
  });

  it('without costs, round-robin: every Nth in declaration order, so shard sizes differ by at most one', () => {
    const ids = Array.from({ length: 23 }, (_, k) => `s/c${k}`);
    for (let n = 1; n <= 5; n++) {
      const shard = shardsOf(ids, n);
      expect(shard).toEqual(ids.map((_, k) => k % n));
    }
  });

  it('with costs, each configuration into the least loaded shard, costliest first, ties by name: the order of declaration does not matter', () => {
    const cost = costOf(new Map(Object.entries({ a: 5, b: 4, c: 3, d: 3, e: 2, f: 2 })));
    // Loads after each: a→0 (5, 0), b→1 (5, 4), c→1 (5, 7), d→0 (8, 7), e→1 (8, 9), f→0 (10, 9).
    const expected = { a: 0, b: 1, c: 1, d: 0, e: 1, f: 0 };
    expect(shardsOf(Object.keys(expected), 2, cost)).toEqual(Object.values(expected));
    const shuffled = ['e', 'd', 'f', 'a', 'c', 'b'];
    expect(shardsOf(shuffled, 2, cost)).toEqual(shuffled.map((id) => expected[id as keyof typeof expected]));
  });

  it('a configuration the cost file does not name costs the median of those it does', () => {
    const costs = (o: Record<string, number>) => costOf(new Map(Object.entries(o)));
    expect(costs({ a: 1, b: 9, c: 4 })('new')).toBe(4);
    expect(costs({ a: 1, b: 9, c: 4, d: 2 })('new')).toBe(3);
    expect(costs({ a: 1 })('a')).toBe(1);
  });

  it.each([2, 4])(`with the shipped ${COSTS_FILE}, N=%i: the slowest shard's recorded cost is at most 1.3 times the mean`, async (n) => {
    const all = await list(registry);
    expect(
      all.filter((id) => !shipped.has(id)),
      `configurations ${COSTS_FILE} does not name: record it again`,
    ).toEqual([]);
    const cost = costOf(shipped);
    const loads = (await shardLists(n)).map((s) => s.reduce((t, id) => t + cost(id), 0));
    const mean = loads.reduce((t, l) => t + l, 0) / n;
    expect(Math.max(...loads), `shard costs ${loads.map((l) => l.toFixed(1)).join(', ')} s, mean ${mean.toFixed(1)} s`).toBeLessThanOrEqual(1.3 * mean);
    // Round-robin is what the costs improve on: it is no better.
    const rr = shardsOf(all, n);
    const rrLoads = Array.from({ length: n }, (_, b) => all.filter((_, k) => rr[k] === b).reduce((t, id) => t + cost(id), 0));
    expect(Math.max(...loads)).toBeLessThanOrEqual(Math.max(...rrLoads));
  });

  it('--record-costs writes each configuration it ran, by name, sorted, which --costs then reads; bad cost files are bad input', async () => {
    const file = join(tmp, 'costs.json');
    const r = await ci([counter], '--record-costs', file, '--quiet', '--jobs', '1');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`costs: ${file}`);
    const text = readFileSync(file, 'utf8');
    const recorded = JSON.parse(text) as Record<string, number>;
    expect(Object.keys(recorded)).toEqual(['counter/double step', 'counter/reference', 'counter/stuck at 3']);
    expect(Object.values(recorded).every((s) => typeof s === 'number' && s >= 0)).toBe(true);
    expect(text).toBe(JSON.stringify(recorded, null, 2) + '\n');
    expect((await ci([counter], '--list', '--shard', '1/2', '--costs', file)).code).toBe(0);

    const bad = join(tmp, 'bad.json');
    for (const [content, says] of [
      ['{"counter/reference": -1}', "'counter/reference': -1 is not a number of seconds"],
      ['[1, 2]', 'not an object'],
      ['{', 'not JSON'],
    ] as const) {
      writeFileSync(bad, content);
      const b = await ci([counter], '--list', '--shard', '1/2', '--costs', bad);
      expect(b.code).toBe(2);
      expect(b.err.trimEnd().split('\n')).toHaveLength(1);
      expect(b.err).toContain(`--costs: ${bad}: ${says}`);
    }
    const missing = await ci([counter], '--list', '--shard', '1/2', '--costs', join(tmp, 'none.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^tdxmc: --costs: cannot read .*none\.json: ENOENT/);
    const listed = await ci([counter], '--list', '--record-costs', file);
    expect(listed.code).toBe(2);
    expect(listed.err).toContain('--record-costs');
  });

  it('composes with --only: the shards of the selection, not a selection of the shards', async () => {
    const update = await list(registry, '--only', 'update');
    const shards = [await list(registry, '--only', 'update', '--shard', '1/2'), await list(registry, '--shard', '2/2', '--only', 'update')];
    expect(shards.every((s) => s.length > 0 && s.every((id) => id.startsWith('update/')))).toBe(true);
    expect(shards.flat().sort()).toEqual([...update].sort());
  });

  it('runs only its own configurations, and an empty shard passes', async () => {
    const r = await ci([counter], '--shard', '2/2', '--json', '--quiet', '--jobs', '1');
    expect(r.code).toBe(0);
    const names = (JSON.parse(r.out) as { configurations: { name: string }[] }).configurations.map((c) => `counter/${c.name}`);
    expect(names).toEqual(await list([counter], '--shard', '2/2'));
    expect(names.length).toBeGreaterThan(0);
    const empty = await ci([counter], '--shard', '4/4', '--quiet', '--jobs', '1');
    expect(empty.code).toBe(0);
  });

  it.each(['0/2', '3/2', 'a/b', '1/0', '2', '1/2/3'])('--shard %s is bad input: exit 2, one line naming --shard', async (bad) => {
    for (const args of [
      ['--shard', bad, '--list'],
      ['--shard', bad],
    ]) {
      const r = await ci([counter], ...args);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err).toContain('--shard');
    }
  });

  it('is bad input from the command line too: exit 2, one line, no stack trace', () => {
    const r = spawnSync(process.execPath, [BIN, 'ci', '--shard', '3/2', '--list'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("tdxmc: --shard: '3/2' is not i/N with 1 <= i <= N (e.g. 1/4)\n");
  });
});
