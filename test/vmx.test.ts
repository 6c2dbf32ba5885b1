// specs/vmx: every expectation, golden counts of both designs, what D18 breaks besides its first
// property, and that the emergency exclusion (V6) hides real failures (D35) rather than nothing.

import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { CompiledModel } from '../checker/compiled.js';
import type { AnyModel } from '../checker/model.js';
import type { Params } from '../checker/spec.js';
import { SysState } from '../model/module.js';
import { vmx } from '../specs/vmx/spec.js';
import { Tsm, type S, type Schema } from '../specs/vmx/schema.js';
import { buildSpec, describeExpectations, stateCounts } from './support/expectation.js';
import { withoutProperties } from '../checker/properties.js';
import { onlyProperties } from './support/properties.js';

const build = (given: Params): AnyModel => buildSpec(vmx, given);
const actionsOf = (trace: { action: string | null }[]): (string | null)[] => trace.map((t) => t.action);

describeExpectations(vmx);

describe('vmx golden counts (from runs of the checker)', () => {
  it('both designs, 2 and 3 CPUs', () => {
    const configs: Params[] = [
      { design: 'refcount', cpus: 2 },
      { design: 'refcount', cpus: 3 },
      { design: 'kvm', cpus: 2 },
      { design: 'kvm', cpus: 3 },
    ];
    expect(stateCounts(vmx, configs)).toEqual([
      [2602, 8475, 22],
      [22720, 95641, 31],
      [1002, 3035, 14],
      [7240, 26885, 20],
    ]);
  });

  it('bfs and dfs agree on both designs', () => {
    for (const design of ['refcount', 'kvm']) {
      const cm = new CompiledModel(build({ design, cpus: 3 }));
      const b = check(cm).stats;
      const d = check(cm, { search: 'dfs' }).stats;
      expect([d.distinctStates, d.transitions]).toEqual([b.distinctStates, b.transitions]);
    }
  });
});

describe('vmx reference designs exercise every action (two packages, for the -EBUSY refusal)', () => {
  for (const design of ['refcount', 'kvm']) {
    it(design, () => {
      const r = check(build({ design, packages: 2 }));
      const cm = r.compiled;
      const idle = new Set(cm.refs.map((x) => x.name));
      cm.refs.forEach((x, i) => {
        if (r.stats.fired[i]! > 0) idle.delete(x.name);
      });
      expect([...idle]).toEqual([]);
    });
  }
});

describe('D18 on the KVM-owned design', () => {
  it('after the VMXOFF, a tdx_tsm SEAMCALL #UDs (V3)', () => {
    const r = check(withoutProperties(build({ design: 'kvm', variant: 'D18' }), 'V4'));
    expect(r.violation?.property.name).toBe('V3');
    const steps = actionsOf(r.violation!.trace);
    expect(steps).toContain('kvm_disable_virtualization');
    expect(steps.at(-1)).toMatch(/^(tdx_tsm request|dpm_suspend|device_shutdown)$/);
  });

  it('on the refcounted core kvm_intel unloads under a bound tdx_tsm, and nothing breaks', () => {
    const m = build({ design: 'refcount', cpus: 3 });
    const unloadUnderTsm = onlyProperties<Schema>(
      m,
      [],
      [
        {
          name: 'no unload under tdx_tsm',
          description: 'kvm_disable_virtualization never runs while tdx_tsm is bound',
          holds: (s: S, a) => a.name !== 'kvm_disable_virtualization' || s.tsm !== Tsm.BOUND,
        },
      ],
    );
    expect(check(unloadUnderTsm).violation?.property.name).toBe('no unload under tdx_tsm');
    expect(check(m).verdict).toBe('pass');
  });
});

