// The cost tables (`npm run cost-tables`, specs/cost-table.ts): rows from the real CLI, growth
// only between exhaustive searches, a run over its budget recorded as not finished (and the
// column stopped there), the README rewritten only between its markers, and every spec README
// carrying a generated table.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { catalog } from '../specs/catalog.js';
import { BEGIN, checkSize, column, END, growth, largestExhaustive, machineNow, renderCostTable, replaceMarked, type SizeRow } from '../specs/cost-table.js';
import { lockstepModel } from '../specs/lockstep/spec.js';

const finished = (size: number, states: number, seconds: number, verdict = 'pass'): SizeRow => ({
  size,
  kind: 'finished',
  verdict,
  states,
  transitions: 2 * states,
  seconds,
});

describe('cost table rows', () => {
  it('lockstep cpus 1..3 through the CLI: the counts of a check alone, growth between them', async () => {
    const rows = await column(1, 3, (n) => checkSize('lockstep', 'cpus', n, false, 60));
    expect(rows.map((r) => r.size)).toEqual([1, 2, 3]);
    for (const r of rows) {
      const alone = check(lockstepModel(r.size, 'ack'), { liveness: false });
      expect(r).toMatchObject({ kind: 'finished', verdict: alone.verdict, states: alone.stats.distinctStates, transitions: alone.stats.transitions });
    }
    const g = growth(rows);
    expect(g[0]).toEqual({});
    const states = rows.map((r) => (r.kind === 'finished' ? r.states : NaN));
    expect(g[1]!.states).toBeCloseTo(states[1]! / states[0]!);
    expect(g[2]!.states).toBeCloseTo(states[2]! / states[1]!);
    expect(largestExhaustive(rows)).toBe(3);
  });

  it('a size over its budget is not finished and ends the column', async () => {
    const sizes: number[] = [];
    const rows = await column(4, 6, (n) => {
      sizes.push(n);
      return checkSize('update', 'cpus', n, false, 1);
    });
    expect(sizes).toEqual([4]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ size: 4, kind: 'not finished', why: 'not finished within 1 s' });
    expect(largestExhaustive(rows)).toBeUndefined();
    expect(growth(rows)).toEqual([{}]);
  });

  it('--symmetry with nothing to permute is its own row, and the column goes on', async () => {
    const rows = await column(2, 3, (n) => checkSize('update', 'cpus', n, true, 60));
    expect(rows.map((r) => r.kind)).toEqual(['nothing to permute', 'finished']);
    expect(growth(rows)).toEqual([{}, {}]);
  });

  it('growth only between exhaustive searches one size apart, time only above start-up noise', () => {
    const rows: SizeRow[] = [
      finished(1, 10, 0.001),
      finished(2, 100, 0.6),
      finished(3, 1000, 2.4),
      finished(4, 50, 0.1, 'violation'),
      finished(5, 100_000, 9),
      { size: 6, kind: 'not finished', why: 'not finished within 9 s', states: 1, seconds: 9 },
    ];
    const g = growth(rows);
    expect(g[1]).toEqual({ states: 10 });
    expect(g[2]).toEqual({ states: 10, time: 4 });
    expect(g[3]).toEqual({});
    expect(g[4]).toEqual({});
    expect(g[5]).toEqual({});
    expect(largestExhaustive(rows)).toBe(5);
  });

  it('a violation row does not stop the column; an error does', async () => {
    const canned: Record<number, SizeRow> = {
      1: finished(1, 5, 0),
      2: finished(2, 7, 0, 'violation'),
      3: { size: 3, kind: 'error', message: 'boom' },
      4: finished(4, 9, 0),
    };
    const rows = await column(1, 4, async (n) => canned[n]!);
    expect(rows.map((r) => r.size)).toEqual([1, 2, 3]);
  });

  it('a column that used its own budget starts no further size, and says so', async () => {
    const ran: number[] = [];
    const rows = await column(
      1,
      9,
      async (n) => {
        ran.push(n);
        await new Promise((r) => setTimeout(r, 60));
        return finished(n, n, 0.06);
      },
      0.1,
    );
    expect(ran).toEqual([1, 2]);
    expect(rows.at(-1)).toEqual({ size: 3, kind: 'not run', why: 'not run: the column had used its 0.1 s' });
    expect(largestExhaustive(rows)).toBe(2);
  });
});

