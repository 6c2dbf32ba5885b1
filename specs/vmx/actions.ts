// The kernel actions of the VMX-ownership model, one observable step each: kvm_intel load and
// unload, cpuhp callbacks, suspend/resume and power-off phases, the crash shootdown, and the
// clients' SEAMCALLs. Task-context steps that could run on any CPU run on CPU 0, the boot CPU,
// which never goes offline (and is where syscore and reboot run).

import type { Action } from '../../checker/model.js';
import { CurrentVmcs } from '../../model/cpu.js';
import { TdxModuleStatus } from '../../model/kernel.js';
import { SeamcallLeaf, type Leaf } from '../../model/leaf.js';
import type { TdxModule } from '../../model/module.js';
import { TdxStatus } from '../../model/status.js';
import type { Client, Ownership } from './ownership.js';
import type { VmxConfig } from './spec.js';
import { BOOT_CPU, Crash, Hp, Kvm, Pm, Tsm, type N, type S, type Schema } from './schema.js';

export interface Seamcall {
  readonly cpu: number;
  readonly client: Client;
}

/** A VMX instruction KVM executes on `cpu`; VMREAD/VMWRITE also need a current VMCS (V8). */
export interface VmxInstruction {
  readonly cpu: number;
  readonly needsVmcs: boolean;
}

/** An action plus the SEAMCALLs (V3) and VMX instructions (V8) it executes, read from its pre-state. */
export interface VmxAction extends Action<Schema> {
  readonly issues?: (s: S, actor: number) => Seamcall[];
  readonly vmx?: (s: S, actor: number) => VmxInstruction[];
}

const TRANSIT = new Set<number>([Hp.UP_KVM, Hp.UP_TDX, Hp.DOWN_TDX, Hp.DOWN_KVM]);

/** Runs one leaf through the shared dispatcher; a step's guard makes failure a model error. */
function mustSucceed(tdx: TdxModule, n: N, cpu: number, leaf: Leaf, args: { tdmrs?: number; tdmr?: number } = {}): void {
  const st = tdx.seamcall(n.tdx_module, cpu, leaf, { vmxOn: n.cpu.at(cpu).vmxOn, ...args });
  if (st !== TdxStatus.TDX_SUCCESS) throw new Error(`${SeamcallLeaf.names[leaf]} on CPU ${cpu}: ${TdxStatus.names[st]}`);
}

/**
 * tdx_enable() as one step (specs/init checks its inside): TDH.SYS.INIT, TDH.SYS.LP.INIT on
 * every CPU, CONFIG, KEY.CONFIG per package, TDMR.INIT. Needs VMX on every CPU.
 */
export function tdxEnable(tdx: TdxModule, n: N): void {
  const t = tdx.topology;
  mustSucceed(tdx, n, BOOT_CPU, SeamcallLeaf.TDH_SYS_INIT);
  for (let c = 0; c < t.cpus; c++) mustSucceed(tdx, n, c, SeamcallLeaf.TDH_SYS_LP_INIT);
  mustSucceed(tdx, n, BOOT_CPU, SeamcallLeaf.TDH_SYS_CONFIG, { tdmrs: 1 });
  for (const cpus of t.cpusOf) mustSucceed(tdx, n, cpus[0]!, SeamcallLeaf.TDH_SYS_KEY_CONFIG);
  while (!tdx.allTdmrsInitialized(n.tdx_module)) mustSucceed(tdx, n, BOOT_CPU, SeamcallLeaf.TDH_SYS_TDMR_INIT, { tdmr: 0 });
  n.tdx_module_status = TdxModuleStatus.TDX_MODULE_INITIALIZED;
}

