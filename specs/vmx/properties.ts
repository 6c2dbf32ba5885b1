// V1-V10 (digest 7.3) and the availability claim D19 gives up (TsmBound). Every safety property is checked
// only outside the emergency state (V6): once panic() starts the NMI shootdown, "all bets are
// off" (seed 002, Sean) and SEAMCALLs racing the shootdown may fail (D35). V9 is the exception:
// it is about the crash path's own order.

import type { ActionRef, Invariant, LivenessProperty, ReachabilityTarget, TransitionProperty } from '../../checker/model.js';
import { declareProperties, eventually, invariant, target, transition } from '../../checker/spec.js';
import { CurrentVmcs } from '../../model/cpu.js';
import { SysState } from '../../model/module.js';
import type { Topology } from '../../model/topology.js';
import type { VmxAction } from './actions.js';
import type { Ownership } from './ownership.js';
import type { VmxConfig } from './spec.js';
import { TdxModuleStatus } from '../../model/kernel.js';
import { BOOT_CPU, Crash, Hp, Kvm, Pm, TDMR_LAYOUT, Tsm, type Design, type S, type Schema } from './schema.js';

const OUTSIDE_EMERGENCY = 'outside crash/forced shutdown (V6)';
const normal = (s: S): boolean => s.crash === Crash.NONE;
const POWER_OFF = new Set<number>([Pm.DEVICES_SHUT_DOWN, Pm.KVM_SHUT_DOWN, Pm.TDX_DISABLED, Pm.VIRT_OFF, Pm.HALTED]);
/** cpuhp positions below the TDX state on the way down: the TDX teardown is behind the CPU. */
const PAST_TDX_TEARDOWN = new Set<number>([Hp.DOWN_KVM, Hp.OFFLINE]);
const GOING_DOWN = new Set<number>([Hp.DOWN_TDX, Hp.DOWN_KVM]);
const UP = new Set<number>([Hp.UP_KVM, Hp.UP_TDX_VMX, Hp.UP_TDX]);
const TRANSIT = new Set<number>([...UP, ...GOING_DOWN]);
/** Once TDH.SYS.DISABLE ran on the power-off path, the module no longer holds the kernel's configuration. */
const DISABLED = new Set<number>([Pm.TDX_DISABLED, Pm.VIRT_OFF, Pm.HALTED]);

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
    `a VMXOFF on the suspend or power-off path (a syscore step, or any step once the system left RUNNING) happens with no KVM_RUN ioctl or tdx_tsm request in flight: the freezer waited for them; and TDH.VP.ENTER and a tdx_tsm request run inside a request the freezer sees (${OUTSIDE_EMERGENCY})`,
    'digest 7.3 V7; seed 002 (Sean: "userspace tasks need to be frozen before the kernel fires off the suspend notifiers")',
  ),
  V8: transition(
    `KVM's VMX instructions on a CPU run in VMX operation, and VMREAD/VMWRITE with a current VMCS; every VMXOFF finds no VMCS current on its CPU: every path that lets go of VMX VMCLEARs first (${OUTSIDE_EMERGENCY})`,
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
  VcpuAssoc: transition(
    `a TD vCPU is associated with at most one CPU, only while its TD exists: TDH.VP.ENTER associates it with the CPU it runs on, only a TDH.VP.FLUSH on that CPU dissociates it, and a KVM_RUN in flight keeps its VM alive (${OUTSIDE_EMERGENCY})`,
    'digest 1.5; arch/x86/kvm/vmx/tdx.c: tdx_vcpu_run(), tdx_flush_vp_on_cpu(), tdx_mmu_release_hkid(), tdx_disable_virtualization_cpu()',
  ),
  TdxReady: invariant(
    `while the kernel says the TDX module is initialized (tdx_module_status), the module is SYS_READY with every package's global KeyID configured and the TDMR configured and initialized, until TDH.SYS.DISABLE; while TDX is in use (brought up by kvm_intel, or since boot), the kernel says so and every active CPU is LP-initialized in the module (${OUTSIDE_EMERGENCY})`,
    'digest 3.3; arch/x86/virt/vmx/tdx/tdx.c: init_tdx_module(), tdx_enable()',
  ),
  I4: invariant(
    `global init at most once: the module receives at most one TDH.SYS.INIT per incarnation (counted by the module), whichever CPU's tdx_cpu_enable() comes first; tdx_cpu_enable() caches the result in sysinit_done (${OUTSIDE_EMERGENCY})`,
    'digest 7.1 I4; arch/x86/virt/vmx/tdx/tdx.c: try_init_module_global()',
  ),
  Disabled: transition(
    'TDH.SYS.DISABLE (power-off and crash) leaves the module as a kexec-ed kernel needs it: SYSINIT_PENDING, no LP initialized, no package configured, no TDMR (checked during a crash too; refcount only)',
    '[DIS] tdx_sys_disable(); digest 3.9, 5.4',
  ),
  ShutdownClean: transition(
    'machine_power_off finds every CPU out of VMX operation and (refcount) the module disabled: kvm_shutdown, TDH.SYS.DISABLE and tdx_shutdown_cpu ran first',
    'digest 5.4; kernel/reboot.c: kernel_power_off(); [DIS] tdx_shutdown(), tdx_shutdown_cpu()',
  ),
  CrashClean: transition(
    'the crash path runs on the CPU that called panic(), while it is active, and leaves VMX cleanly: a CPU the NMI shootdown stops, and the crashing CPU at kexec, halt out of VMX operation with no current VMCS (checked during a crash)',
    "digest 5.3 (emergency disable: KVM's callback VMCLEARs, then VMXOFF); arch/x86/kernel/reboot.c: crash_nmi_callback(); arch/x86/kernel/crash.c: native_machine_crash_shutdown()",
  ),
  TdRuns: target("a TD's vCPU runs: TDH.VP.ENTER on a CPU in VMX operation", 'digest 5.1; arch/x86/kvm/vmx/tdx.c: tdx_vcpu_run()'),
  VmcsInUse: target(
    "a normal VM's VMCS is current on a CPU in VMX operation, so V8's VMREAD clause has something to judge",
    'arch/x86/kvm/vmx/vmx.c: vmx_vcpu_load_vmcs()',
  ),
  TsmServes: target('tdx_tsm serves a request: bound, with a request in flight', 'seed 002; digest 5.2'),
  KvmUnload: target(
    'KVM-owned: kvm_intel unloads after it brought TDX up (tdx_cleanup, then VMXOFF everywhere)',
    'digest 5.1, 5.4; arch/x86/kvm/vmx/main.c: vt_exit(); arch/x86/kvm/vmx/tdx.c: tdx_cleanup()',
  ),
  TdxWithoutKvm: target(
    "refcount: after kvm_intel unloaded, tdx_tsm is bound and every online CPU stays in VMX operation on the TDX core's reference alone",
    'digest 5.3 ("VMX therefore stays on for as long as TDX is enabled, however KVM loads and unloads")',
  ),
  CpuOffline: target('hotplug: the administrator takes a secondary CPU offline while the system runs; it ends out of VMX operation', 'digest 3.7, 5.4'),
  CpuOnline: target('hotplug: the administrator brings a secondary CPU back online while the system runs', 'digest 3.7; kernel/cpu.c: cpu_up()'),
  SuspendResume: target('suspend: syscore suspend ran and the system is resuming', 'digest 3.10, 5.4'),
  PowerOff: target('power-off completes (machine_power_off)', 'digest 5.4; kernel/reboot.c'),
  CrashKexec: target('crash: the crashing CPU reaches kexec', 'digest 5.4; arch/x86/kernel/crash.c'),
  CrashShootdown: target('crash: the NMI shootdown stops a CPU other than the crashing one', 'digest 5.3; arch/x86/kernel/reboot.c: nmi_shootdown_cpus()'),
  KvmRunReturns: eventually(
    "a KVM_RUN in flight returns to userspace (at the latest on the freezer's signal), so freeze_processes() can run",
    'digest 7.3 V7 (its liveness side); arch/x86/kvm/x86.c: vcpu_run() (signal_pending); kernel/power/process.c: try_to_freeze_tasks()',
  ),
  TsmRequestReturns: eventually('a tdx_tsm request in flight returns, so freeze_processes() can run', 'digest 7.3 V7 (its liveness side); seed 002'),
  CpuhpCompletes: eventually(
    'a CPU hotplug operation that has begun ends: the CPU reaches ONLINE or OFFLINE (cpuhp runs its callbacks to the end, or rolls back)',
    'kernel/cpu.c: cpuhp_invoke_callback_range(), cpuhp_thread_fun(), the rollback in _cpu_down()/_cpu_up()',
  ),
  PmCompletes: eventually(
    'a suspend or power-off that has begun (userspace frozen) ends: the system runs again, or is powered off',
    'digest 3.10, 5.4; kernel/power/suspend.c: suspend_devices_and_enter(), suspend_enter(); kernel/reboot.c: kernel_power_off()',
  ),
  TsmAvailable: eventually(
    'whenever TDX is up and tdx_tsm is not serving, it is eventually bound again (or TDX goes down, or power-off): a quiesce or removal is not for ever',
    'digest 8 D19 ("check liveness rather than safety"); seed 002 (Dan: lifetime from tdx_enable() to tdx_cleanup())',
  ),
});

