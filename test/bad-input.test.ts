// Bad input, generated (issue 18): argument vectors for check, ci, diff, graph and list built from
// real and unknown flags, specs and parameters, huge numbers, unicode and missing values. Whatever
// comes, tdxmc ends in an exit class (0-3); bad input is exit 2 with exactly one line on stderr,
// no stack trace, and no file left in the working directory.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));

function tdxmc(args: string[], cwd: string) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, timeout: 20_000 });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

// Values: numbers in and out of range, huge and malformed ones, unicode, control characters, empty.
const value = fc.oneof(
  fc.constantFrom('0', '1', '2', '3', '-5', '3.5', '1e9', '0x10', 'NaN', '', ' ', '99999999999999999999999999', '9007199254740993', '1M', '4G', '99999999T'),
  fc.constantFrom('bfs', 'dfs', 'json', 'dot', 'ack', 'nolock', 'été', '日本', '\u2028', 'a\nb', '\t', '🙂', '--json'),
  fc.nat({ max: 70 }).map(String),
  fc.string({ maxLength: 6 }),
);
// Small models only: lockstep's CPUs are drawn up to 3 unless the value is out of range.
const param = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('cpus', 'variant', 'nosuch', 'CPUS', '', 'cpus '),
      fc.oneof(fc.constantFrom('1', '2', '3', '0', '65', 'x', 'nolock', 'noack', 'maybe', ''), value),
    )
    .map(([k, v]) => (/^\d+$/.test(v) && Number(v) > 3 && Number(v) <= 64 ? `${k}=2` : `${k}=${v}`)),
  value,
);
const flag = fc.oneof(
  fc.tuple(fc.constantFrom('--set', '--vs-set'), param),
  fc.tuple(fc.constantFrom('--max-states', '--max-depth', '--workers', '--jobs', '--memory', '--max-nodes', '--timeout'), value),
  fc.tuple(fc.constantFrom('--search', '--format', '--skip-property', '--operators'), value),
  fc.tuple(fc.constantFrom('--only'), fc.constantFrom('lockstep/one CPU', 'LOCKSTEP/ONE ?PU', 'nosuch', '', 'lockstep/one*', 'x/y/z')),
  fc.tuple(fc.constantFrom('--report', '--out', '--junit', '--sarif'), fc.constantFrom('out', 'a/b/c.txt', '', '.')),
  fc.constantFrom('--json', '--quiet', '--exact', '--symmetry', '--no-liveness', '--bogus', '-x', '--', '--set', '--workers', '--report', '--json=1'),
  value,
);

const argv = fc
  .tuple(
    fc.constantFrom('check', 'ci', 'diff', 'graph', 'list'),
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(['lockstep']) },
      fc.constant([]),
      fc.constantFrom(['nosuch'], ['lockstep', 'init'], ['Lockstep'], ['']),
      fc.array(value, { maxLength: 1 }),
    ),
    fc.array(flag, { maxLength: 4 }),
  )
  .map(([cmd, specs, flags]) => {
    const args = [cmd, ...(cmd === 'ci' ? [] : specs), ...flags.flat()];
    // ci runs one small configuration unless a generated --only says otherwise.
    return cmd === 'ci' && !args.includes('--only') ? [...args, '--only', 'lockstep/one CPU'] : args;
  });

describe('generated bad input', () => {
  it('exit 0-3; exit 2 is one line on stderr, no stack trace, no file left behind', async () => {
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const cwd = mkdtempSync(join(tmpdir(), 'tdxmc-bad-'));
        const r = await tdxmc(args, cwd);
        const what = JSON.stringify(args);
        expect([0, 1, 2, 3], `${what}: exit ${r.code}\n${r.err}`).toContain(r.code);
        expect(r.err, what).not.toMatch(/\n\s+at /);
        if (r.code === 2) {
          expect(r.err.trimEnd().split('\n'), `${what}\n${r.err}`).toHaveLength(1);
          expect(r.err, what).toMatch(/^tdxmc: /);
          expect(readdirSync(cwd), what).toEqual([]);
        }
      }),
      { numRuns: 16 },
    );
  }, 120_000);
});
