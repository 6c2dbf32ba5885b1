// `tdxmc merge`: the shards of `ci --shard i/N` merged are the unsharded run: the same JSON
// (times aside), the same JUnit and SARIF, the same exit code; inputs that are not one split
// (a configuration or shard twice, a shard missing, versions that differ) are bad input. The
// shipped examples (a GitHub Actions matrix, a Kubernetes Indexed Job) run `ci` and `merge` as
// the command line takes them: every shard's command is valid, together they run every
// configuration once, and the merge reads exactly what the shards write.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as Main from '../checker/cli/main.js';
import type { Spec } from '../checker/spec.js';
import { built } from './support/built.js';

const { main } = await built<typeof Main>('checker/cli/main.js');
const { specs: registry } = await built<{ specs: readonly Spec[] }>('specs/index.js');
const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'tdxmc-merge-'));
const at = (name: string): string => join(tmp, name);

async function tdxmc(specs: readonly Spec[], ...argv: string[]) {
  let out = '';
  let err = '';
  const stream = (add: (s: string) => void) => ({ write: (s: string) => (add(s), true) }) as unknown as NodeJS.WriteStream;
  const code = await main(argv, { specs, version: '0.0.0-test', out: stream((s) => (out += s)), err: stream((s) => (err += s)) });
  return { code, out, err };
}

/** A run's outputs with what varies between runs taken out: seconds, and the times JUnit and the counterexamples state. */
const timeless = {
  json: (text: string): unknown => JSON.parse(text, (k, v: unknown) => (k === 'seconds' ? 0 : v)),
  text: (text: string): string => text.replace(/ time="[\d.]+"/g, '').replace(/time: [\d.]+ s \(varies between runs\)/g, 'time: (varies)'),
};

/** `ci ... --shard i/n` for each i and unsharded, each writing JSON, JUnit and SARIF; then `merge` of the shards. */
async function shardAndMerge(run: (...argv: string[]) => Promise<{ code: number | null; out: string; err: string }>, n: number, ...args: string[]) {
  const outputs = (tag: string) => ['--junit', at(`${tag}.xml`), '--sarif', at(`${tag}.sarif`)];
  const direct = await run('ci', ...args, '--json', ...outputs('direct'));
  const shards = [];
  for (let i = 1; i <= n; i++) {
    const r = await run('ci', ...args, '--shard', `${i}/${n}`, '--json', ...outputs(`shard-${i}`));
    writeFileSync(at(`shard-${i}.json`), r.out);
    shards.push(r);
  }
  const files = Array.from({ length: n }, (_, k) => [`shard-${k + 1}.json`, `shard-${k + 1}.xml`, `shard-${k + 1}.sarif`].map(at)).flat();
  const merged = await run('merge', ...files, '--json', ...outputs('merged'));
  const text = (tag: string, ext: string): string => readFileSync(at(`${tag}.${ext}`), 'utf8');
  return { direct, shards, merged, text };
}