export function vmxActions(cfg: VmxConfig, own: Ownership, tdx: TdxModule): VmxAction[] {
  const { cpus, design, variant } = cfg;
  const all = Array.from({ length: cpus }, (_, c) => c);
  const normal = (s: S): boolean => s.crash === Crash.NONE;
  const running = (s: S): boolean => normal(s) && s.pm === Pm.RUNNING;
  const inTransit = (s: S): boolean => all.some((c) => TRANSIT.has(s.cpu.at(c).hp));
  const hp = (s: S, c: number): number => s.cpu.at(c).hp;
  /** A task or IRQ may run on `c`: it is active, and no crash NMI has stopped it yet (D35: crash shootdown races). */
  const clientMayRun = (s: S, c: number): boolean =>
    s.pm === Pm.RUNNING &&
    hp(s, c) === Hp.ONLINE &&
    (s.crash === Crash.NONE || ((s.crash === Crash.SHOOTDOWN || s.crash === Crash.DISABLED) && c !== s.crash_cpu));
  const kvmLoaded = (s: S): boolean => s.kvm !== Kvm.UNLOADED;
  const tdAllowed = (s: S): boolean => (design === 'kvm' ? s.kvm === Kvm.TDX : kvmLoaded(s) && own.tdxEnabled(s));
  /** KVM flushes the TD vCPU on `c` before it lets go of VMX there. */
  const flushOn = (s: S, cs: readonly number[]): Seamcall[] => (s.td_vcpu >= 0 && cs.includes(s.td_vcpu) ? [{ cpu: s.td_vcpu, client: 'KVM' }] : []);
  const tsmQuiesce = (s: S): Seamcall[] => (s.tsm === Tsm.BOUND ? [{ cpu: BOOT_CPU, client: 'tdx_tsm' }] : []);
  const cpu = { actors: cpus, actorKind: 'CPU' } as const;
  const secondary = { ...cpu, context: 'cpuhp' } as const;
  const offlineAllowed = (s: S): boolean => normal(s) && ((cfg.hotplug && s.pm === Pm.RUNNING) || s.pm === Pm.DEVICES_SUSPENDED);
  const onlineAllowed = (s: S): boolean => normal(s) && ((cfg.hotplug && s.pm === Pm.RUNNING) || s.pm === Pm.RESUMING);

  const kvmModule: VmxAction[] = [
    {
      name: 'kvm_enable_virtualization',
      context: 'task',
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
      description: 'kvm_intel unload: virtualization off on every online CPU',
      source: 'virt/kvm/kvm_main.c: kvm_uninit_virtualization(); vmx.c: vmx_disable_virtualization_cpu()',
      guard: (s) => running(s) && s.kvm === Kvm.LOADED && !s.td && !inTransit(s),
      effect: (s, n) => {
        n.kvm = Kvm.UNLOADED;
        for (const c of all) if (s.cpu.at(c).kvm_virt) own.kvmPut(n, c);
      },
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
        (s.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED || all.every((c) => hp(s, c) === Hp.ONLINE)),
      effect: (s, n) => {
        if (s.tdx_module_status !== TdxModuleStatus.TDX_MODULE_INITIALIZED) tdxEnable(tdx, n);
        n.kvm = Kvm.TDX;
        n.tsm = Tsm.BOUND;
      },
      issues: (s) => (s.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED ? [] : all.map((c) => ({ cpu: c, client: 'TDX core' }))),
    },
    {
      name: 'tdx_cleanup',
      context: 'task',
      description:
        variant === 'D18'
          ? 'D18: kvm_intel unload leaves the tdx_tsm device alone'
          : 'kvm_intel unload: the tdx_tsm device is deleted (driver remove(), whose SEAMCALLs cannot fail) before VMXOFF',
      source: 'arch/x86/kvm/vmx/tdx.c: tdx_cleanup(); seed 002 (vt_exit() / tdx_cleanup())',
      guard: (s) => running(s) && s.kvm === Kvm.TDX && !s.td && !inTransit(s),
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
      source: 'arch/x86/kvm/vmx/tdx.c: tdx_vm_init()',
      guard: (s) => running(s) && !s.td && tdAllowed(s),
      effect: (_s, n) => {
        n.td = true;
      },
    },
    {
      name: 'kvm_destroy_vm',
      context: 'task',
      description: "the TD's last fd closes: TDH.VP.FLUSH on its vCPU's CPU, HKID released",
      source: 'arch/x86/kvm/vmx/tdx.c: tdx_mmu_release_hkid()',
      guard: (s) => running(s) && s.td,
      effect: (_s, n) => {
        n.td = false;
        n.td_vcpu = -1;
      },
      issues: (s) => flushOn(s, all),
    },
    {
      name: 'TDH.VP.ENTER',
      ...cpu,
      context: 'task',
      description: "KVM_RUN of the TD's vCPU on this CPU (it must have been flushed from any other CPU)",
      source: 'arch/x86/kvm/vmx/tdx.c: tdx_vcpu_run()',
      guard: (s, c) => s.td && clientMayRun(s, c) && (s.td_vcpu === -1 || s.td_vcpu === c),
      effect: (_s, n, c) => {
        n.td_vcpu = c;
      },
      issues: (_s, c) => [{ cpu: c, client: 'KVM' }],
    },
    {
      name: 'TDH.VP.FLUSH',
      ...cpu,
      context: 'irq',
      description: 'the vCPU moves to another CPU: KVM flushes it on its old CPU by IPI',
      source: 'arch/x86/kvm/vmx/tdx.c: tdx_flush_vp_on_cpu()',
      guard: (s, c) => s.td_vcpu === c && clientMayRun(s, c),
      effect: (_s, n) => {
        n.td_vcpu = -1;
      },
      issues: (_s, c) => [{ cpu: c, client: 'KVM' }],
    },
    {
      name: 'vmx_vcpu_load',
      ...cpu,
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
      context: 'task',
      description: 'a TDX Connect request from userspace: SEAMCALLs on the CPU its task runs on',
      source: 'seed 002 (Yilun: the tdx_tsm driver uses SEAMCALLs)',
      guard: (s, c) => s.tsm === Tsm.BOUND && clientMayRun(s, c),
      effect: () => {},
      issues: (_s, c) => [{ cpu: c, client: 'tdx_tsm' }],
    },
  ];

  // cpuhp: the boot CPU stays; one CPU in transit at a time (cpus_write_lock).
  const startsTransit = (s: S, c: number): boolean => c !== BOOT_CPU && !inTransit(s);
  const cpuhp: VmxAction[] = [
    {
      name: 'kvm_online_cpu',
      ...secondary,
      source: 'CPUHP_AP_KVM_ONLINE: virt/kvm/kvm_main.c: kvm_online_cpu()',
      guard: (s, c) => onlineAllowed(s) && hp(s, c) === Hp.OFFLINE && startsTransit(s, c),
      effect: (s, n, c) => {
        n.cpu.at(c).hp = Hp.UP_KVM;
        if (kvmLoaded(s)) own.kvmGet(n, c);
      },
    },
    {
      name: 'tdx_online_cpu',
      ...secondary,
      description:
        design === 'kvm' ? 'KVM\'s "kvm/cpu/tdx:online": tdx_cpu_enable()' : 'the TDX core\'s "virt/tdx:online": x86_virt_get_ref(), tdx_cpu_enable()',
      source: design === 'kvm' ? 'arch/x86/kvm/vmx/tdx.c: tdx_online_cpu()' : 'arch/x86/virt/vmx/tdx/tdx.c: tdx_online_cpu()',
      guard: (s, c) => onlineAllowed(s) && hp(s, c) === Hp.UP_KVM,
      effect: (s, n, c) => {
        n.cpu.at(c).hp = Hp.UP_TDX;
        // Every CPU did TDH.SYS.LP.INIT at tdx_enable() and tdx_lp_initialized survives offline: no SEAMCALL.
        if (design === 'refcount' && own.tdxEnabled(s)) own.tdxGet(n, c);
      },
    },
    {
      name: 'sched_cpu_activate',
      ...secondary,
      source: 'CPUHP_AP_ACTIVE: kernel/sched/core.c: sched_cpu_activate()',
      guard: (s, c) => onlineAllowed(s) && hp(s, c) === Hp.UP_TDX,
      effect: (_s, n, c) => {
        n.cpu.at(c).hp = Hp.ONLINE;
      },
    },
    {
      name: 'sched_cpu_deactivate',
      ...secondary,
      description: 'no new tasks on this CPU; running ones drain by sched_cpu_wait_empty()',
      source: 'CPUHP_AP_ACTIVE teardown: kernel/sched/core.c: sched_cpu_deactivate()',
      guard: (s, c) => offlineAllowed(s) && hp(s, c) === Hp.ONLINE && startsTransit(s, c),
      effect: (_s, n, c) => {
        n.cpu.at(c).hp = Hp.DOWN_TDX;
      },
    },
    {
      name: 'tdx_offline_cpu',
      ...secondary,
      description: design === 'kvm' ? 'the HKID last-CPU-of-package check' : 'WBINVD if the cache is incoherent, then x86_virt_put_ref()',
      source: design === 'kvm' ? 'arch/x86/kvm/vmx/tdx.c: tdx_offline_cpu()' : 'arch/x86/virt/vmx/tdx/tdx.c: tdx_offline_cpu()',
      guard: (s, c) => offlineAllowed(s) && hp(s, c) === Hp.DOWN_TDX,
      effect: (s, n, c) => {
        n.cpu.at(c).hp = Hp.DOWN_KVM;
        if (s.cpu.at(c).tdx_ref) own.tdxPut(n, c);
      },
    },
    {
      name: 'kvm_offline_cpu',
      ...secondary,
      description: 'after sched_cpu_wait_empty(): TDH.VP.FLUSH of vCPUs here, then KVM lets go of VMX',
      source: 'CPUHP_AP_KVM_ONLINE teardown: virt/kvm/kvm_main.c: kvm_offline_cpu(); tdx.c: tdx_disable_virtualization_cpu()',
      guard: (s, c) => offlineAllowed(s) && hp(s, c) === Hp.DOWN_KVM,
      effect: (s, n, c) => {
        n.cpu.at(c).hp = Hp.OFFLINE;
        if (s.cpu.at(c).kvm_virt) own.kvmPut(n, c);
      },
      issues: (s, c) => (s.cpu.at(c).kvm_virt ? flushOn(s, [c]) : []),
    },
  ];

  const freeze: VmxAction = {
    name: 'freeze_processes',
    context: 'task',
    description: 'userspace stopped: no KVM ioctl or tdx_tsm request is in flight from here on',
    source: 'kernel/power/process.c: freeze_processes(); seed 002 (Sean: "userspace tasks need to be frozen")',
    guard: (s) => running(s) && !inTransit(s),
    effect: (_s, n) => {
      n.pm = Pm.FROZEN;
    },
  };

  const suspend: VmxAction[] = [
    {
      name: 'dpm_suspend',
      context: 'task',
      description: "device suspend callbacks: tdx_tsm's quiesces it before any VMXOFF",
      source: 'drivers/base/power/main.c: dpm_suspend(); seed 002 (Dan: tdx_tsm suspend callback)',
      guard: (s) => normal(s) && s.pm === Pm.FROZEN,
      effect: (s, n) => {
        n.pm = Pm.DEVICES_SUSPENDED;
        if (s.tsm === Tsm.BOUND) n.tsm = Tsm.QUIESCED;
      },
      issues: tsmQuiesce,
    },
    // syscore ops run in reverse registration order on the boot CPU: kvm_intel (a module)
    // registered after the TDX core (subsys_initcall), so KVM suspends first and resumes last.
    {
      name: 'kvm_suspend',
      context: 'syscore',
      description: 'syscore suspend, secondary CPUs offline: KVM lets go of VMX on the boot CPU after TDH.VP.FLUSH',
      source: 'drivers/base/syscore.c: syscore_suspend(); virt/kvm/kvm_main.c: kvm_suspend()',
      guard: (s) => normal(s) && s.pm === Pm.DEVICES_SUSPENDED && all.every((c) => c === BOOT_CPU || hp(s, c) === Hp.OFFLINE),
      effect: (s, n) => {
        n.pm = design === 'kvm' ? Pm.SYSCORE_SUSPENDED : Pm.KVM_SUSPENDED;
        if (s.cpu.at(BOOT_CPU).kvm_virt) own.kvmPut(n, BOOT_CPU);
      },
      issues: (s) => (s.cpu.at(BOOT_CPU).kvm_virt ? flushOn(s, [BOOT_CPU]) : []),
    },
    ...(design === 'refcount'
      ? [
          {
            name: 'tdx_suspend',
            context: 'syscore',
            source: 'arch/x86/virt/vmx/tdx/tdx.c: tdx_suspend()',
            guard: (s: S) => normal(s) && s.pm === Pm.KVM_SUSPENDED,
            effect: (s: S, n: N) => {
              n.pm = Pm.SYSCORE_SUSPENDED;
              if (s.cpu.at(BOOT_CPU).tdx_ref) own.tdxPut(n, BOOT_CPU);
            },
          },
          {
            name: 'tdx_resume',
            context: 'syscore',
            source: 'arch/x86/virt/vmx/tdx/tdx.c: tdx_resume()',
            guard: (s: S) => normal(s) && s.pm === Pm.SYSCORE_SUSPENDED,
            effect: (s: S, n: N) => {
              n.pm = Pm.TDX_RESUMED;
              if (own.tdxEnabled(s)) own.tdxGet(n, BOOT_CPU);
            },
          },
        ]
      : []),
    {
      name: 'kvm_resume',
      context: 'syscore',
      source: 'drivers/base/syscore.c: syscore_resume(); virt/kvm/kvm_main.c: kvm_resume()',
      guard: (s) => normal(s) && s.pm === (design === 'kvm' ? Pm.SYSCORE_SUSPENDED : Pm.TDX_RESUMED),
      effect: (s, n) => {
        n.pm = Pm.RESUMING;
        if (kvmLoaded(s)) own.kvmGet(n, BOOT_CPU);
      },
    },
    {
      name: 'dpm_resume, thaw_processes',
      context: 'task',
      source: 'drivers/base/power/main.c: dpm_resume(); kernel/power/process.c: thaw_processes()',
      guard: (s) => normal(s) && s.pm === Pm.RESUMING && !inTransit(s),
      effect: (s, n) => {
        n.pm = Pm.RUNNING;
        if (s.tsm === Tsm.QUIESCED) n.tsm = Tsm.BOUND;
      },
    },
  ];

  const powerOff: VmxAction[] = [
    {
      name: 'device_shutdown',
      context: 'task',
      description: "device shutdown callbacks: tdx_tsm's quiesces it (cannot-fail SEAMCALLs)",
      source: 'kernel/reboot.c: kernel_power_off() -> device_shutdown(); seed 002 (Dan: tdx_tsm shutdown callback)',
      guard: (s) => normal(s) && s.pm === Pm.FROZEN,
      effect: (s, n) => {
        n.pm = Pm.DEVICES_SHUT_DOWN;
        if (s.tsm === Tsm.BOUND) n.tsm = Tsm.QUIESCED;
      },
      issues: tsmQuiesce,
    },
    {
      name: 'kvm_shutdown',
      context: 'syscore',
      description: 'on_each_cpu(kvm_disable_virtualization_cpu): TDH.VP.FLUSH, then KVM lets go of VMX',
      source: 'virt/kvm/kvm_main.c: kvm_shutdown()',
      guard: (s) => normal(s) && s.pm === Pm.DEVICES_SHUT_DOWN,
      effect: (s, n) => {
        n.pm = design === 'kvm' ? Pm.VIRT_OFF : Pm.KVM_SHUT_DOWN;
        for (const c of all) if (s.cpu.at(c).kvm_virt) own.kvmPut(n, c);
      },
      issues: (s) =>
        flushOn(
          s,
          all.filter((c) => s.cpu.at(c).kvm_virt),
        ),
    },
    ...(design === 'refcount'
      ? [
          {
            name: 'tdx_shutdown: TDH.SYS.DISABLE',
            context: 'syscore',
            description: "the module is disabled so that a kexec'd kernel can initialize it again",
            source: 'arch/x86/virt/vmx/tdx/tdx.c: tdx_shutdown() -> tdx_sys_disable() [DIS]',
            guard: (s: S) => normal(s) && s.pm === Pm.KVM_SHUT_DOWN,
            effect: (_s: S, n: N) => {
              n.pm = Pm.TDX_DISABLED;
              mustSucceed(tdx, n, BOOT_CPU, SeamcallLeaf.TDH_SYS_DISABLE);
            },
            issues: () => [{ cpu: BOOT_CPU, client: 'TDX core' as const }],
          },
          {
            name: 'tdx_shutdown_cpu',
            context: 'syscore',
            description: 'on_each_cpu: WBINVD if the cache is incoherent, then x86_virt_put_ref()',
            source: 'arch/x86/virt/vmx/tdx/tdx.c: tdx_shutdown_cpu() [DIS]',
            guard: (s: S) => normal(s) && s.pm === Pm.TDX_DISABLED,
            effect: (s: S, n: N) => {
              n.pm = Pm.VIRT_OFF;
              for (const c of all) if (s.cpu.at(c).tdx_ref) own.tdxPut(n, c);
            },
          },
        ]
      : []),
    {
      name: 'machine_power_off',
      context: 'task',
      source: 'kernel/reboot.c: kernel_power_off() -> machine_power_off()',
      guard: (s) => normal(s) && s.pm === Pm.VIRT_OFF,
      effect: (_s, n) => {
        n.pm = Pm.HALTED;
      },
    },
  ];

  const crash: VmxAction[] = [
    {
      name: 'panic',
      ...cpu,
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
            context: 'nmi',
            description: 'on the crashing CPU once the shootdown finished or timed out; CPUs not yet stopped may still be in SEAMCALLs (D35)',
            source: 'arch/x86/kernel/crash.c: native_machine_crash_shutdown() -> tdx_sys_disable() [DIS]',
            guard: (s: S) => s.crash === Crash.SHOOTDOWN,
            effect: (s: S, n: N) => {
              n.crash = Crash.DISABLED;
              mustSucceed(tdx, n, s.crash_cpu, SeamcallLeaf.TDH_SYS_DISABLE);
            },
            issues: (s: S) => [{ cpu: s.crash_cpu, client: 'TDX core' as const }],
          },
        ]
      : []),
    {
      name: 'x86_virt_emergency_disable_virtualization_cpu',
      context: 'nmi',
      description: "the crashing CPU's own VMXOFF, then kexec into the crash kernel",
      source: 'arch/x86/kernel/crash.c: native_machine_crash_shutdown(); arch/x86/virt/hw.c',
      guard: (s) => s.crash === (design === 'refcount' ? Crash.DISABLED : Crash.SHOOTDOWN),
      effect: (s, n) => {
        n.crash = Crash.KEXEC;
        n.cpu.at(s.crash_cpu).hp = Hp.HALTED;
        if (s.cpu.at(s.crash_cpu).vmxOn) own.emergencyVmxoff(n, s.crash_cpu);
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
