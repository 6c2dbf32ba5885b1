// specs/update: every expectation (each era and known-bad variant with its property), golden
// counts from runs of the checker, and what a first violation hides: the RFC era breaks only
// U22, and the NMI question (digest 8, seed 000) past Sean's rule.

import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { CompiledModel } from '../checker/compiled.js';
import type { AnyModel } from '../checker/model.js';
import type { Params } from '../checker/spec.js';
import { update } from '../specs/update/spec.js';
import { buildSpec, describeExpectations } from './support/expectation.js';
import { withoutProperties } from '../checker/properties.js';

const build = (given: Params): AnyModel => buildSpec(update, given);

/** States, transitions and depth of every passing expectation, from runs of the checker. */
const GOLDEN: Record<string, [number, number, number]> = {
  'merged reference': [131146, 989068, 68],
  'RFC era without a TD build': [47348, 234756, 73],
  'RFC era: kernel -ENOSPC check': [492, 3226, 9],
  'D2 merged: the same handler never meets an invalid VMCS': [131146, 1320568, 68],
  'D6: abort by fast-forward to DONE': [51410, 388398, 68],
};

describeExpectations(update, GOLDEN);

describe('update scenarios', () => {
  it('covers every variant and environment scenario the issue names', () => {
    const names = update.expectations!.map((e) => e.name.split(/[ :]/)[0]);
    for (const d of ['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8', 'D9', 'D10', 'D11', 'D12', 'D13', 'D15', 'D16', 'D28', 'D29', 'D33'])
      expect(names).toContain(d);
  });
});

describe('update search laws', () => {
  it('bfs and dfs agree on the 2-CPU reference state space', () => {
    const cm = new CompiledModel(build({ cpus: 2 }));
    const b = check(cm).stats;
    const d = check(cm, { search: 'dfs' }).stats;
    expect([b.distinctStates, b.transitions, b.maxDepth]).toEqual([10916, 60001, 49]);
    expect([d.distinctStates, d.transitions]).toEqual([b.distinctStates, b.transitions]);
  });

  it('symmetry over CPUs 1.. keeps the verdict with fewer states', () => {
    const sym = check(build({}), { symmetry: true });
    expect([sym.verdict, sym.stats.distinctStates]).toEqual(['pass', 68431]);
  });
});

describe('what a first violation hides', () => {
  it('the RFC era breaks U22 and nothing else', () => {
    expect(check(withoutProperties(build({ era: 'rfc' }), 'U22')).verdict).toBe('pass');
  });

  it("NMI question: past Sean's rule (D3), an NMI meets a NULL current VMCS in the RFC design", () => {
    const v = check(withoutProperties(build({ era: 'rfc', variant: 'D3', td_build: false }), 'V8.nmi')).violation!;
    expect(v.property.name).toBe('V8');
    const last = v.trace.at(-1)!;
    expect(last.action).toBe('NMI: perf VMREAD(GUEST_RIP)');
    expect((last.state as { cpu: { currentVmcs: string }[] }).cpu[last.actor!]!.currentVmcs).toBe('INVALID');
  });

  it('D4 installs over the live module (U11) in the step that breaks lockstep (U5)', () => {
    const v = check(withoutProperties(build({ variant: 'D4' }), 'U5')).violation!;
    expect([v.property.name, v.trace.length - 1]).toEqual(['U11', 10]);
  });

  it('D8: with num_ack compared inside stop_machine, the hotplug race only loses progress (U24), and never hangs (U23)', () => {
    const m = build({ variant: 'D8', hotplug: true });
    expect(check(withoutProperties(m, 'U4')).violation?.property.name).toBe('U24');
    const past = check(withoutProperties(m, 'U4', 'U24'));
    expect([past.verdict, past.liveness?.checked]).toEqual(['pass', ['U23']]);
  });

  it('D29 on a relaxed module: past U15 and U8, the stale flag breaks I3 once the update is done', () => {
    expect(check(withoutProperties(build({ variant: 'D29', hotplug: true, all_lps: false }), 'U15', 'U8')).violation?.property.name).toBe('I3');
  });

  it('D11: past U3 and U20, an IRQ-context reader spins for the write lock on a CPU the update needs (U23.wait), then a deadlock', () => {
    const m = build({ variant: 'D11' });
    const v = check(withoutProperties(m, 'U3', 'U20')).violation!;
    expect([v.property.name, v.trace.at(-1)!.action]).toEqual(['U23.wait', 'IPI: TDH.VP.FLUSH: read_lock spins']);
    expect(check(withoutProperties(m, 'U3', 'U20', 'U23.wait')).verdict).toBe('deadlock');
  });

  it('D12: past U3, a sysfs SEAMLDR.INFO (no KVM lock) runs inside the update (U1)', () => {
    const v = check(withoutProperties(build({ variant: 'D12' }), 'U3')).violation!;
    expect([v.property.name, v.trace.at(-1)!.action]).toEqual(['U1', 'SEAMLDR.INFO']);
  });

  it('D13: past U3, U1, U20 and U2, TDH.VP.ENTER against the shut-down module kills the TD (U13)', () => {
    const v = check(withoutProperties(build({ variant: 'D13' }), 'U3', 'U1', 'U20', 'U2')).violation!;
    expect([v.property.name, (v.trace.at(-1)!.state as { td_killed: boolean }).td_killed]).toEqual(['U13', true]);
  });

  it("D7 on one CPU: the failing CPU's ret still reaches stop_machine()'s return, so U13 raises no false alarm", () => {
    // R10 needs a second CPU still in the loop after the refusal; D7's one CPU leaves at once.
    expect(check(withoutProperties(build({ variant: 'D7', cpus: 1 }), 'R10')).verdict).toBe('pass');
  });

  it('D4: U10 is read by work, so it fires although D4 never writes update_ctrl.state', () => {
    expect(check(withoutProperties(build({ variant: 'D4' }), 'U5', 'U11', 'U26')).violation?.property.name).toBe('U10');
  });

  it('D9 is a loss of progress only: nothing unsafe happens past U24', () => {
    expect(check(withoutProperties(build({ hotplug: true }), 'U24')).verdict).toBe('pass');
  });

  it("U23's witness spins for ever past every safety property: a lasso whose cycle is the spinning CPUs' re-reads", () => {
    const w = update.witnesses!.find((x) => x.property === 'U23')!;
    // R5-R9 (an attempt failing after SHUTDOWN returns) cannot be reached once a failed attempt never returns.
    const v = check(withoutProperties(w.mutate!(build({})), 'R5', 'R6', 'R7', 'R8', 'R9')).violation!;
    expect(v.property.name).toBe('U23');
    const cycle = v.trace.slice(v.loopStart! + 1).map((t) => t.action);
    expect(new Set(cycle)).toEqual(new Set(['return from do_seamldr_install_module']));
  });

  it('the stopper needs strong fairness: under weak fairness, readers that keep re-entering preemption-off sections starve it (U23)', () => {
    const m = build({});
    const weak = { ...m, actions: m.actions.map((a) => (a.name === 'stop_machine: stopper preempts' ? { ...a, fairness: 'weak' as const } : a)) };
    expect(check(m).verdict).toBe('pass');
    const v = check(weak).violation!;
    const cycle = v.trace.slice(v.loopStart! + 1).map((t) => t.action);
    expect([v.property.name, cycle.includes('stop_machine: stopper preempts'), cycle.includes('sysfs version: seamldr_lock_module_update')]).toEqual([
      'U23',
      false,
      true,
    ]);
  });
});
