// The init spec: every expectation CI gates (the reference passes, each known-bad variant is
// caught with its named property and shortest trace), golden state counts, and the TDMR/PAMT
// construction checked over every layout of the family.

import { describe, expect, test } from 'vitest';
import { check } from '../checker/check.js';
import type { AnyModel } from '../checker/model.js';
import { buildTdxMemlist, constructTdmrs, familyLayout, GiB, layoutFamily, pamtSize, tdmrConfigError } from '../model/memory.js';
import { FAMILY, FAMILY_BEHAVIOURS, familyBehaviours, Platform, platforms } from '../specs/init/layouts.js';
import { init } from '../specs/init/spec.js';
import { buildSpec, describeExpectations } from './support/expectation.js';

/** Measured with this checker (bfs, 64-bit fingerprints); a change means the model changed. */
const GOLDEN: Record<string, [states: number, transitions: number]> = {
  'reference (2026: core-driven init, DISABLE at kexec)': [35_530, 139_183],
};

describeExpectations(init, GOLDEN);

describe('init variants', () => {
  test('every variant has an expectation naming the property it breaks', () => {
    const variants = init.params.find((p) => p.name === 'variant');
    if (variants?.type !== 'enum') throw new Error('variant parameter');
    for (const v of variants.values.filter((x) => x !== 'reference')) {
      const e = init.expectations!.find((x) => x.params['variant'] === v && x.expect.verdict === 'violation');
      expect(e, v).toBeDefined();
    }
  });
});

describe('init liveness: the livelocks need weak fairness', () => {
  /** The model with `name`'s instances strongly fair: enabled infinitely often, taken infinitely often. */
  const strong = (m: AnyModel, name: string): AnyModel => ({
    ...m,
    actions: m.actions.map((a) => (a.name === name ? { ...a, fairness: 'strong' as const } : a)),
  });
  const t2 = init.witnesses!.find((w) => w.property === 'T2')!;
  test.each([
    ['T1', 'keyconfig-retry', 'SEAMRET TDH.SYS.KEY.CONFIG', (m: AnyModel) => m],
    ['T2', 'reference', 'TDH.SYS.LP.INIT', (m: AnyModel) => t2.mutate!(m)],
  ])('%s (variant %s): a lasso under weak fairness, none once %s is strongly fair', (property, variant, success, mutate) => {
    const m = mutate(buildSpec(init, { variant }));
    const weak = check(m);
    expect([weak.verdict, weak.violation?.property.name, weak.violation?.loopStart !== undefined]).toEqual(['violation', property, true]);
    const o = check(strong(m, success));
    expect([o.verdict, o.liveness?.checked]).toEqual(['pass', ['I11L', 'T1', 'T2', 'T3']]);
  });
});

test('symmetry: the reference passes on fewer states', () => {
  const o = check(buildSpec(init, {}), { symmetry: true });
  expect(o.verdict).toBe('pass');
  expect(o.stats.distinctStates).toBe(21_790);
});

test('TDMR/PAMT construction over every layout of the family and every region set init can see', () => {
  const counts: Record<string, number> = {};
  const broken: string[] = [];
  const family = layoutFamily(FAMILY);
  for (const l of family) {
    const p = new Platform(l);
    for (const [present, online] of p.initSets()) {
      const o = p.outcome(present, online);
      const key = o.errno === '0' ? `${o.tdmrs} TDMRs` : o.errno;
      counts[key] = (counts[key] ?? 0) + 1;
      if (o.errno === '0' && (o.configError ?? o.coverageError)) broken.push(`${l.name} ${present}/${online}: ${o.configError ?? o.coverageError}`);
    }
  }
  expect(broken).toEqual([]);
  expect(family.length).toBe(14_892);
  expect(counts).toEqual({ '1 TDMRs': 136, '2 TDMRs': 29_512, '3 TDMRs': 31_528, '-ENOSPC': 17_976 });
  // Stored so that a check need not walk the family: a change to construct_tdmrs() that changes the behaviours shows here.
  expect(familyBehaviours(), 'update FAMILY_BEHAVIOURS in specs/init/layouts.ts').toEqual(FAMILY_BEHAVIOURS);
  expect(platforms('family').map((p) => p.layout.name)).toEqual(familyBehaviours().map((runs) => familyLayout(FAMILY, runs).name));
});

test("TDH.SYS.CONFIG judges the entries passed, not the kernel's count: one more is a zeroed TDMR_INFO the module refuses, one fewer leaves TDX memory uncovered", () => {
  const wrong: string[] = [];
  for (const p of platforms('family')) {
    for (const [present, online] of p.initSets()) {
      const o = p.outcome(present, online);
      if (o.errno !== '0') continue;
      const at = (k: number) => p.passed(present, online, k);
      const where = `${p.layout.name} ${present}/${online}`;
      if (at(o.tdmrs).configError ?? at(o.tdmrs).coverageError) wrong.push(`${where}: the list as built is refused`);
      if (at(o.tdmrs + 1).configError === undefined) wrong.push(`${where}: one entry more is accepted`);
      if (o.tdmrs > 1 && at(o.tdmrs - 1).coverageError === undefined) wrong.push(`${where}: one entry fewer covers the memlist`);
      if (at(0).configError === undefined) wrong.push(`${where}: no TDMR is accepted`);
    }
  }
  expect(wrong).toEqual([]);
});

test("TDH.SYS.CONFIG's PAMT size rule is the module's own: a kernel size without the 1G PAMT is refused", () => {
  const l = layoutFamily(FAMILY)[0]!;
  const memlist = buildTdxMemlist(l.regions, [true]);
  const wrong = (size: number): number => pamtSize(size) - Math.ceil(((size / GiB) * 16) / 4096) * 4096;
  const right = constructTdmrs(memlist, memlist, l);
  const short = constructTdmrs(memlist, memlist, l, wrong);
  if (!right.ok || !short.ok) throw new Error('construct_tdmrs failed');
  expect(tdmrConfigError(right.tdmrs, l)).toBeUndefined();
  expect(tdmrConfigError(short.tdmrs, l)).toMatch(/PAMT is too small/);
});
