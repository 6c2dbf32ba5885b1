// The kernel actions of the VMX-ownership model, one observable step each: kvm_intel load and
// unload, cpuhp callbacks, suspend/resume and power-off phases, the crash shootdown, and the
// clients' SEAMCALLs. Task-context steps that could run on any CPU run on CPU 0, the boot CPU,
// which never goes offline (and is where syscore and reboot run).

import type { Action } from '../../checker/model.js';
import { CurrentVmcs } from '../../model/cpu.js';
import { Errno, TdxModuleStatus, tdxCpuEnable } from '../../model/kernel.js';
import { SeamcallLeaf, type Leaf } from '../../model/leaf.js';
import type { TdxModule } from '../../model/module.js';
import { TdxStatus } from '../../model/status.js';
import type { Client, Ownership } from './ownership.js';
import type { VmxConfig } from './spec.js';
import { BOOT_CPU, Crash, Hp, Kvm, Pm, TDMR_LAYOUT, Tsm, type N, type S, type Schema } from './schema.js';

export interface Seamcall {
  readonly cpu: number;
  readonly client: Client;
  /** TDH.VP.FLUSH of the TD vCPU associated with `cpu` (VcpuAssoc). */
  readonly flush?: boolean;
}

/** A VMX instruction KVM executes on `cpu`; VMREAD/VMWRITE also need a current VMCS (V8). */
export interface VmxInstruction {
  readonly cpu: number;
  readonly needsVmcs: boolean;
}

/**
 * An action plus what it executes, read from its pre-state: SEAMCALLs (V3), VMX instructions
 * (V8), and the CPUs on which it calls tdx_cpu_enable() (V10).
 */
export interface VmxAction extends Action<Schema> {
  readonly issues?: (s: S, actor: number) => Seamcall[];
  readonly vmx?: (s: S, actor: number) => VmxInstruction[];
  readonly tdxCpuEnable?: (s: S, actor: number) => number[];
}

const TRANSIT = new Set<number>([Hp.UP_KVM, Hp.UP_TDX_VMX, Hp.UP_TDX, Hp.DOWN_TDX, Hp.DOWN_KVM]);

/**
 * tdx_cpu_enable() on `cpu`, as the CPU's VMX state is: TDH.SYS.INIT (once) and TDH.SYS.LP.INIT
 * unless tdx_lp_initialized; without VMX the first SEAMCALL #UDs (-EACCES). 0 or the errno.
 */
function cpuEnable(tdx: TdxModule, n: N, cpu: number): number {
  const lp = n.cpu.at(cpu);
  if (!lp.tdx_lp_initialized && !lp.vmxOn) return Errno['-EACCES'];
  return tdxCpuEnable(n, lp, tdx, n.tdx_module, cpu);
}

/**
 * init_tdx_module() as one step once every CPU did tdx_cpu_enable() (specs/init checks its
 * inside): CONFIG, KEY.CONFIG on the first CPU of each package, TDMR.INIT. A failure leaves
 * TDX_MODULE_ERROR: no retry, TDX stays off.
 */
function initTdxModule(tdx: TdxModule, n: N): boolean {
  const ok = (cpu: number, leaf: Leaf, args: { tdmrs?: number; tdmr?: number } = {}): boolean =>
    tdx.seamcall(n.tdx_module, cpu, leaf, { vmxOn: n.cpu.at(cpu).vmxOn, ...args }) === TdxStatus.TDX_SUCCESS;
  let done =
    ok(BOOT_CPU, SeamcallLeaf.TDH_SYS_CONFIG, { tdmrs: TDMR_LAYOUT.tdmrs }) && tdx.topology.cpusOf.every((cs) => ok(cs[0]!, SeamcallLeaf.TDH_SYS_KEY_CONFIG));
  while (done && !tdx.allTdmrsInitialized(n.tdx_module)) done = ok(BOOT_CPU, SeamcallLeaf.TDH_SYS_TDMR_INIT, { tdmr: 0 });
  n.tdx_module_status = done ? TdxModuleStatus.TDX_MODULE_INITIALIZED : TdxModuleStatus.TDX_MODULE_ERROR;
  return done;
}

/**
 * An action of the environment, which may never happen on a fair path (liveness): module load
 * and unload, userspace's VMs, vCPUs and requests, the administrator's hotplug, suspend and
 * power-off requests, panic. The kernel's own steps keep weak fairness.
 */
const ENVIRONMENT = { fairness: 'none' } as const;