describe('tdxmc merge', () => {
  it("merges the shards of ci --only lockstep --shard i/2 into the unsharded run's JSON, JUnit and SARIF", async () => {
    const run = async (...argv: string[]) => {
      const r = spawnSync(process.execPath, [BIN, ...argv, ...(argv[0] === 'ci' ? ['--quiet'] : [])], { encoding: 'utf8' });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    const { direct, shards, merged, text } = await shardAndMerge(run, 2, '--only', 'lockstep');
    expect(shards.map((s) => s.code)).toEqual([0, 0]);
    expect(shards.every((s) => (JSON.parse(s.out) as { configurations: unknown[] }).configurations.length > 0)).toBe(true);
    expect(merged.err).toBe('');
    expect(merged.code).toBe(direct.code);
    expect(merged.code).toBe(0);
    expect(timeless.json(merged.out)).toEqual(timeless.json(direct.out));
    expect(timeless.text(text('merged', 'xml'))).toBe(timeless.text(text('direct', 'xml')));
    expect(text('merged', 'sarif')).toBe(text('direct', 'sarif'));
  });

  it('keeps the failures: JUnit failures, SARIF results in declaration order, exit 1 as the unsharded run', async () => {
    const lockstep = registry.find((s) => s.name === 'lockstep')!;
    // Every configuration expects the wrong outcome, so every shard has failures.
    const flipped: Spec = {
      ...lockstep,
      expectations: lockstep.expectations!.map((e) => ({
        ...e,
        expect: e.expect.verdict === 'pass' ? { verdict: 'violation', property: 'Lockstep' } : { verdict: 'pass' },
      })),
    };
    const run = (...argv: string[]) => tdxmc([flipped], ...argv, ...(argv[0] === 'ci' ? ['--quiet', '--jobs', '1', '--report', at('reports')] : []));
    const { direct, shards, merged, text } = await shardAndMerge(run, 2);
    expect(direct.code).toBe(1);
    expect(shards.every((s) => s.code === 1)).toBe(true);
    expect(merged.code).toBe(1);
    expect(timeless.json(merged.out)).toEqual(timeless.json(direct.out));
    const junit = text('merged', 'xml');
    expect(junit).toContain('<failure');
    expect(timeless.text(junit)).toBe(timeless.text(text('direct', 'xml')));
    const log = (tag: string) =>
      JSON.parse(text(tag, 'sarif')) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number }[] }[] };
    const [m, d] = [log('merged').runs[0]!, log('direct').runs[0]!];
    expect(m.results.length).toBeGreaterThan(1);
    expect(timeless.text(JSON.stringify(m.results.map(({ ruleIndex: _, ...r }) => r)))).toBe(
      timeless.text(JSON.stringify(d.results.map(({ ruleIndex: _, ...r }) => r))),
    );
    expect(m.results.every((r) => m.tool.driver.rules[r.ruleIndex]!.id === r.ruleId)).toBe(true);
    expect(m.tool.driver.rules.map((r) => r.id).sort()).toEqual(d.tool.driver.rules.map((r) => r.id).sort());
    // The human output names each failure and ends with the tally.
    const human = await tdxmc([flipped], 'merge', at('shard-1.json'), at('shard-2.json'));
    expect(human.code).toBe(1);
    expect(human.out).toMatch(/^\d+ configurations? not as expected:\n {2}lockstep\//);
    expect(human.out.trimEnd().split('\n').at(-1)).toMatch(/^\d+ passed, [1-9]\d* failed in [\d.]+ s$/);
  });

  describe('refuses inputs that are not one split: exit 2, one line', () => {
    const refused = async (files: readonly string[], says: string | RegExp, ...flags: string[]) => {
      const r = await tdxmc(registry, 'merge', ...files.map(at), ...flags);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(says);
    };
    const shard = async (i: number, n: number) => {
      const r = await tdxmc(registry, 'ci', '--only', 'lockstep', '--shard', `${i}/${n}`, '--json', '--quiet', '--jobs', '1', '--junit', at(`r${i}of${n}.xml`));
      writeFileSync(at(`r${i}of${n}.json`), r.out);
      return JSON.parse(r.out) as Record<string, unknown>;
    };

    it('a shard twice, a shard missing, shards of two splits, a shard with the whole', async () => {
      await shard(1, 2);
      await shard(2, 2);
      await shard(1, 3);
      const whole = await tdxmc(registry, 'ci', '--only', 'lockstep', '--json', '--quiet', '--jobs', '1');
      writeFileSync(at('whole.json'), whole.out);
      writeFileSync(at('whole-again.json'), whole.out);
      writeFileSync(at('r1of2-copy.json'), readFileSync(at('r1of2.json')));
      writeFileSync(at('r1of2-copy.xml'), readFileSync(at('r1of2.xml')));
      await refused(['r1of2.json', 'r1of2.json'], /r1of2\.json is given twice/);
      await refused(['r1of2.json', 'r1of2-copy.json'], /shard 1\/2 is in both .*r1of2\.json and .*r1of2-copy\.json/);
      await refused(['r1of2.json'], /shard 2\/2 missing/);
      await refused(['r1of2.json', 'r1of3.json'], /shard 1\/2, .* shard 1\/3: merge the shards of one split/);
      await refused(['whole.json', 'r2of2.json'], /whole\.json is no shard/);
      await refused(['whole.json', 'whole-again.json'], /lockstep\/reference is in both .*whole\.json and .*whole-again\.json/);
      await refused(
        ['r1of2.json', 'r2of2.json', 'r1of2.xml', 'r1of2-copy.xml'],
        /tdxmc\.lockstep .* is in both .*r1of2\.xml and .*r1of2-copy\.xml/,
        '--junit',
        at('out.xml'),
      );
    });

    it('outputs of two tdxmc versions; a file that is no ci output; an input kind without its output flag, or none', async () => {
      const other = await shard(2, 2);
      writeFileSync(at('r2of2-other.json'), JSON.stringify({ ...other, tool: { name: 'tdx-mc', version: '9.9.9' } }));
      await shard(1, 2);
      await refused(['r1of2.json', 'r2of2-other.json'], /r1of2\.json is from tdxmc 0\.0\.0-test, .*r2of2-other\.json from 9\.9\.9/);
      writeFileSync(at('other.json'), '{"a": 1}');
      await refused(['other.json'], /other\.json: JSON, but neither tdxmc ci --json output nor SARIF/);
      await refused(['r1of2.json', 'r2of2.json', 'r1of2.xml'], /r1of2\.xml is JUnit: --junit FILE says where the merged file goes/);
      await refused(['r1of2.json', 'r2of2.json'], /--sarif: no SARIF input to merge/, '--sarif', at('out.sarif'));
      await refused(['r1of2.xml'], /no ci --json output among the inputs/, '--junit', at('out.xml'));
      await refused([], /which files\?/);
    });
  });

  it("the exit code is the merged run's: incomplete 3, a model error 2, a failure 1 over an incomplete", async () => {
    const r = await tdxmc(registry, 'ci', '--only', 'lockstep', '--json', '--quiet', '--jobs', '1');
    const whole = JSON.parse(r.out) as { configurations: Record<string, unknown>[] };
    const withRows = (edit: (row: Record<string, unknown>, k: number) => Record<string, unknown>) => {
      writeFileSync(at('edited.json'), JSON.stringify({ ...whole, configurations: whole.configurations.map(edit) }));
      return tdxmc(registry, 'merge', at('edited.json'), '--json');
    };
    const incomplete = { passed: false, actual: { verdict: 'incomplete', stoppedBy: 'time' } };
    expect((await withRows((c, k) => (k === 0 ? { ...c, ...incomplete } : c))).code).toBe(3);
    expect((await withRows((c, k) => (k === 0 ? { ...c, passed: false, actual: { verdict: 'error', error: 'x' } } : c))).code).toBe(2);
    expect((await withRows((c, k) => (k === 0 ? { ...c, ...incomplete } : k === 1 ? { ...c, passed: false } : c))).code).toBe(1);
    expect((await withRows((c) => c)).code).toBe(0);
  });
});

