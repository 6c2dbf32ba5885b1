// The state of the VMX-ownership model: per-CPU VMX and its owners, the clients (KVM, its TD,
// tdx_tsm), the power-management and crash phases, and the TDX module itself.

import { array, bool, enumOf, int, record, type Read, type Write } from '../../checker/domain.js';
import { CpuFields } from '../../model/cpu.js';
import { KernelFields, KernelCpuFields } from '../../model/kernel.js';
import type { TdxModule } from '../../model/module.js';

/** The boot CPU: never offline (no CPU0 hotplug); syscore, reboot and one-off task steps run here. */
export const BOOT_CPU = 0;

/** The TDMR layout the TDX core configures: one TDMR of one chunk (specs/init checks layouts). */
export const TDMR_LAYOUT = { tdmrs: 1, tdmrChunks: 1 } as const;
/** The module the model runs: the TDMR layout, and a count of the TDH.SYS.INIT calls it receives (I4). */
export const MODULE_OPTIONS = { ...TDMR_LAYOUT, countSysInit: true } as const;

/** The owners that may hold a VMX reference on a CPU: KVM and the TDX core. */
export const MAX_OWNERS = 2;

export const DESIGNS = ['refcount', 'kvm'] as const;
export type Design = (typeof DESIGNS)[number];
export const VARIANTS = ['reference', 'D18', 'D19', 'suspend_retry'] as const;
export type Variant = (typeof VARIANTS)[number];

/**
 * Where a CPU is in the cpuhp state machine, bottom-up: CPUHP_AP_KVM_ONLINE (KVM's VMXON or
 * reference), the TDX state in CPUHP_AP_ONLINE_DYN (refcount: UP_TDX_VMX between its
 * x86_virt_get_ref() and its tdx_cpu_enable()), then CPUHP_AP_ACTIVE (tasks may run here).
 * Offline walks back down: sched_cpu_deactivate, the TDX teardown, sched_cpu_wait_empty, KVM's
 * teardown. HALTED: stopped by the crash NMI shootdown.
 */
export const Hp = enumOf(['OFFLINE', 'UP_KVM', 'UP_TDX_VMX', 'UP_TDX', 'ONLINE', 'DOWN_TDX', 'DOWN_KVM', 'HALTED']);

/** Suspend (kernel/power/suspend.c) and power-off (kernel/reboot.c) phases. */
export const Pm = enumOf([
  'RUNNING',
  'FROZEN', // freeze_processes(): userspace stopped (for suspend, or before a normal power-off)
  'DEVICES_SUSPENDED',
  'KVM_SUSPENDED',
  'SYSCORE_SUSPENDED',
  'TDX_RESUMED',
  'RESUMING', // syscore resume done; secondary CPUs come back
  'DEVICES_SHUT_DOWN',
  'KVM_SHUT_DOWN',
  'TDX_DISABLED',
  'VIRT_OFF',
  'HALTED',
]);

/** kvm_intel: not loaded, loaded (virtualization enabled at load), or loaded with TDX brought up (KVM-owned design). */
export const Kvm = enumOf(['UNLOADED', 'LOADED', 'TDX']);

/** The tdx_tsm device: unbound, bound and serving requests, or quiesced by its suspend/shutdown callback. */
export const Tsm = enumOf(['UNBOUND', 'BOUND', 'QUIESCED']);

/** native_machine_crash_shutdown(): NMI shootdown, then TDH.SYS.DISABLE ([DIS]), then the crashing CPU's VMXOFF and kexec. */
export const Crash = enumOf(['NONE', 'SHOOTDOWN', 'DISABLED', 'KEXEC']);

export function vmxSchema(cpus: number, tdx: TdxModule) {
  return record({
    pm: Pm,
    kvm: Kvm,
    tsm: Tsm,
    /** A TD exists (its VM fd is open, so kvm_intel cannot unload). */
    td: bool(),
    /** The CPU the TD's vCPU is associated with (TDH.VP.ENTER ran there, no TDH.VP.FLUSH since), or -1. */
    td_vcpu: int(-1, cpus - 1, { ref: 'cpu' }),
    crash: Crash,
    crash_cpu: int(-1, cpus - 1, { ref: 'cpu' }),
    tdx_module_status: KernelFields.tdx_module_status,
    sysinit_done: KernelFields.sysinit_done,
    sysinit_ret: KernelFields.sysinit_ret,
    /** A userspace request in the kernel (entered, not yet returned): the freezer waits for it (V7). */
    request: record({ kvm_run: bool(), tsm: bool() }),
    /** x86_virt_put_ref() without a reference (its WARN_ON_ONCE), or more references than owners: a counting bug (V1). */
    ref_warn: bool(),
    /** kvm_intel has been unloaded since boot (the target that TDX keeps VMX without KVM). */
    kvm_unloaded: bool(),
    tdx_module: tdx.domain,
    cpu: array(
      cpus,
      record({
        hp: Hp,
        vmxOn: CpuFields.vmxOn,
        /** A normal VM's vCPU VMCS is current here (KVM keeps VMCS handling after the refactor). */
        currentVmcs: CpuFields.currentVmcs,
        /** KVM's per-CPU virtualization_enabled: KVM did VMXON here (KVM-owned) or holds a reference (refcount). */
        kvm_virt: bool(),
        /** Refcount design: the TDX core's cpuhp state holds a reference on this CPU. */
        tdx_ref: bool(),
        tdx_lp_initialized: KernelCpuFields.tdx_lp_initialized,
        /** In frozen_cpus: freeze_secondary_cpus() took it offline for suspend; thaw_secondary_cpus() brings it back. */
        frozen: bool(),
        /** Refcount design: hw.c's per-CPU virtualization_nr_users. */
        virtualization_nr_users: int(0, MAX_OWNERS),
      }),
      { index: 'cpu' },
    ),
  });
}
export type Schema = ReturnType<typeof vmxSchema>;
export type S = Read<Schema>;
export type N = Write<Schema>;
