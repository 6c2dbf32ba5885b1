// V1-V10 (digest 7.3) and the availability claim D19 gives up (TsmBound). Every safety property is checked
// only outside the emergency state (V6): once panic() starts the NMI shootdown, "all bets are
// off" (seed 002, Sean) and SEAMCALLs racing the shootdown may fail (D35). V9 is the exception:
// it is about the crash path's own order.

import type { ActionRef, Invariant, ReachabilityTarget, TransitionProperty } from '../../checker/model.js';
import { declareProperties, invariant, target, transition } from '../../checker/spec.js';
import { CurrentVmcs } from '../../model/cpu.js';
import { SysState } from '../../model/module.js';
import type { Topology } from '../../model/topology.js';
import type { VmxAction } from './actions.js';
import type { Ownership } from './ownership.js';
import type { VmxConfig } from './spec.js';
import { BOOT_CPU, Crash, Hp, Kvm, Pm, Tsm, type Design, type S, type Schema } from './schema.js';

const OUTSIDE_EMERGENCY = 'outside crash/forced shutdown (V6)';
const normal = (s: S): boolean => s.crash === Crash.NONE;
const POWER_OFF = new Set<number>([Pm.DEVICES_SHUT_DOWN, Pm.KVM_SHUT_DOWN, Pm.TDX_DISABLED, Pm.VIRT_OFF, Pm.HALTED]);
/** cpuhp positions below the TDX state on the way down: the TDX teardown is behind the CPU. */
const PAST_TDX_TEARDOWN = new Set<number>([Hp.DOWN_KVM, Hp.OFFLINE]);
const GOING_DOWN = new Set<number>([Hp.DOWN_TDX, Hp.DOWN_KVM]);

/** Every property, declared once: `tdxmc list`, reports and the README table read these. */
export const PROPERTIES = declareProperties({
  V1: invariant(
    `vmxOn iff the CPU has an owner: virtualization_nr_users > 0 counting KVM's and the TDX core's references (refcount), KVM having virtualization enabled (kvm) (${OUTSIDE_EMERGENCY}); and never an x86_virt_put_ref() without a reference (its WARN_ON_ONCE) or more references than owners`,
    'digest 7.3 V1; arch/x86/virt/hw.c: x86_virt_get_ref()/x86_virt_put_ref()',
  ),
  TsmBound: transition(
    `availability: tdx_tsm is unbound only when TDX goes down with it or at power-off, so its bindings survive CPU offline and suspend (${OUTSIDE_EMERGENCY}); D19 gives this up`,
    'digest 8 D19; seed 002 (Dan: removing the device on every async VMXOFF is "too violent")',
  ),
  V2: transition(
    `a VMXOFF happens only when the last owner lets go (virtualization_nr_users 1 -> 0, or KVM alone) (${OUTSIDE_EMERGENCY})`,
    'digest 7.3 V2; arch/x86/virt/hw.c: x86_virt_put_ref()',
  ),
  V3: transition(
    `a SEAMCALL by KVM, the TDX core or tdx_tsm runs in VMX operation, under its own or the TDX core's reference (refcount) or where KVM has VMX on (kvm); else it #UDs (-EACCES) (${OUTSIDE_EMERGENCY})`,
    'digest 7.3 V3, 7.1 I1; seed 002 (Yilun: "vmxoff is fatal to tdx_tsm driver")',
  ),
  V4: transition(
    `while tdx_tsm is bound and may issue requests, no VMXOFF on a CPU its requests can run on (${OUTSIDE_EMERGENCY})`,
    'digest 7.3 V4; seed 002 (Yilun: remove the device before VMXOFF; Dan: tie it to kvm_intel)',
  ),
  V5: transition(
    `at VMXOFF on a CPU no TD vCPU is associated with it: TDH.VP.FLUSH ran first (${OUTSIDE_EMERGENCY})`,
    'digest 7.3 V5; arch/x86/kvm/vmx/tdx.c: tdx_disable_virtualization_cpu()',
  ),
  V7: transition(
    `a VMXOFF on the suspend or power-off path (a syscore step, or any step once the system left RUNNING) happens with no KVM_RUN ioctl or tdx_tsm request in flight: the freezer waited for them (${OUTSIDE_EMERGENCY})`,
    'digest 7.3 V7; seed 002 (Sean: "userspace tasks need to be frozen before the kernel fires off the suspend notifiers")',
  ),
  V8: transition(
    `KVM's VMX instructions on a CPU run in VMX operation, and VMREAD/VMWRITE with a current VMCS: every path that lets go of VMX VMCLEARs first (${OUTSIDE_EMERGENCY})`,
    'digest 7.3 V8; arch/x86/kvm/vmx/vmx.c: vmx_disable_virtualization_cpu() -> vmclear_local_loaded_vmcss()',
  ),
  V9: transition(
    'on power-off and crash, the CPU that issues TDH.SYS.DISABLE leaves VMX operation only after it (checked during a crash too; refcount only: the KVM-owned design predates TDH.SYS.DISABLE)',
    'digest 7.3 V9; [DIS] tdx_shutdown(), native_machine_crash_shutdown()',
  ),
  V10: transition(
    `cpuhp order: a CPU is in VMX operation whenever tdx_cpu_enable() runs on it; a cpuhp VMXOFF happens only past the TDX teardown and never on the last online CPU of a package while a TD holds an HKID; a refused offline (-EBUSY) leaves VMX and its references as they were (${OUTSIDE_EMERGENCY})`,
    'digest 7.3 V10, 3.7; arch/x86/virt/vmx/tdx/tdx.c: tdx_online_cpu(), tdx_offline_cpu(); cpuhp: CPUHP_AP_KVM_ONLINE below CPUHP_AP_ONLINE_DYN',
  ),
  TdRuns: target("a TD's vCPU runs: TDH.VP.ENTER on a CPU in VMX operation", 'digest 5.1; arch/x86/kvm/vmx/tdx.c: tdx_vcpu_run()'),
  TsmServes: target('tdx_tsm serves a request: bound, with a request in flight', 'seed 002; digest 5.2'),
  TdxWithoutKvm: target(
    "refcount: after kvm_intel unloaded, tdx_tsm is bound and every online CPU stays in VMX operation on the TDX core's reference alone",
    'digest 5.3 ("VMX therefore stays on for as long as TDX is enabled, however KVM loads and unloads")',
  ),
  CpuOffline: target('hotplug: a secondary CPU completes offline, out of VMX operation', 'digest 3.7, 5.4'),
  SuspendResume: target('suspend: syscore suspend ran and the system is resuming', 'digest 3.10, 5.4'),
  PowerOff: target('power-off completes (machine_power_off)', 'digest 5.4; kernel/reboot.c'),
  CrashKexec: target('crash: the crashing CPU reaches kexec', 'digest 5.4; arch/x86/kernel/crash.c'),
});