describe('examples', () => {
  const ROOT = fileURLToPath(new URL('..', import.meta.url));
  const mergeOptions = async (): Promise<Record<string, { type: string }>> => {
    const { COMMANDS } = await built<typeof Main>('checker/cli/main.js');
    return (await COMMANDS.find((c) => c.name === 'merge')!.load()).options;
  };
  /** The words of the one `tdxmc <command>` invocation in `text` (comments aside), up to a redirect or the next command; `redirect` is where stdout goes. */
  function invocation(text: string, command: string): { words: string[]; redirect?: string } {
    const lines = text.split('\n').filter((l) => !l.trim().startsWith('#') && l.includes(`tdxmc ${command} `));
    expect(lines, `one tdxmc ${command} line`).toHaveLength(1);
    const words = lines[0]!
      .slice(lines[0]!.indexOf(`tdxmc ${command} `) + 'tdxmc '.length)
      .trim()
      .split(/\s+/);
    const end = words.findIndex((w) => ['>', '||', '&&', ';', '|'].includes(w));
    const redirect = words[end] === '>' ? words[end + 1] : undefined;
    return { words: end < 0 ? words : words.slice(0, end), ...(redirect === undefined ? {} : { redirect }) };
  }
  const valueOf = (words: readonly string[], flag: string): string | undefined => words[words.indexOf(flag) + 1];
  /** Whether a shell glob matches `path` (`*` within a path component). */
  const globMatches = (glob: string, path: string): boolean => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(path);
  /** The same, of the last components only: the shards' files reach the merge through other folders (artifacts). */
  const namesMatch = (glob: string, path: string): boolean => globMatches(basename(glob), basename(path));

  it.each([
    {
      file: 'examples/github-actions.yml',
      count: (text: string) => /^ {8}shard: \[([\d, ]+)\]$/m.exec(text)![1]!.split(',').length,
      shard: (text: string, i: number) => text.replaceAll('${{ matrix.shard }}', String(i)),
      wild: (path: string) => path,
    },
    {
      file: 'examples/k8s-indexed-job.yaml',
      count: (text: string) => Number(/^ {2}completions: (\d+)$/m.exec(text)![1]),
      shard: (text: string, i: number) => text.replaceAll('$((JOB_COMPLETION_INDEX + 1))', String(i)).replaceAll('$JOB_COMPLETION_INDEX', String(i - 1)),
      wild: (path: string) => path.replaceAll('$JOB_COMPLETION_INDEX', '*'),
    },
  ])('$file: each shard a valid ci command, all shards every configuration once, the merge reading what they write', async ({ file, count, shard, wild }) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const n = count(text);
    expect(n).toBeGreaterThan(1);
    const all = (await tdxmc(registry, 'ci', '--list')).out.split('\n').filter((l) => l !== '');
    const union: string[] = [];
    for (let i = 1; i <= n; i++) {
      const { words } = invocation(shard(text, i), 'ci');
      expect(valueOf(words, '--shard')).toBe(`${i}/${n}`);
      const r = await tdxmc(registry, ...words, '--list');
      expect(r.err, words.join(' ')).toBe('');
      expect(r.code).toBe(0);
      union.push(...(JSON.parse(r.out) as { configurations: string[] }).configurations);
    }
    expect(union.sort()).toEqual([...all].sort());

    const ci = invocation(text, 'ci');
    const written = [ci.redirect, valueOf(ci.words, '--junit'), valueOf(ci.words, '--sarif')].map((p) => wild(p!));
    const merge = invocation(text, 'merge').words.slice(1);
    const options = await mergeOptions();
    const inputs: string[] = [];
    const outputs: string[] = [];
    for (let k = 0; k < merge.length; k++) {
      const w = merge[k]!;
      if (!w.startsWith('--')) inputs.push(w);
      else {
        expect(options, `tdxmc merge takes ${w}`).toHaveProperty(w.slice(2));
        if (options[w.slice(2)]!.type === 'string') outputs.push(merge[++k]!);
      }
    }
    // Each file a shard writes is an input of the merge, each input a file the shards write, and no output is read back.
    expect(written.map((w) => inputs.filter((g) => namesMatch(g, w)).length)).toEqual(written.map(() => 1));
    expect(inputs.every((g) => written.some((w) => namesMatch(g, w)))).toBe(true);
    expect(outputs.filter((o) => inputs.some((g) => globMatches(g, o)))).toEqual([]);
  });
});