/** The CPUs whose VMX goes off in this step. */
function vmxoffs(s: S, n: S, cpus: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < cpus; c++) if (s.cpu.at(c).vmxOn && !n.cpu.at(c).vmxOn) out.push(c);
  return out;
}

export function vmxInvariants(cpus: number, design: Design, own: Ownership, t: Topology): Invariant<Schema>[] {
  return [
    {
      // Restated over the module's fields, not with TdxModule's helpers.
      ...PROPERTIES.TdxReady,
      holds: (s) => {
        const initialized = s.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED;
        // TDX in use: brought up by kvm_intel (kvm), or initialized at boot (refcount).
        const inUse = design === 'kvm' ? s.kvm === Kvm.TDX : initialized;
        if (!normal(s) || !(initialized || inUse) || (design === 'refcount' && DISABLED.has(s.pm))) return true;
        const m = s.tdx_module;
        if (!initialized || m.sys_state !== SysState.SYS_READY || m.num_tdmrs !== TDMR_LAYOUT.tdmrs) return false;
        for (let p = 0; p < t.packages; p++) if (!m.pkg_config_bitmap.get(p)) return false;
        for (let r = 0; r < TDMR_LAYOUT.tdmrs; r++) if (m.tdmr_next.get(r) !== TDMR_LAYOUT.tdmrChunks) return false;
        if (inUse) for (let c = 0; c < cpus; c++) if (s.cpu.at(c).hp === Hp.ONLINE && !m.lp_is_init.get(c)) return false;
        return true;
      },
    },
    { ...PROPERTIES.I4, holds: (s) => !normal(s) || s.tdx_module.sysinit_calls <= 1 },
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
  const enter = named(['TDH.VP.ENTER']);
  const tsmRequest = named(['tdx_tsm request']);
  const disable = named(['tdx_shutdown: TDH.SYS.DISABLE', 'native_machine_crash_shutdown: TDH.SYS.DISABLE']);
  const nmiStop = named(['crash_nmi_callback']);
  const crashOwn = named(['native_machine_crash_shutdown: TDH.SYS.DISABLE', 'x86_virt_emergency_disable_virtualization_cpu']);
  const kexec = named(['x86_virt_emergency_disable_virtualization_cpu']);
  /** Halted, out of VMX, no current VMCS: what an emergency disable leaves. */
  const stoppedClean = (n: S, c: number): boolean => n.cpu.at(c).hp === Hp.HALTED && !n.cpu.at(c).vmxOn && n.cpu.at(c).currentVmcs === CurrentVmcs.INVALID;

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
        if (!normal(n)) return true;
        if ((enter(a) && !n.request.kvm_run) || (tsmRequest(a) && !n.request.tsm)) return false;
        if (vmxoffs(s, n, cpus).length === 0) return true;
        const pmPath = actions[a.action]!.context === 'syscore' || s.pm !== Pm.RUNNING;
        return !pmPath || (!s.request.kvm_run && !s.request.tsm);
      },
    },
    {
      ...PROPERTIES.V8,
      holds: (s, a, n) => {
        if (!normal(n)) return true;
        const executed = actions[a.action]!.vmx?.(s, a.actor) ?? [];
        if (!executed.every(({ cpu, needsVmcs }) => s.cpu.at(cpu).vmxOn && (!needsVmcs || s.cpu.at(cpu).currentVmcs === CurrentVmcs.VALID))) return false;
        return vmxoffs(s, n, cpus).every((c) => n.cpu.at(c).currentVmcs === CurrentVmcs.INVALID);
      },
    },
    {
      ...PROPERTIES.VcpuAssoc,
      holds: (s, a, n) => {
        if (!normal(n)) return true;
        if ((n.td_vcpu >= 0 || n.request.kvm_run) && !n.td) return false;
        if (enter(a)) return n.td_vcpu === a.actor;
        const flushed = (actions[a.action]!.issues?.(s, a.actor) ?? []).some((x) => x.flush && x.cpu === s.td_vcpu);
        if (flushed) return s.td_vcpu < 0 || n.td_vcpu === -1;
        return n.td_vcpu === s.td_vcpu;
      },
    },
    {
      ...PROPERTIES.Disabled,
      holds: (_s, a, n) => {
        if (design !== 'refcount' || !disable(a)) return true;
        const m = n.tdx_module;
        if (m.sys_state !== SysState.SYSINIT_PENDING || m.num_tdmrs !== 0) return false;
        for (let c = 0; c < cpus; c++) if (m.lp_is_init.get(c)) return false;
        for (let p = 0; p < t.packages; p++) if (m.pkg_config_bitmap.get(p)) return false;
        for (let r = 0; r < m.tdmr_next.length; r++) if (m.tdmr_next.get(r) !== 0) return false;
        return true;
      },
    },
    {
      ...PROPERTIES.ShutdownClean,
      holds: (s, _a, n) => {
        if (!normal(n) || s.pm === Pm.HALTED || n.pm !== Pm.HALTED) return true;
        for (let c = 0; c < cpus; c++) if (n.cpu.at(c).vmxOn) return false;
        return design !== 'refcount' || n.tdx_module.sys_state === SysState.SYSINIT_PENDING;
      },
    },
    {
      ...PROPERTIES.CrashClean,
      holds: (s, a, n) => {
        if (nmiStop(a)) return stoppedClean(n, a.actor);
        if (!crashOwn(a)) return true;
        if (a.actor !== s.crash_cpu || s.cpu.at(a.actor).hp !== Hp.ONLINE) return false;
        return !kexec(a) || stoppedClean(n, a.actor);
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
    { ...PROPERTIES.VmcsInUse, reached: (s) => normal(s) && all.some((c) => s.cpu.at(c).vmxOn && s.cpu.at(c).currentVmcs === CurrentVmcs.VALID) },
    { ...PROPERTIES.TsmServes, reached: (s) => normal(s) && s.tsm === Tsm.BOUND && s.request.tsm },
  ];
  if (cfg.design === 'kvm') {
    out.push({
      ...PROPERTIES.KvmUnload,
      reached: (s) => normal(s) && s.kvm === Kvm.UNLOADED && s.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED,
    });
  }
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
  if (cfg.hotplug && cfg.cpus > 1) {
    // While the system runs, a CPU is offline or on its way up only by the administrator's hand (suspend thaws its CPUs first).
    out.push({ ...PROPERTIES.CpuOffline, reached: (s) => s.pm === Pm.RUNNING && all.some((c) => s.cpu.at(c).hp === Hp.OFFLINE && !s.cpu.at(c).vmxOn) });
    out.push({ ...PROPERTIES.CpuOnline, reached: (s) => s.pm === Pm.RUNNING && all.some((c) => UP.has(s.cpu.at(c).hp)) });
  }
  if (cfg.suspend) out.push({ ...PROPERTIES.SuspendResume, reached: (s) => s.pm === Pm.RESUMING });
  if (cfg.shutdown) out.push({ ...PROPERTIES.PowerOff, reached: (s) => s.pm === Pm.HALTED });
  if (cfg.crash) out.push({ ...PROPERTIES.CrashKexec, reached: (s) => s.crash === Crash.KEXEC });
  if (cfg.crash && cfg.cpus > 1) out.push({ ...PROPERTIES.CrashShootdown, reached: (s) => all.some((c) => c !== s.crash_cpu && s.cpu.at(c).hp === Hp.HALTED) });
  return out;
}

