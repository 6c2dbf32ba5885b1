// `tdxmc check --sweep`: one row per value, each row the figures of a check of that value alone,
// stopping at the first violation unless --keep-going, and bad ranges refused in one line.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { lockstepModel } from '../specs/lockstep/spec.js';

const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));
const tdxmc = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args, '--quiet'], { encoding: 'utf8' });

describe('check --sweep', () => {
  it('a row per value, with the counts of a check of that value alone', () => {
    const r = tdxmc('check', 'lockstep', '--sweep', 'cpus=1..4', '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.sweep).toEqual({ name: 'cpus', values: [1, 2, 3, 4] });
    expect(j.rows.map((x: { value: number }) => x.value)).toEqual([1, 2, 3, 4]);
    for (const row of j.rows) {
      const alone = check(lockstepModel(row.value, 'ack'));
      expect([row.verdict, row.distinctStates, row.transitions]).toEqual([alone.verdict, alone.stats.distinctStates, alone.stats.transitions]);
    }
  });

  it('stops at the first violation unless --keep-going, and exits with the worst row', () => {
    const stop = tdxmc('check', 'lockstep', '--set', 'variant=nolock', '--sweep', 'cpus=1..4');
    expect(stop.status).toBe(1);
    expect(stop.stdout).toMatch(/\n {2}2 +violation SerialInstall .*\n {2}stopped after cpus=2 \(--keep-going checks the other 2\)\n$/);
    const all = JSON.parse(tdxmc('check', 'lockstep', '--set', 'variant=nolock', '--sweep', 'cpus=1..4', '--keep-going', '--json').stdout);
    expect(all.rows.map((x: { verdict: string }) => x.verdict)).toEqual(['pass', 'violation', 'violation', 'violation']);
  });

  it('refuses what is not a range of an int parameter, in one line', () => {
    for (const [sweep, why] of [
      ['cpus=3..1', /ascending/],
      ['cpus=0..2', /within 1\.\.64/],
      ['variant=1..2', /no int parameter 'variant'/],
      ['cpus', /not name=a\.\.b/],
    ] as const) {
      const r = tdxmc('check', 'lockstep', '--sweep', sweep);
      expect(r.status, sweep).toBe(2);
      expect(r.stderr.trim().split('\n'), sweep).toHaveLength(1);
      expect(r.stderr, sweep).toMatch(why);
    }
    expect(tdxmc('check', 'lockstep', '--set', 'cpus=2', '--sweep', 'cpus=1..2').stderr).toMatch(/also given by --set/);
  });
});
