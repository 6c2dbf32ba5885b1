// specs/update/index.ts, the public entry point `tdx-mc/specs/update`: `update.with` builds the
// update with a changed list of steps, judged by the update's properties over that list, and the
// list edits name the steps they touch.

import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import type { Params } from '../checker/spec.js';
import { insertAfter, ModuleUpdateState, readsNew, removeStep, replaceStep, stepNamed, update, type Step } from '../specs/update/index.js';

const defaults = (over: Params = {}): Params => ({ ...Object.fromEntries(update.params.map((p) => [p.name, p.default])), ...over });
const small = defaults({ cpus: 2, vcpus: 0, updates: 1, slots: 1, td_build: false, faults: false });
const names = (steps: readonly Step[]): string[] => steps.map((s) => s.name);
const reference = update.build(small).actions as readonly Step[];

describe('update.with', () => {
  it('with the steps unchanged is the update: same verdict and counts', () => {
    const same = update.with({ name: 'same', description: 'the reference', steps: (steps) => steps });
    const a = check(update.build(small));
    const b = check(same.build(small));
    expect([b.verdict, b.stats.distinctStates, b.stats.transitions]).toEqual([a.verdict, a.stats.distinctStates, a.stats.transitions]);
  });

  it('judges the list it returns: reversed, every step at a new place, the model is the same', () => {
    const reversed = update.with({ name: 'reversed', description: 'the reference, listed backwards', steps: (steps) => [...steps].reverse() });
    const a = check(update.build(small));
    const b = check(reversed.build(small));
    expect(a.verdict).toBe('pass');
    expect([b.verdict, b.stats.distinctStates, b.stats.transitions]).toEqual([a.verdict, a.stats.distinctStates, a.stats.transitions]);
  });

  it('checks a changed step against the properties', () => {
    const unlocked = update.with({
      name: 'no-seamldr-lock',
      description: 'SEAMLDR.INSTALL without seamldr_lock',
      steps: (steps) => replaceStep(steps, 'SEAMLDR.INSTALL', (old) => ({ ...old, guard: (s, c) => readsNew(s, c, ModuleUpdateState.CPU_INSTALL) })),
    });
    const r = check(unlocked.build(small));
    expect([r.verdict, r.violation?.property.name]).toEqual(['violation', 'U7']);
  });

  it('holds the variant to its expectation at the given parameters', () => {
    const v = update.with({ name: 'v', description: 'd', steps: (s) => s, params: { cpus: 2 }, expect: { verdict: 'pass' } });
    expect(v.expectations).toEqual([{ name: 'v', params: { cpus: 2 }, expect: { verdict: 'pass' } }]);
    expect(v.properties).toEqual(update.properties);
    expect(v.params).toEqual(update.params);
  });
});

describe('the list edits', () => {
  it('insert after, replace and remove the named step, leaving the rest in order', () => {
    const extra: Step = { ...stepNamed(reference, 'ack_state'), name: 'extra' };
    const inserted = names(insertAfter(reference, 'SEAMLDR.INSTALL', extra));
    const at = names(reference).indexOf('SEAMLDR.INSTALL');
    expect(inserted).toEqual([...names(reference).slice(0, at + 1), 'extra', ...names(reference).slice(at + 1)]);
    expect(names(replaceStep(reference, 'ack_state', (old) => ({ ...old, name: 'ack' })))).toEqual(
      names(reference).map((n) => (n === 'ack_state' ? 'ack' : n)),
    );
    expect(names(removeStep(reference, 'ack_state'))).toEqual(names(reference).filter((n) => n !== 'ack_state'));
  });

  it('refuse a name no step has, listing the names', () => {
    expect(() => removeStep(reference, 'TDH.SYS.SHUTDOWNN')).toThrow(/no step named 'TDH.SYS.SHUTDOWNN' \(the steps: 'fw_upload write', .*'TDH.SYS.SHUTDOWN',/);
  });
});
