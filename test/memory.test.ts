// The memory budget (--memory): what the search's arrays hold never goes over it, a growth
// counting the old and the new array together; whether a search fits in a budget does not
// depend on the number of workers; and through the command line, the process's peak resident
// set stays within 1.25 times the budget plus the stated baseline. Drives the build in dist/.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as Bfs from '../checker/bfs.js';
import type * as Compiled from '../checker/compiled.js';
import type * as Memory from '../checker/memory.js';
import type * as Coordinator from '../checker/parallel/coordinator.js';
import type * as Params from '../checker/params.js';
import type * as Specs from '../specs/index.js';
import { built } from './support/built.js';

const { bfs } = await built<typeof Bfs>('checker/bfs.js');
const { CompiledModel } = await built<typeof Compiled>('checker/compiled.js');
const { MemoryBudget } = await built<typeof Memory>('checker/memory.js');
const { parallelBfs, affordableWorkers } = await built<typeof Coordinator>('checker/parallel/coordinator.js');
const { findSpec } = await built<typeof Specs>('specs/index.js');
const { resolveParams } = await built<typeof Params>('checker/params.js');

const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));
const MiB = 1 << 20;

describe('MemoryBudget', () => {
  it('refuses what would go over it, and keeps the most held at once', () => {
    const b = new MemoryBudget(10 * 1024);
    expect(b.take(6 * 1024)).toBe(true);
    expect(b.take(5 * 1024)).toBe(false);
    expect(b.used).toBe(6 * 1024);
    b.give(6 * 1024);
    expect(b.take(10 * 1024)).toBe(true);
    b.give(10 * 1024);
    expect(b.used).toBe(0);
    expect(b.peak).toBe(10 * 1024);
  });

  it('is one budget for every thread that shares its counts', () => {
    const a = MemoryBudget.shared(8 * 1024);
    const b = new MemoryBudget(8 * 1024, new Int32Array(a.counts.buffer));
    expect(a.take(5 * 1024)).toBe(true);
    expect(b.take(5 * 1024)).toBe(false);
  });
});

describe('a search within a budget', () => {
  const spec = findSpec('lockstep')!;
  const p = resolveParams(spec.params, ['cpus=8']);
  if (!p.ok) throw new Error(p.error);
  const cm = new CompiledModel(spec.build(p.params));
  const source = { module: spec.file!, name: spec.name, params: p.params, skipProperties: [] };
  const whole = bfs(cm);

  for (const memory of [1 * MiB, 2 * MiB, 3 * MiB, 5 * MiB, 8 * MiB]) {
    it(`${memory / MiB} MiB: fits or not whatever the workers, and holds no more than the budget`, async () => {
      const one = bfs(cm, { memory });
      const verdicts = [one.verdict];
      expect(one.stats.memoryPeak).toBeLessThanOrEqual(memory);
      for (const k of [2, 4]) {
        const r = await parallelBfs(cm, source, { memory }, k);
        verdicts.push(r.verdict);
        expect(r.stats.memoryPeak).toBeLessThanOrEqual(memory);
        if (r.verdict === 'pass') expect(r.stats.distinctStates).toBe(whole.stats.distinctStates);
        else expect(r.stoppedBy).toBe('memory');
      }
      expect(new Set(verdicts).size).toBe(1);
    }, 60_000);
  }

  it('the smallest and the largest of these budgets differ in verdict, so the test can fail', () => {
    expect(bfs(cm, { memory: 1 * MiB }).verdict).toBe('incomplete');
    expect(bfs(cm, { memory: 8 * MiB }).verdict).toBe('pass');
  });

  it('workers beyond those the baseline covers take from the budget', () => {
    expect(affordableWorkers(2, 1 * MiB)).toBe(2);
    expect(affordableWorkers(64, 64 * MiB)).toBeLessThan(64);
    expect(affordableWorkers(64, 16 * 1024 * MiB)).toBe(64);
  });
});

describe('tdxmc check --memory', () => {
  for (const workers of ['1', '2']) {
    it(`the process's peak RSS is within 1.25 x the budget + 150 MB (--workers ${workers})`, () => {
      const r = spawnSync(process.execPath, [BIN, 'check', 'lockstep', '--set', 'cpus=9', '--memory', '8M', '--workers', workers, '--json', '--quiet'], {
        encoding: 'utf8',
      });
      expect(r.status).toBe(3);
      const j = JSON.parse(r.stdout) as { stoppedBy: string; memory: { budget: number; peak: number; peakRss: number; workers: number } };
      expect(j.stoppedBy).toBe('memory');
      expect(j.memory.budget).toBe(8 * MiB);
      expect(j.memory.workers).toBe(Number(workers));
      expect(j.memory.peak).toBeLessThanOrEqual(j.memory.budget);
      expect(j.memory.peakRss).toBeLessThanOrEqual(1.25 * j.memory.budget + 150 * 1e6);
    }, 60_000);
  }
});
