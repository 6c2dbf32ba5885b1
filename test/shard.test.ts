// `tdxmc ci --list` and `--shard i/N`: the list names what `--only` takes; the N shards of the
// registry's configurations together are exactly the unsharded list, each once; `--shard`
// composes with `--only`; a shard runs only its configurations; bad values are bad input.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as Main from '../checker/cli/main.js';
import type { Spec } from '../checker/spec.js';
import { built } from './support/built.js';

const { main } = await built<typeof Main>('checker/cli/main.js');
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

describe('tdxmc ci --shard', () => {
  it('splits the configurations into N shards that together are the whole list, each configuration once, for N = 1..5', async () => {
    const all = await list(registry);
    for (let n = 1; n <= 5; n++) {
      const shards = [];
      for (let i = 1; i <= n; i++) shards.push(await list(registry, '--shard', `${i}/${n}`));
      const union = shards.flat();
      expect(union.length, `N=${n}`).toBe(all.length);
      expect(new Set(union).size, `N=${n}`).toBe(all.length);
      expect([...union].sort(), `N=${n}`).toEqual([...all].sort());
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes), `N=${n}: shard sizes ${sizes.join(', ')}`).toBeLessThanOrEqual(1);
    }
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
    const names = (JSON.parse(r.out) as { configurations: { name: string }[] }).configurations.map((c) => c.name);
    expect(names).toEqual(['double step']);
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