describe('D19 costs availability on CPU offline and on suspend', () => {
  for (const design of ['refcount', 'kvm']) {
    it(`${design}: caught with CPU hotplug off too (suspend removes the device)`, () => {
      const r = check(build({ design, variant: 'D19', hotplug: false }));
      expect(r.violation?.property.name).toBe('TsmBound');
      expect(actionsOf(r.violation!.trace)).toContain('dpm_suspend');
    });
  }

  it('without suspend, hotplug or VMXOFF at runtime, D19 has nothing to remove the device for', () => {
    expect(check(build({ design: 'refcount', variant: 'D19', hotplug: false, suspend: false })).verdict).toBe('pass');
  });
});

describe('V6: the emergency exclusion hides real failures (D35)', () => {
  const clientSeamcalls = new Set(['TDH.VP.ENTER', 'TDH.VP.FLUSH', 'tdx_tsm request']);

  it('a KVM or tdx_tsm SEAMCALL can meet a module TDH.SYS.DISABLE already shut (refcount design, crash on)', () => {
    const base = build({ design: 'refcount' });
    const answered = (m: AnyModel) =>
      onlyProperties<Schema>(
        m,
        [],
        [
          {
            name: 'D35',
            description: 'a client SEAMCALL finds the module SYS_READY',
            holds: (s: S, a) => !clientSeamcalls.has(a.name) || s.tdx_module.sys_state === SysState.SYS_READY,
          },
        ],
      );
    const r = check(answered(base));
    expect(r.violation?.property.name).toBe('D35');
    const steps = actionsOf(r.violation!.trace);
    expect(steps).toContain('panic');
    expect(steps).toContain('native_machine_crash_shutdown: TDH.SYS.DISABLE');
    expect(check(answered(build({ design: 'refcount', crash: false }))).verdict).toBe('pass');
  });

  it('without the exclusion, V1 fails on the crash path: emergency VMXOFF leaves the references', () => {
    const v1 = (m: AnyModel) =>
      onlyProperties<Schema>(m, [
        {
          name: 'V1 unconditioned',
          description: 'vmxOn iff virtualization_nr_users > 0, in every state',
          holds: (s: S) => {
            for (let c = 0; c < s.cpu.length; c++) if (s.cpu.at(c).vmxOn !== s.cpu.at(c).virtualization_nr_users > 0) return false;
            return true;
          },
        },
      ]);
    const r = check(v1(build({ design: 'refcount' })));
    expect(r.violation?.property.name).toBe('V1 unconditioned');
    expect(r.violation!.trace.at(-1)!.state).toMatchObject({ crash: expect.stringMatching(/^(SHOOTDOWN|DISABLED|KEXEC)$/) });
    expect(check(v1(build({ design: 'refcount', crash: false }))).verdict).toBe('pass');
  });
});

describe('liveness witnesses pass every safety property', () => {
  for (const [params, property] of [
    [{ design: 'refcount', packages: 2, variant: 'suspend_retry' }, 'PmCompletes'],
    [{ design: 'kvm', signal_exit: false }, 'KvmRunReturns'],
  ] as const) {
    it(`${JSON.stringify(params)}: only ${property} fails`, () => {
      expect(check(build(params), { liveness: false }).verdict).toBe('pass');
      const r = check(build(params));
      expect(r.violation?.property.name).toBe(property);
      expect(r.violation?.loopStart).toBeDefined();
    });
  }

  it('the reference aborts a suspend at the -EBUSY instead: the frozen CPUs come back and devices resume', () => {
    const m = build({ design: 'refcount', packages: 2 });
    const aborted = onlyProperties<Schema>(
      m,
      [],
      [
        {
          name: 'no abort',
          description: 'a refused offline never ends a suspend',
          holds: (s: S, a, n: S) => a.name !== 'tdx_offline_cpu: -EBUSY' || n.pm === s.pm,
        },
      ],
    );
    const r = check(aborted);
    expect(r.violation?.property.name).toBe('no abort');
    expect(r.violation!.trace.at(-1)!.state).toMatchObject({ pm: 'RESUMING' });
  });
});