describe('README markers', () => {
  const body = 'the table\n\n| cpus | verdict |\n|---|---|\n| 1 | pass |';
  const readme = `# spec\n\nprose | with a pipe\n\n## State space\n\n${BEGIN}\nold figures\n${END}\n\nmore prose after\n`;

  it('replaces only what is between the markers, and again gives the same text', () => {
    const once = replaceMarked(readme, body);
    expect(once).toBe(`# spec\n\nprose | with a pipe\n\n## State space\n\n${BEGIN}\n${body}\n${END}\n\nmore prose after\n`);
    expect(replaceMarked(once, body)).toBe(once);
  });

  it('appends a section with the markers to a README without them, once', () => {
    const plain = '# spec\n\nprose\n';
    const once = replaceMarked(plain, body);
    expect(once.startsWith(plain)).toBe(true);
    expect(replaceMarked(once, body)).toBe(once);
    expect(() => replaceMarked(`${END}\n${BEGIN}\n`, body)).toThrow(/not a pair/);
  });

  it('the rendered table keeps its pipes inside cells and names the budget', () => {
    const text = renderCostTable({
      spec: 'lockstep',
      param: 'cpus',
      range: [1, 64],
      budget: 7,
      columnBudget: 35,
      simSeconds: 3,
      machine: machineNow(),
      plain: [finished(1, 10, 0.1), { size: 2, kind: 'not finished', why: 'not finished within 7 s', states: 99, seconds: 7 }],
      symmetric: [finished(1, 10, 0.1), finished(2, 20, 0.2)],
      sims: [{ size: 16, verdict: 'no violation', walks: 4, steps: 400, seconds: 2, cut: 1 }],
    });
    expect(text).toMatch(/each run got 7 s of wall time .*, and a column started no size after 35 s/);
    expect(text).toMatch(/Largest cpus searched exhaustively: cpus=1 without symmetry, cpus=2 with `--symmetry`/);
    expect(text).toMatch(/^\| 2 \| not finished within 7 s \| > 99 \|/m);
    expect(text).toMatch(/^\| 16 \| no violation \| 4 \| 400 \| 200 \| 100\.0 \| 1 \|$/m);
    const tableLines = text.split('\n').filter((l) => l.startsWith('|'));
    const columns = tableLines.filter((l) => l.includes('sym. verdict') || /^\| [12] \|/.test(l)).map((l) => l.split(' | ').length);
    expect(new Set(columns).size).toBe(1);
  });
});

describe('every spec README', () => {
  it('has the markers around a generated table', () => {
    for (const name of catalog.names) {
      const text = readFileSync(fileURLToPath(new URL(`../specs/${name}/README.md`, import.meta.url)), 'utf8');
      const b = text.indexOf(BEGIN);
      const e = text.indexOf(END);
      expect(b, name).toBeGreaterThanOrEqual(0);
      expect(e, name).toBeGreaterThan(b);
      expect(text.indexOf(BEGIN, b + 1), name).toBe(-1);
      const inside = text.slice(b + BEGIN.length, e);
      if (inside.includes('No cost table:')) continue;
      expect(inside, name).toMatch(
        /^\nGenerated by `npm run cost-tables` on \d{4}-\d\d-\d\d \d\d:\d\d UTC, \d+ cores \(.*\), load average [\d.]+ at the start; each run got [\d.]+ s/,
      );
      expect(inside, name).toMatch(/^Largest v?cpus searched exhaustively: /m);
      expect(inside, name).toMatch(/^\| v?cpus \| verdict \| states \| transitions \| seconds \| × states \| × time \|/m);
      expect(inside, name).toMatch(/^\| 1 \| \S/m);
      expect(inside, name).toMatch(/Simulation: `tdxmc simulate|No simulation rows: /);
    }
  });
});