/**
 * Liveness on fair paths: the kernel's own steps are weakly fair; module load, userspace, the
 * administrator's hotplug, suspend and power-off requests and panic may never act (actions.ts).
 * A crash ends every claim (V6).
 */
export function vmxLiveness(cpus: number, own: Ownership): LivenessProperty<Schema>[] {
  const crashed = (s: S): boolean => !normal(s);
  const inTransit = (s: S): boolean => {
    for (let c = 0; c < cpus; c++) if (TRANSIT.has(s.cpu.at(c).hp)) return true;
    return false;
  };
  const pmDone = (s: S): boolean => s.pm === Pm.RUNNING || s.pm === Pm.HALTED;
  const tsmNotNeeded = (s: S): boolean => !own.tdxEnabled(s) || POWER_OFF.has(s.pm);
  return [
    { ...PROPERTIES.KvmRunReturns, form: 'leadsTo', from: (s) => s.request.kvm_run, to: (s) => !s.request.kvm_run || crashed(s) },
    { ...PROPERTIES.TsmRequestReturns, form: 'leadsTo', from: (s) => s.request.tsm, to: (s) => !s.request.tsm || crashed(s) },
    { ...PROPERTIES.CpuhpCompletes, form: 'leadsTo', from: (s) => normal(s) && inTransit(s), to: (s) => !inTransit(s) || crashed(s) },
    { ...PROPERTIES.PmCompletes, form: 'leadsTo', from: (s) => normal(s) && !pmDone(s), to: (s) => pmDone(s) || crashed(s) },
    {
      ...PROPERTIES.TsmAvailable,
      form: 'leadsTo',
      from: (s) => normal(s) && s.tsm !== Tsm.BOUND && !tsmNotNeeded(s),
      to: (s) => s.tsm === Tsm.BOUND || tsmNotNeeded(s) || crashed(s),
    },
  ];
}
