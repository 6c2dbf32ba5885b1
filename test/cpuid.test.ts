// specs/cpuid: every expectation, golden counts of the reference design, and the properties the
// first violation hides (a variant breaks more than the property BFS reports first).

import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { CompiledModel } from '../checker/compiled.js';
import type { AnyModel } from '../checker/model.js';
import type { Params } from '../checker/spec.js';
import { cpuid } from '../specs/cpuid/spec.js';
import { buildSpec, describeExpectations, stateCounts } from './support/expectation.js';
import { withoutProperties } from '../checker/properties.js';

const build = (given: Params): AnyModel => buildSpec(cpuid, given);

describeExpectations(cpuid);

describe('cpuid golden counts (from runs of the checker)', () => {
  it('reference, defaults and a larger layout', () => {
    const configs: Params[] = [{}, { vcpus: 3, configurable: 2, fixed0: 2, fixed1: 3, native: 2 }];
    expect(stateCounts(cpuid, configs)).toEqual([
      [118, 276, 9],
      [316, 965, 11],
    ]);
  });

  it('bfs and dfs agree on the reference state space', () => {
    const cm = new CompiledModel(build({}));
    const b = check(cm).stats;
    const d = check(cm, { search: 'dfs' }).stats;
    expect([d.distinctStates, d.transitions]).toEqual([b.distinctStates, b.transitions]);
  });
});

describe('what each bad policy breaks besides its first violation', () => {
  it('D31 also configures fixed bits at INIT_VM (C2) and leaves KVM inconsistent (C3)', () => {
    expect(check(withoutProperties(build({ variant: 'D31' }), 'C1')).violation?.property.name).toBe('C2');
    expect(check(withoutProperties(build({ variant: 'D31' }), 'C1', 'C2', 'C6')).violation?.property.name).toBe('C3');
  });

  it('D32 hands KVM_SET_CPUID2 the stale fixed bits (C3)', () => {
    expect(check(withoutProperties(build({ variant: 'D32' }), 'C6')).violation?.property.name).toBe('C3');
  });

  it("an update that re-derives a TD's CPUID leaves userspace's view stale (C6)", () => {
    expect(check(withoutProperties(build({ update_keeps_td_cpuid: false }), 'C4')).violation?.property.name).toBe('C6');
  });
});

describe('the failures need the environment event that causes them', () => {
  const noDrift = { flip_fixed: false, more_configurable: false };

  it('a hard-coded table is right as long as the fixed bits never change', () => {
    expect(check(build({ variant: 'D32', ...noDrift })).verdict).toBe('pass');
    expect(check(build({ variant: 'D32', more_configurable: false })).violation?.property.name).toBe('C6');
  });

  it('leaving unknown bits 0 matters only once a module makes more bits configurable', () => {
    expect(check(build({ unknown_configurable: 'leave0', more_configurable: false })).verdict).toBe('pass');
  });

  it('D31 breaks the order even with a single module', () => {
    expect(check(build({ variant: 'D31', ...noDrift, update: false })).violation?.property.name).toBe('C1');
  });

  it('without updates the reference design reaches its end state (no deadlock)', () => {
    expect(check(build({ update: false })).verdict).toBe('pass');
  });
});
