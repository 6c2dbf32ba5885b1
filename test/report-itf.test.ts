// The ITF report (Apalache ADR-015, as Quint reads it): valid by the format's rules, and a
// faithful trace: decoded back, it is the counterexample, and the checker replays it from the
// action taken and the actor picked at each state.

import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import type { AnyModel } from '../checker/model.js';
import { ACTION_TAKEN, NONDET_PICKS, renderItf } from '../checker/report/itf.js';
import { buildReport } from '../checker/report/report.js';
import { replay, type TraceStep } from '../checker/trace.js';
import { cpuid } from '../specs/cpuid/spec.js';
import { lockstep } from '../specs/lockstep/spec.js';
import { validateItf } from './support/itf.js';
import { reportModel } from './support/report-model.js';

function itfOf(model: AnyModel) {
  const outcome = check(model);
  const report = buildReport({ spec: 'spec', params: { p: 1 }, options: {}, version: '0.0.0-test', outcome })!;
  return { outcome, itf: JSON.parse(renderItf(report)) };
}

/** ITF back to plain values: `#bigint` to numbers, everything else as is. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  if ('#bigint' in o) return Number(o['#bigint']);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plain(x)]));
}

const cases: [string, AnyModel][] = [
  ['lockstep noack', lockstep.build({ cpus: 4, variant: 'noack' })],
  ['lockstep nolock', lockstep.build({ cpus: 3, variant: 'nolock' })],
  ['cpuid D32', cpuid.build(Object.fromEntries(cpuid.params.map((p) => [p.name, p.name === 'variant' ? 'D32' : p.default])))],
  ['a model with a single-instance action', reportModel('violation')],
];

describe('ITF validator', () => {
  const good = { vars: ['x'], states: [{ '#meta': { index: 0 }, x: { '#bigint': '1' } }] };
  it('accepts a minimal trace and every expression form', () => {
    expect(validateItf(good)).toEqual([]);
    const all = { '#tup': [1, 'a'] } as const;
    const forms = [true, 'a', -3, [1, 2], { f: 1 }, all, { '#set': [] }, { '#map': [[1, 'a']] }, { '#unserializable': 'x' }];
    expect(validateItf({ vars: ['x'], states: forms.map((x) => ({ x })) })).toEqual([]);
  });
  it('rejects what the format forbids', () => {
    const bad = (states: unknown[], extra: object = {}) => validateItf({ vars: ['x'], states, ...extra });
    expect(bad([{ x: 1.5 }])).toEqual(['states[0].x: 1.5 is not an integer in [-(2^53)+1, 2^53-1]']);
    expect(bad([{ x: 2 ** 60 }])).toHaveLength(1);
    expect(bad([{ x: { '#bigint': '12a' } }])).toHaveLength(1);
    expect(bad([{ x: { '#bigint': '1', y: 2 } }])).toHaveLength(1);
    expect(bad([{ x: { '#map': [[1]] } }])).toHaveLength(1);
    expect(bad([{ x: { '#frob': [] } }])).toHaveLength(1);
    expect(bad([{ x: null }])).toHaveLength(1);
    expect(bad([{}])).toEqual(['states[0]: variable x is not set']);
    expect(bad([{ x: 1, y: 2 }])).toEqual(['states[0]: y is neither a variable nor a parameter']);
    expect(bad([{ x: 1 }], { loop: 3 })).toEqual(['loop: not a state index']);
    expect(bad([{ x: 1 }], { trace: [] })).toEqual(['trace: unknown field trace']);
    expect(validateItf({ vars: ['x', 'x'], states: [] })).toEqual(['vars: repeated names']);
  });
});

it('writes ints as #bigint, enum values as strings, arrays as lists', () => {
  const { itf } = itfOf(cases[0]![1]);
  expect(itf.states[0]).toMatchObject({ acked: { '#bigint': '0' }, stage: 'START', cur: ['START', 'START', 'START', 'START'], failed: false });
  expect(itf.states[1][NONDET_PICKS]).toEqual({ CPU: { tag: 'Some', value: { '#bigint': '0' } } });
  expect(itf.states[0][ACTION_TAKEN]).toBe('init');
});

describe.each(cases)('ITF of %s', (_name, model) => {
  const { outcome, itf } = itfOf(model);
  const trace = outcome.violation!.trace;

  it('is valid ITF with format metadata and state indices', () => {
    expect(validateItf(itf)).toEqual([]);
    expect(itf['#meta']).toMatchObject({ format: 'ITF', 'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html' });
    expect(itf.states.map((s: { '#meta': { index: number } }) => s['#meta'].index)).toEqual(trace.map((_, i) => i));
    // Every int of the state is a #bigint, as Quint writes them.
    const numbers = (v: unknown): number =>
      typeof v === 'number' ? 1 : typeof v === 'object' && v !== null ? Object.values(v).reduce((n: number, x) => n + numbers(x), 0) : 0;
    for (const st of itf.states) expect(numbers({ ...st, '#meta': undefined })).toBe(0);
  });

  it('decodes back to the counterexample, with Quint’s action taken and actor picked', () => {
    const vars = Object.keys(trace[0]!.state as object);
    expect(itf.vars).toEqual([...vars, ACTION_TAKEN, NONDET_PICKS]);
    const steps: TraceStep[] = itf.states.map((s: Record<string, unknown>) => {
      const state = Object.fromEntries(vars.map((v) => [v, plain(s[v])]));
      const picks = Object.values(plain(s[NONDET_PICKS]) as Record<string, { tag: string; value: unknown }>).filter((p) => p.tag === 'Some');
      const action = s[ACTION_TAKEN] === 'init' ? null : (s[ACTION_TAKEN] as string);
      return { action, actor: picks.length === 0 ? null : (picks[0]!.value as number), state };
    });
    expect(steps.map((s) => s.state)).toEqual(trace.map((t) => t.state));
    expect(steps[0]!.action).toBeNull();
    const r = replay(outcome.compiled, steps);
    expect(r).toMatchObject({ ok: true, steps: outcome.violation!.steps });
  });
});