export function vmxActions(cfg: VmxConfig, own: Ownership, tdx: TdxModule): VmxAction[] {
  const { cpus, design, variant } = cfg;
  const t = tdx.topology;
  const all = Array.from({ length: cpus }, (_, c) => c);
  /** Refcount: boot is over once tdx_enable() (subsys_initcall) has returned; nothing else runs before. */
  const booted = (s: S): boolean => design === 'kvm' || s.tdx_module_status !== TdxModuleStatus.TDX_MODULE_UNINITIALIZED;
  const normal = (s: S): boolean => s.crash === Crash.NONE && booted(s);
  const running = (s: S): boolean => normal(s) && s.pm === Pm.RUNNING;
  const inTransit = (s: S): boolean => all.some((c) => TRANSIT.has(s.cpu.at(c).hp));
  const hp = (s: S, c: number): number => s.cpu.at(c).hp;
  /** A task already in the kernel may run on `c`: it is active, and no crash NMI has stopped it yet (D35: crash shootdown races). */
  const taskMayRun = (s: S, c: number): boolean =>
    booted(s) && hp(s, c) === Hp.ONLINE && (s.crash === Crash.NONE || ((s.crash === Crash.SHOOTDOWN || s.crash === Crash.DISABLED) && c !== s.crash_cpu));
  /** A task or IRQ may start on `c`: userspace is not frozen. */
  const clientMayRun = (s: S, c: number): boolean => s.pm === Pm.RUNNING && taskMayRun(s, c);
  /** The request is in flight, or userspace runs and may start it (V7). */
  const mayRequest = (s: S, inFlight: boolean): boolean => inFlight || s.pm === Pm.RUNNING;
  const noRequest = (s: S): boolean => !s.request.kvm_run && !s.request.tsm;
  /** tdx_sys_disable(): a failure is only pr_err()ed (a #UD without VMX is V3's to report). */
  const sysDisable = (n: N, cpu: number): void => {
    tdx.seamcall(n.tdx_module, cpu, SeamcallLeaf.TDH_SYS_DISABLE, { vmxOn: n.cpu.at(cpu).vmxOn });
  };
  const kvmLoaded = (s: S): boolean => s.kvm !== Kvm.UNLOADED;
  const tdAllowed = (s: S): boolean => (design === 'kvm' ? s.kvm === Kvm.TDX : kvmLoaded(s) && own.tdxEnabled(s));
  /** KVM flushes the TD vCPU on `c` before it lets go of VMX there. */
  const flushOn = (s: S, cs: readonly number[]): Seamcall[] =>
    s.td_vcpu >= 0 && cs.includes(s.td_vcpu) ? [{ cpu: s.td_vcpu, client: 'KVM', flush: true }] : [];
  const tsmQuiesce = (s: S): Seamcall[] => (s.tsm === Tsm.BOUND ? [{ cpu: BOOT_CPU, client: 'tdx_tsm' }] : []);
  const cpu = { actors: cpus, actorKind: 'CPU' } as const;
  const secondary = { ...cpu, context: 'cpuhp' } as const;
  /** The administrator's hotplug (sysfs): only while the system runs. */
  const adminHotplug = (s: S): boolean => normal(s) && cfg.hotplug && s.pm === Pm.RUNNING;
  const offlineAllowed = (s: S): boolean => adminHotplug(s) || (normal(s) && s.pm === Pm.DEVICES_SUSPENDED);
  const onlineAllowed = (s: S): boolean => adminHotplug(s) || (normal(s) && s.pm === Pm.RESUMING);

  const kvmModule: VmxAction[] = [
    {
      name: 'kvm_enable_virtualization',
      context: 'task',
      ...ENVIRONMENT,
      description: 'kvm_intel load (enable_virt_at_load): virtualization on every online CPU, under cpus_read_lock',
      source: 'virt/kvm/kvm_main.c: kvm_init() -> kvm_enable_virtualization()',
      guard: (s) => running(s) && s.kvm === Kvm.UNLOADED && !inTransit(s),
      effect: (s, n) => {
        n.kvm = Kvm.LOADED;
        for (const c of all) if (hp(s, c) === Hp.ONLINE) own.kvmGet(n, c);
      },
    },
    {
      name: 'kvm_disable_virtualization',
      context: 'task',
      ...ENVIRONMENT,
      description: 'kvm_intel unload: virtualization off on every online CPU',
      source: 'virt/kvm/kvm_main.c: kvm_uninit_virtualization(); vmx.c: vmx_disable_virtualization_cpu()',
      guard: (s) => running(s) && s.kvm === Kvm.LOADED && !s.td && !inTransit(s),
      effect: (s, n) => {
        n.kvm = Kvm.UNLOADED;
        if (design === 'refcount') n.kvm_unloaded = true;
        for (const c of all) if (s.cpu.at(c).kvm_virt) own.kvmPut(n, c);
      },
      issues: (s) =>
        flushOn(
          s,
          all.filter((c) => s.cpu.at(c).kvm_virt),
        ),
    },
  ];

  // Before 2026 KVM brings TDX up and, in Dan Williams's design, owns the tdx_tsm device's lifetime.
  const kvmTdx: VmxAction[] = [
    {
      name: 'tdx_bringup',
      context: 'task',
      description: 'tdx_cpu_enable() on every CPU and tdx_enable() (once per boot), then the tdx_tsm device is added',
      source: 'arch/x86/kvm/vmx/tdx.c: tdx_bringup(); seed 002 (Dan: lifetime from tdx_enable() to tdx_cleanup())',
      guard: (s) =>
        running(s) &&
        s.kvm === Kvm.LOADED &&
        !inTransit(s) &&
        s.tdx_module_status !== TdxModuleStatus.TDX_MODULE_ERROR &&
        (s.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED || all.every((c) => hp(s, c) === Hp.ONLINE)),
      effect: (s, n) => {
        // cpuhp_setup_state("kvm/cpu/tdx:online") runs tdx_cpu_enable() on every online CPU; a failure removes the state again.
        const online = all.filter((c) => hp(s, c) === Hp.ONLINE);
        if (!online.every((c) => cpuEnable(tdx, n, c) === Errno['0'])) return;
        if (s.tdx_module_status !== TdxModuleStatus.TDX_MODULE_INITIALIZED && !initTdxModule(tdx, n)) return;
        n.kvm = Kvm.TDX;
        n.tsm = Tsm.BOUND;
      },
      issues: (s) => (s.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED ? [] : all.map((c) => ({ cpu: c, client: 'TDX core' }))),
      tdxCpuEnable: (s) => all.filter((c) => hp(s, c) === Hp.ONLINE),
    },
    {
      name: 'tdx_cleanup',
      context: 'task',
      ...ENVIRONMENT,
      description:
        variant === 'D18'
          ? 'D18: kvm_intel unload leaves the tdx_tsm device alone'
          : 'kvm_intel unload: the tdx_tsm device is deleted (driver remove(), whose SEAMCALLs cannot fail) before VMXOFF',
      source: 'arch/x86/kvm/vmx/tdx.c: tdx_cleanup(); seed 002 (vt_exit() / tdx_cleanup())',
      guard: (s) => running(s) && s.kvm === Kvm.TDX && !s.td && !s.request.tsm && !inTransit(s),
      effect: (_s, n) => {
        n.kvm = Kvm.LOADED;
        if (variant !== 'D18') n.tsm = Tsm.UNBOUND;
      },
      issues: (s) => (variant !== 'D18' && s.tsm === Tsm.BOUND ? [{ cpu: BOOT_CPU, client: 'tdx_tsm' }] : []),
    },
  ];

  const clients: VmxAction[] = [
    {
      name: 'KVM_CREATE_VM(KVM_X86_TDX_VM)',
      context: 'task',
      ...ENVIRONMENT,
      description: 'the HKID is programmed on every package under cpus_read_lock: each package needs an online CPU',
      source: 'arch/x86/kvm/vmx/tdx.c: tdx_vm_init(), __tdx_td_init()',
      guard: (s) => running(s) && !s.td && tdAllowed(s) && !inTransit(s) && t.cpusOf.every((cs) => cs.some((c) => hp(s, c) === Hp.ONLINE)),
      effect: (_s, n) => {
        n.td = true;
      },
    },
    {
      name: 'kvm_destroy_vm',
      context: 'task',
      ...ENVIRONMENT,
      description: "the TD's last fd closes: TDH.VP.FLUSH on its vCPU's CPU, HKID released",
      source: 'arch/x86/kvm/vmx/tdx.c: tdx_mmu_release_hkid()',
      guard: (s) => running(s) && s.td && !s.request.kvm_run,
      effect: (_s, n) => {
        n.td = false;
        n.td_vcpu = -1;
      },
      issues: (s) => flushOn(s, all),
    },
    {
      name: 'TDH.VP.ENTER',
      ...cpu,
      ...ENVIRONMENT,
      context: 'task',
      description: "KVM_RUN of the TD's vCPU on this CPU (it must have been flushed from any other CPU); the ioctl stays in flight until it returns",
      source: 'arch/x86/kvm/vmx/tdx.c: tdx_vcpu_run()',
      guard: (s, c) => s.td && mayRequest(s, s.request.kvm_run) && taskMayRun(s, c) && (s.td_vcpu === -1 || s.td_vcpu === c),
      effect: (_s, n, c) => {
        n.td_vcpu = c;
        n.request.kvm_run = true;
      },
      issues: (_s, c) => [{ cpu: c, client: 'KVM' }],
    },
    {
      name: 'TDH.VP.FLUSH',
      ...cpu,
      ...ENVIRONMENT,
      context: 'irq',
      description: 'the vCPU moves to another CPU: KVM flushes it on its old CPU by IPI',
      source: 'arch/x86/kvm/vmx/tdx.c: tdx_flush_vp_on_cpu()',
      guard: (s, c) => s.td_vcpu === c && clientMayRun(s, c),
      effect: (_s, n) => {
        n.td_vcpu = -1;
      },
      issues: (_s, c) => [{ cpu: c, client: 'KVM', flush: true }],
    },
    {
      name: 'vmx_vcpu_load',
      ...cpu,
      ...ENVIRONMENT,
      context: 'task',
      description: "KVM_RUN of a normal VM's vCPU here: VMCLEAR on its old CPU by IPI, VMPTRLD here",
      source: 'arch/x86/kvm/vmx/vmx.c: vmx_vcpu_load_vmcs(), loaded_vmcs_clear()',
      guard: (s, c) => kvmLoaded(s) && clientMayRun(s, c) && s.cpu.at(c).currentVmcs === CurrentVmcs.INVALID,
      effect: (s, n, c) => {
        for (const o of all) if (s.cpu.at(o).currentVmcs === CurrentVmcs.VALID) n.cpu.at(o).currentVmcs = CurrentVmcs.INVALID;
        n.cpu.at(c).currentVmcs = CurrentVmcs.VALID;
      },
      vmx: (s, c) => [
        ...all.filter((o) => s.cpu.at(o).currentVmcs === CurrentVmcs.VALID).map((o) => ({ cpu: o, needsVmcs: false })),
        { cpu: c, needsVmcs: false },
      ],
    },
    {
      name: 'VMREAD',
      ...cpu,
      ...ENVIRONMENT,
      context: 'irq',
      description: 'KVM reads the current VMCS from IRQ context (Sean, digest 4.11)',
      source: 'arch/x86/kvm/vmx/vmx_ops.h: vmcs_read*()',
      guard: (s, c) => s.cpu.at(c).currentVmcs === CurrentVmcs.VALID && clientMayRun(s, c),
      effect: () => {},
      vmx: (_s, c) => [{ cpu: c, needsVmcs: true }],
    },
    {
      name: 'tdx_tsm request',
      ...cpu,
      ...ENVIRONMENT,
      context: 'task',
      description: 'a TDX Connect request from userspace: a SEAMCALL on the CPU its task runs on now; in flight until it returns',
      source: 'seed 002 (Yilun: the tdx_tsm driver uses SEAMCALLs)',
      guard: (s, c) => s.tsm === Tsm.BOUND && mayRequest(s, s.request.tsm) && taskMayRun(s, c),
      effect: (_s, n) => {
        n.request.tsm = true;
      },
      issues: (_s, c) => [{ cpu: c, client: 'tdx_tsm' }],
    },
    // The ioctl returns to userspace (KVM_RUN also on a pending signal: the freezer's).
    // Without signal_exit a vCPU may stay in guest mode for ever: its return is no longer the kernel's to force.
    ...(
      [
        ['KVM_RUN returns', 'kvm_run', 'virt/kvm/kvm_main.c: kvm_vcpu_ioctl(); arch/x86/kvm/x86.c: vcpu_run() exits on signal_pending()', cfg.signal_exit],
        ['tdx_tsm request returns', 'tsm', 'seed 002 (tdx_tsm requests from userspace)', true],
      ] as const
    ).map(([name, field, source, fair]): VmxAction => ({
      name,
      context: 'task',
      source,
      ...(fair ? {} : ENVIRONMENT),
      guard: (s) => s.request[field],
      effect: (_s, n) => {
        n.request[field] = false;
      },
    })),
  ];

  // cpuhp: the boot CPU stays; one CPU in transit at a time (cpus_write_lock).
  const startsTransit = (s: S, c: number): boolean => c !== BOOT_CPU && !inTransit(s);
  /** tdx_cpu_enable()'s SEAMCALLs on `c`: none once tdx_lp_initialized. */
  const enableIssues = (s: S, c: number): Seamcall[] => (s.cpu.at(c).tdx_lp_initialized ? [] : [{ cpu: c, client: 'TDX core' }]);
  /** A failed online callback: cpuhp rolls the CPU back down through KVM's teardown. */
  const onlineResult = (s: S, n: N, c: number, ret: number): void => {
    if (hp(s, c) !== Hp.ONLINE) n.cpu.at(c).hp = ret === Errno['0'] ? Hp.UP_TDX : Hp.DOWN_KVM;
  };

  // Refcount: the TDX core's "virt/tdx:online" is registered at boot (cpuhp_setup_state runs it
  // on each online CPU, one at a time) and on every later online. Two steps, so that the order of
  // x86_virt_get_ref() and tdx_cpu_enable() is observable (V10).
  const atBoot = (s: S): boolean => !booted(s);
  const midCallback = (s: S): boolean => all.some((c) => s.cpu.at(c).tdx_ref && !s.cpu.at(c).tdx_lp_initialized);
  const refcountOnline: VmxAction[] = [
    {
      name: 'tdx_online_cpu: x86_virt_get_ref',
      ...secondary,
      description: 'the TDX core takes its VMX reference (VMXON if it is the first)',
      source: 'arch/x86/virt/vmx/tdx/tdx.c: tdx_online_cpu(); arch/x86/virt/hw.c: x86_virt_get_ref()',
      guard: (s, c) => (atBoot(s) ? hp(s, c) === Hp.ONLINE && !s.cpu.at(c).tdx_ref && !midCallback(s) : onlineAllowed(s) && hp(s, c) === Hp.UP_KVM),
      effect: (s, n, c) => {
        if (hp(s, c) === Hp.UP_KVM) n.cpu.at(c).hp = Hp.UP_TDX_VMX;
        own.tdxGet(n, c);
      },
    },
    {
      name: 'tdx_online_cpu: tdx_cpu_enable',
      ...secondary,
      description: 'TDH.SYS.INIT (first CPU) and TDH.SYS.LP.INIT unless tdx_lp_initialized; on failure the reference goes again',
      source: 'arch/x86/virt/vmx/tdx/tdx.c: tdx_online_cpu() -> tdx_cpu_enable()',
      guard: (s, c) => (atBoot(s) ? s.cpu.at(c).tdx_ref && !s.cpu.at(c).tdx_lp_initialized : onlineAllowed(s) && hp(s, c) === Hp.UP_TDX_VMX),
      effect: (s, n, c) => {
        const ret = cpuEnable(tdx, n, c);
        if (ret !== Errno['0']) own.tdxPut(n, c);
        onlineResult(s, n, c, ret);
      },
      issues: enableIssues,
      tdxCpuEnable: (_s, c) => [c],
    },
    {
      name: 'tdx_enable: init_tdx_module',
      context: 'task',
      description: 'every CPU did tdx_cpu_enable(): CONFIG, KEY.CONFIG per package, TDMR.INIT; then tdx-host (tdx_tsm) binds',
      source: 'arch/x86/virt/vmx/tdx/tdx.c: tdx_enable() (subsys_initcall) -> init_tdx_module()',
      guard: (s) => atBoot(s) && all.every((c) => s.cpu.at(c).tdx_lp_initialized),
      effect: (_s, n) => {
        if (initTdxModule(tdx, n)) n.tsm = Tsm.BOUND;
      },
      issues: () => [BOOT_CPU, ...t.cpusOf.map((cs) => cs[0]!)].map((c) => ({ cpu: c, client: 'TDX core' })),
    },
  ];
  // KVM-owned: KVM's "kvm/cpu/tdx:online" exists while TDX is brought up; VMX is KVM's, from the state below.
  const kvmTdxOnline: VmxAction = {
    name: 'tdx_online_cpu',
    ...secondary,
    description: 'KVM\'s "kvm/cpu/tdx:online": tdx_cpu_enable()',
    source: 'arch/x86/kvm/vmx/tdx.c: tdx_online_cpu()',
    guard: (s, c) => onlineAllowed(s) && hp(s, c) === Hp.UP_KVM,
    effect: (s, n, c) => {
      onlineResult(s, n, c, s.kvm === Kvm.TDX ? cpuEnable(tdx, n, c) : Errno['0']);
    },
    issues: (s, c) => (s.kvm === Kvm.TDX ? enableIssues(s, c) : []),
    tdxCpuEnable: (s, c) => (s.kvm === Kvm.TDX ? [c] : []),
  };
  /** tdx_offline_cpu()'s -EBUSY: TDs hold HKIDs and no other CPU of this package is online. */
  const lastOfPackage = (s: S, c: number): boolean => s.td && !t.cpusOf[t.pkgOf[c]!]!.some((o) => o !== c && hp(s, o) === Hp.ONLINE);
  /**
   * One cpuhp callback on a secondary CPU: from hotplug state `from` to `to`, doing `also` on
   * the way, while `allowed` (the hotplug lock is free) and `when` hold.
   */
  const hpStep = (
    step: Pick<VmxAction, 'name' | 'source' | 'issues'> & { readonly description?: string },
    allowed: (s: S) => boolean,
    from: number,
    to: number,
    also: (s: S, n: N, c: number) => void = () => {},
    when: (s: S, c: number) => boolean = () => true,
  ): VmxAction => ({
    ...step,
    ...secondary,
    guard: (s, c) => allowed(s) && hp(s, c) === from && when(s, c),
    effect: (s, n, c) => {
      n.cpu.at(c).hp = to;
      also(s, n, c);
    },
  });
  const tdxOffline = design === 'kvm' ? 'arch/x86/kvm/vmx/tdx.c: tdx_offline_cpu()' : 'arch/x86/virt/vmx/tdx/tdx.c: tdx_offline_cpu()';
  const kvmOnline = (s: S, n: N, c: number): void => {
    if (kvmLoaded(s)) own.kvmGet(n, c);
  };
  const cpuhp: VmxAction[] = [
    {
      ...hpStep(
        { name: 'kvm_online_cpu', source: 'CPUHP_AP_KVM_ONLINE: virt/kvm/kvm_main.c: kvm_online_cpu()' },
        adminHotplug,
        Hp.OFFLINE,
        Hp.UP_KVM,
        kvmOnline,
        startsTransit,
      ),
      ...ENVIRONMENT,
    },
    hpStep(
      {
        name: 'thaw_secondary_cpus: kvm_online_cpu',
        description: 'resume (or an aborted suspend) brings back a CPU freeze_secondary_cpus() took offline',
        source: 'kernel/cpu.c: thaw_secondary_cpus() -> _cpu_up(); CPUHP_AP_KVM_ONLINE: virt/kvm/kvm_main.c: kvm_online_cpu()',
      },
      (s) => normal(s) && s.pm === Pm.RESUMING,
      Hp.OFFLINE,
      Hp.UP_KVM,
      (s, n, c) => {
        n.cpu.at(c).frozen = false;
        kvmOnline(s, n, c);
      },
      (s, c) => s.cpu.at(c).frozen && startsTransit(s, c),
    ),
    ...(design === 'refcount' ? refcountOnline : [kvmTdxOnline]),
    hpStep({ name: 'sched_cpu_activate', source: 'CPUHP_AP_ACTIVE: kernel/sched/core.c: sched_cpu_activate()' }, onlineAllowed, Hp.UP_TDX, Hp.ONLINE),
    {
      ...hpStep(
        {
          name: 'sched_cpu_deactivate',
          description: 'the administrator offlines this CPU: no new tasks on it; running ones drain by sched_cpu_wait_empty()',
          source: 'CPUHP_AP_ACTIVE teardown: kernel/sched/core.c: sched_cpu_deactivate()',
        },
        adminHotplug,
        Hp.ONLINE,
        Hp.DOWN_TDX,
        () => {},
        startsTransit,
      ),
      ...ENVIRONMENT,
    },
    hpStep(
      {
        name: 'freeze_secondary_cpus: sched_cpu_deactivate',
        description: 'suspend takes every online secondary CPU offline, one at a time',
        source: 'kernel/cpu.c: freeze_secondary_cpus() -> _cpu_down(); kernel/sched/core.c: sched_cpu_deactivate()',
      },
      (s) => normal(s) && s.pm === Pm.DEVICES_SUSPENDED,
      Hp.ONLINE,
      Hp.DOWN_TDX,
      () => {},
      startsTransit,
    ),
    hpStep(
      {
        name: 'tdx_offline_cpu',
        description:
          design === 'kvm'
            ? 'the HKID last-CPU-of-package check passed'
            : 'the HKID last-CPU-of-package check passed: WBINVD if the cache is incoherent, then x86_virt_put_ref()',
        source: tdxOffline,
      },
      offlineAllowed,
      Hp.DOWN_TDX,
      Hp.DOWN_KVM,
      (_s, n, c) => {
        if (design === 'refcount') own.tdxPut(n, c);
      },
      (s, c) => !lastOfPackage(s, c),
    ),
    hpStep(
      {
        name: 'tdx_offline_cpu: -EBUSY',
        description:
          variant === 'suspend_retry'
            ? 'the last online CPU of its package while TDs hold HKIDs: refused; cpuhp rolls back, and (suspend_retry) suspend tries the same CPU again'
            : 'the last online CPU of its package while TDs hold HKIDs: refused before anything is torn down; cpuhp rolls back (sched_cpu_activate), and a suspend is aborted',
        source: `${tdxOffline}; kernel/cpu.c: freeze_secondary_cpus() returns the error; kernel/power/suspend.c: suspend_enter() -> Enable_cpus`,
      },
      offlineAllowed,
      Hp.DOWN_TDX,
      Hp.ONLINE,
      (s, n) => {
        // freeze_secondary_cpus() fails, so suspend_enter() thaws the CPUs frozen so far and resumes devices.
        if (s.pm === Pm.DEVICES_SUSPENDED && variant !== 'suspend_retry') n.pm = Pm.RESUMING;
      },
      lastOfPackage,
    ),
    hpStep(
      {
        name: 'kvm_offline_cpu',
        description: 'after sched_cpu_wait_empty(): TDH.VP.FLUSH of vCPUs here, then KVM lets go of VMX',
        source: 'CPUHP_AP_KVM_ONLINE teardown: virt/kvm/kvm_main.c: kvm_offline_cpu(); tdx.c: tdx_disable_virtualization_cpu()',
        issues: (s, c) => (s.cpu.at(c).kvm_virt ? flushOn(s, [c]) : []),
      },
      offlineAllowed,
      Hp.DOWN_KVM,
      Hp.OFFLINE,
      (s, n, c) => {
        if (s.cpu.at(c).kvm_virt) own.kvmPut(n, c);
        if (s.pm === Pm.DEVICES_SUSPENDED) n.cpu.at(c).frozen = true; // freeze_secondary_cpus(): cpumask_set_cpu(cpu, frozen_cpus)
      },
    ),
  ];

  const freeze: VmxAction = {
    name: 'freeze_processes',
    context: 'task',
    ...ENVIRONMENT, // the suspend or power-off request (userspace)
    description: "userspace stopped: waits until no KVM ioctl or tdx_tsm request is in flight (KVM_RUN exits on the freezer's signal)",
    source: 'kernel/power/process.c: freeze_processes(); seed 002 (Sean: "userspace tasks need to be frozen")',
    guard: (s) => running(s) && !inTransit(s) && noRequest(s),
    effect: (_s, n) => {
      n.pm = Pm.FROZEN;
    },
  };

  /**
   * One step of the suspend or power-off sequence, which the kernel runs in order on the boot
   * CPU: from phase `from` to `to`, doing `also` on the way, when `when` allows.
   */
  const pmStep = (
    step: Pick<VmxAction, 'name' | 'context' | 'source' | 'issues'> & { readonly description?: string },
    from: number,
    to: number,
    also: (s: S, n: N) => void = () => {},
    when: (s: S) => boolean = () => true,
  ): VmxAction => ({
    ...step,
    guard: (s) => normal(s) && s.pm === from && when(s),
    effect: (s, n) => {
      n.pm = to;
      also(s, n);
    },
  });
  const quiesceTsm = (s: S, n: N): void => {
    if (s.tsm === Tsm.BOUND) n.tsm = Tsm.QUIESCED;
  };
  const refcountOnly = (steps: VmxAction[]): VmxAction[] => (design === 'refcount' ? steps : []);

  const suspend: VmxAction[] = [
    pmStep(
      {
        name: 'dpm_suspend',
        context: 'task',
        description: "device suspend callbacks: tdx_tsm's quiesces it before any VMXOFF",
        source: 'drivers/base/power/main.c: dpm_suspend(); seed 002 (Dan: tdx_tsm suspend callback)',
        issues: tsmQuiesce,
      },
      Pm.FROZEN,
      Pm.DEVICES_SUSPENDED,
      quiesceTsm,
    ),
    // syscore ops run in reverse registration order on the boot CPU: kvm_intel (a module)
    // registered after the TDX core (subsys_initcall), so KVM suspends first and resumes last.
    pmStep(
      {
        name: 'kvm_suspend',
        context: 'syscore',
        description: 'syscore suspend, secondary CPUs offline: KVM lets go of VMX on the boot CPU after TDH.VP.FLUSH',
        source: 'drivers/base/syscore.c: syscore_suspend(); virt/kvm/kvm_main.c: kvm_suspend()',
        issues: (s) => (s.cpu.at(BOOT_CPU).kvm_virt ? flushOn(s, [BOOT_CPU]) : []),
      },
      Pm.DEVICES_SUSPENDED,
      design === 'kvm' ? Pm.SYSCORE_SUSPENDED : Pm.KVM_SUSPENDED,
      (s, n) => {
        if (s.cpu.at(BOOT_CPU).kvm_virt) own.kvmPut(n, BOOT_CPU);
      },
      (s) => all.every((c) => c === BOOT_CPU || hp(s, c) === Hp.OFFLINE),
    ),
    ...refcountOnly([
      pmStep(
        { name: 'tdx_suspend', context: 'syscore', source: 'arch/x86/virt/vmx/tdx/tdx.c: tdx_suspend()' },
        Pm.KVM_SUSPENDED,
        Pm.SYSCORE_SUSPENDED,
        (_s, n) => own.tdxPut(n, BOOT_CPU),
      ),
      pmStep({ name: 'tdx_resume', context: 'syscore', source: 'arch/x86/virt/vmx/tdx/tdx.c: tdx_resume()' }, Pm.SYSCORE_SUSPENDED, Pm.TDX_RESUMED, (_s, n) =>
        own.tdxGet(n, BOOT_CPU),
      ),
    ]),
    pmStep(
      { name: 'kvm_resume', context: 'syscore', source: 'drivers/base/syscore.c: syscore_resume(); virt/kvm/kvm_main.c: kvm_resume()' },
      design === 'kvm' ? Pm.SYSCORE_SUSPENDED : Pm.TDX_RESUMED,
      Pm.RESUMING,
      (s, n) => {
        if (kvmLoaded(s)) own.kvmGet(n, BOOT_CPU);
      },
    ),
    pmStep(
      { name: 'dpm_resume, thaw_processes', context: 'task', source: 'drivers/base/power/main.c: dpm_resume(); kernel/power/process.c: thaw_processes()' },
      Pm.RESUMING,
      Pm.RUNNING,
      (s, n) => {
        if (s.tsm === Tsm.QUIESCED) n.tsm = Tsm.BOUND;
      },
      // thaw_secondary_cpus() has brought back every frozen CPU.
      (s) => !inTransit(s) && all.every((c) => !s.cpu.at(c).frozen),
    ),
  ];

  const powerOff: VmxAction[] = [
    pmStep(
      {
        name: 'device_shutdown',
        context: 'task',
        description: "device shutdown callbacks: tdx_tsm's quiesces it (cannot-fail SEAMCALLs)",
        source: 'kernel/reboot.c: kernel_power_off() -> device_shutdown(); seed 002 (Dan: tdx_tsm shutdown callback)',
        issues: tsmQuiesce,
      },
      Pm.FROZEN,
      Pm.DEVICES_SHUT_DOWN,
      quiesceTsm,
    ),
    pmStep(
      {
        name: 'kvm_shutdown',
        context: 'syscore',
        description: 'on_each_cpu(kvm_disable_virtualization_cpu): TDH.VP.FLUSH, then KVM lets go of VMX',
        source: 'virt/kvm/kvm_main.c: kvm_shutdown()',
        issues: (s) =>
          flushOn(
            s,
            all.filter((c) => s.cpu.at(c).kvm_virt),
          ),
      },
      Pm.DEVICES_SHUT_DOWN,
      design === 'kvm' ? Pm.VIRT_OFF : Pm.KVM_SHUT_DOWN,
      (s, n) => {
        for (const c of all) if (s.cpu.at(c).kvm_virt) own.kvmPut(n, c);
      },
    ),
    ...refcountOnly([
      pmStep(
        {
          name: 'tdx_shutdown: TDH.SYS.DISABLE',
          context: 'syscore',
          description: "the module is disabled so that a kexec'd kernel can initialize it again",
          source: 'arch/x86/virt/vmx/tdx/tdx.c: tdx_shutdown() -> tdx_sys_disable() [DIS]',
          issues: () => [{ cpu: BOOT_CPU, client: 'TDX core' as const }],
        },
        Pm.KVM_SHUT_DOWN,
        Pm.TDX_DISABLED,
        (_s, n) => sysDisable(n, BOOT_CPU),
      ),
      pmStep(
        {
          name: 'tdx_shutdown_cpu',
          context: 'syscore',
          description: 'on_each_cpu: WBINVD if the cache is incoherent, then x86_virt_put_ref()',
          source: 'arch/x86/virt/vmx/tdx/tdx.c: tdx_shutdown_cpu() [DIS]',
        },
        Pm.TDX_DISABLED,
        Pm.VIRT_OFF,
        (s, n) => {
          for (const c of all) if (hp(s, c) === Hp.ONLINE) own.tdxPut(n, c);
        },
      ),
    ]),
    pmStep({ name: 'machine_power_off', context: 'task', source: 'kernel/reboot.c: kernel_power_off() -> machine_power_off()' }, Pm.VIRT_OFF, Pm.HALTED),
  ];

  const crash: VmxAction[] = [
    {
      name: 'panic',
      ...cpu,
      ...ENVIRONMENT,
      context: 'task',
      description: 'crash_kexec() on this CPU: from here on the safety properties no longer apply (V6)',
      source: 'kernel/panic.c; arch/x86/kernel/crash.c: native_machine_crash_shutdown()',
      guard: (s, c) => running(s) && hp(s, c) === Hp.ONLINE,
      effect: (_s, n, c) => {
        n.crash = Crash.SHOOTDOWN;
        n.crash_cpu = c;
      },
    },
    {
      name: 'crash_nmi_callback',
      ...cpu,
      context: 'nmi',
      description: "the NMI shootdown stops this CPU: KVM's emergency callback, VMXOFF, halt",
      source: 'arch/x86/kernel/reboot.c: crash_nmi_callback() -> cpu_emergency_disable_virtualization()',
      guard: (s, c) => (s.crash === Crash.SHOOTDOWN || s.crash === Crash.DISABLED) && c !== s.crash_cpu && hp(s, c) !== Hp.OFFLINE && hp(s, c) !== Hp.HALTED,
      effect: (s, n, c) => {
        n.cpu.at(c).hp = Hp.HALTED;
        if (s.cpu.at(c).vmxOn) own.emergencyVmxoff(n, c);
      },
    },
    ...(design === 'refcount'
      ? [
          {
            name: 'native_machine_crash_shutdown: TDH.SYS.DISABLE',
            ...cpu,
            context: 'nmi',
            description: 'on the crashing CPU once the shootdown finished or timed out; CPUs not yet stopped may still be in SEAMCALLs (D35)',
            source: 'arch/x86/kernel/crash.c: native_machine_crash_shutdown() -> tdx_sys_disable() [DIS]',
            guard: (s: S, c: number) => s.crash === Crash.SHOOTDOWN && c === s.crash_cpu,
            effect: (_s: S, n: N, c: number) => {
              n.crash = Crash.DISABLED;
              sysDisable(n, c);
            },
            issues: (_s: S, c: number) => [{ cpu: c, client: 'TDX core' as const }],
          },
        ]
      : []),
    {
      name: 'x86_virt_emergency_disable_virtualization_cpu',
      ...cpu,
      context: 'nmi',
      description: "the crashing CPU's own VMXOFF, then kexec into the crash kernel",
      source: 'arch/x86/kernel/crash.c: native_machine_crash_shutdown(); arch/x86/virt/hw.c',
      guard: (s, c) => s.crash === (design === 'refcount' ? Crash.DISABLED : Crash.SHOOTDOWN) && c === s.crash_cpu,
      effect: (s, n, c) => {
        n.crash = Crash.KEXEC;
        n.cpu.at(c).hp = Hp.HALTED;
        if (s.cpu.at(c).vmxOn) own.emergencyVmxoff(n, c);
      },
    },
  ];

  return [
    ...kvmModule,
    ...(design === 'kvm' ? kvmTdx : []),
    ...clients,
    ...cpuhp,
    ...(cfg.suspend || cfg.shutdown ? [freeze] : []),
    ...(cfg.suspend ? suspend : []),
    ...(cfg.shutdown ? powerOff : []),
    ...(cfg.crash ? crash : []),
  ];
}