/** The CPUs whose VMX goes off in this step. */
function vmxoffs(s: S, n: S, cpus: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < cpus; c++) if (s.cpu.at(c).vmxOn && !n.cpu.at(c).vmxOn) out.push(c);
  return out;
}

export function vmxInvariants(cpus: number, design: Design, own: Ownership): Invariant<Schema>[] {
  return [
    {
      ...PROPERTIES.V1,
      holds: (s) => {
        if (s.ref_warn) return false;
        if (!normal(s)) return true;
        for (let c = 0; c < cpus; c++) {
          const cpu = s.cpu.at(c);
          if (cpu.vmxOn !== own.owners(s, c) > 0) return false;
          if (design === 'refcount' && cpu.virtualization_nr_users !== +cpu.kvm_virt + +cpu.tdx_ref) return false;
        }
        return true;
      },
    },
  ];
}

export function vmxTransitionProperties(t: Topology, design: Design, own: Ownership, actions: readonly VmxAction[]): TransitionProperty<Schema>[] {
  const cpus = t.cpus;
  const named = (names: readonly string[]) => {
    const idx = new Set(actions.flatMap((a, i) => (names.includes(a.name) ? [i] : [])));
    return (a: ActionRef): boolean => idx.has(a.action);
  };
  const stopPath = named(['kvm_shutdown', 'tdx_shutdown_cpu', 'x86_virt_emergency_disable_virtualization_cpu']);

  return [
    {
      ...PROPERTIES.TsmBound,
      holds: (s, _a, n) => !normal(n) || s.tsm === Tsm.UNBOUND || n.tsm !== Tsm.UNBOUND || !own.tdxEnabled(n) || POWER_OFF.has(n.pm),
    },
    {
      ...PROPERTIES.V2,
      holds: (s, _a, n) => !normal(n) || vmxoffs(s, n, cpus).every((c) => own.owners(s, c) === 1 && own.owners(n, c) === 0),
    },
    {
      ...PROPERTIES.V3,
      holds: (s, a, n) => {
        if (!normal(n)) return true;
        const issued = actions[a.action]!.issues?.(s, a.actor) ?? [];
        return issued.every(({ cpu, client }) => s.cpu.at(cpu).vmxOn && own.holds(s, cpu, client));
      },
    },
    {
      ...PROPERTIES.V4,
      holds: (s, _a, n) => !normal(n) || s.tsm !== Tsm.BOUND || vmxoffs(s, n, cpus).every((c) => s.cpu.at(c).hp !== Hp.ONLINE),
    },
    {
      ...PROPERTIES.V5,
      holds: (s, _a, n) => !normal(n) || vmxoffs(s, n, cpus).every((c) => n.td_vcpu !== c),
    },
    {
      ...PROPERTIES.V7,
      holds: (s, a, n) => {
        if (!normal(n) || vmxoffs(s, n, cpus).length === 0) return true;
        const pmPath = actions[a.action]!.context === 'syscore' || s.pm !== Pm.RUNNING;
        return !pmPath || (!s.request.kvm_run && !s.request.tsm);
      },
    },
    {
      ...PROPERTIES.V8,
      holds: (s, a, n) => {
        if (!normal(n)) return true;
        const executed = actions[a.action]!.vmx?.(s, a.actor) ?? [];
        return executed.every(({ cpu, needsVmcs }) => s.cpu.at(cpu).vmxOn && (!needsVmcs || s.cpu.at(cpu).currentVmcs === CurrentVmcs.VALID));
      },
    },
    {
      ...PROPERTIES.V9,
      holds: (s, a, n) => {
        if (design !== 'refcount' || !stopPath(a)) return true;
        const issuer = s.crash === Crash.NONE ? BOOT_CPU : s.crash_cpu;
        return !vmxoffs(s, n, cpus).includes(issuer) || n.tdx_module.sys_state === SysState.SYSINIT_PENDING;
      },
    },
    {
      ...PROPERTIES.V10,
      holds: (s, a, n) => {
        if (!normal(n)) return true;
        const act = actions[a.action]!;
        if (!(act.tdxCpuEnable?.(s, a.actor) ?? []).every((c) => s.cpu.at(c).vmxOn)) return false;
        if (act.context !== 'cpuhp') return true;
        const c = a.actor;
        // A rollback to ONLINE (the -EBUSY) must not have let go of anything: the check comes first.
        if (GOING_DOWN.has(s.cpu.at(c).hp) && n.cpu.at(c).hp === Hp.ONLINE) {
          if (s.cpu.at(c).vmxOn !== n.cpu.at(c).vmxOn || own.owners(s, c) !== own.owners(n, c)) return false;
        }
        const othersOnline = (o: number): boolean => t.cpusOf[t.pkgOf[o]!]!.some((p) => p !== o && n.cpu.at(p).hp === Hp.ONLINE);
        return vmxoffs(s, n, cpus).every((o) => PAST_TDX_TEARDOWN.has(n.cpu.at(o).hp) && (!s.td || othersOnline(o)));
      },
    },
  ];
}

/** The states a run must be able to reach, for the parts of the model this configuration has. */
export function vmxTargets(cfg: VmxConfig, own: Ownership): ReachabilityTarget<Schema>[] {
  const all = Array.from({ length: cfg.cpus }, (_, c) => c);
  const out: ReachabilityTarget<Schema>[] = [
    { ...PROPERTIES.TdRuns, reached: (s) => normal(s) && s.td_vcpu >= 0 && s.cpu.at(s.td_vcpu).vmxOn },
    { ...PROPERTIES.TsmServes, reached: (s) => normal(s) && s.tsm === Tsm.BOUND && s.request.tsm },
  ];
  if (cfg.design === 'refcount') {
    out.push({
      ...PROPERTIES.TdxWithoutKvm,
      reached: (s) =>
        normal(s) &&
        s.kvm_unloaded &&
        s.kvm === Kvm.UNLOADED &&
        s.tsm === Tsm.BOUND &&
        own.tdxEnabled(s) &&
        all.every((c) => s.cpu.at(c).hp !== Hp.ONLINE || s.cpu.at(c).vmxOn),
    });
  }
  if (cfg.hotplug && cfg.cpus > 1) out.push({ ...PROPERTIES.CpuOffline, reached: (s) => all.some((c) => s.cpu.at(c).hp === Hp.OFFLINE && !s.cpu.at(c).vmxOn) });
  if (cfg.suspend) out.push({ ...PROPERTIES.SuspendResume, reached: (s) => s.pm === Pm.RESUMING });
  if (cfg.shutdown) out.push({ ...PROPERTIES.PowerOff, reached: (s) => s.pm === Pm.HALTED });
  if (cfg.crash) out.push({ ...PROPERTIES.CrashKexec, reached: (s) => s.crash === Crash.KEXEC });
  return out;
}
