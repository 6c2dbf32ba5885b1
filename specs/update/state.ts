// The state of a live TDX host during TD-preserving updates, and the predicates over it that
// the kernel's own synchronization decides (who may run, whether IRQs are on, whether the
// step machine is running). Everything here is a typed finite domain.

import { array, bool, enumOf, int, record, type Read, type Write } from '../../checker/domain.js';
import { CpuFields } from '../../model/cpu.js';
import { KernelCpuFields, KernelFields } from '../../model/kernel.js';
import { TdxModule } from '../../model/module.js';
import { ModuleUpdateState, SeamldrFields, UpdateCtrlState } from '../../model/seamldr.js';
import { topology } from '../../model/topology.js';
import type { Design } from './design.js';
import type { UpdateParams } from './spec.js';

/** The environment a check runs in: the machine, userspace's habits and what may go wrong (the spec's parameters). */
export type Env = UpdateParams;

/**
 * The hardware's current-VMCS pointer on a CPU, as an identity relative to KVM: KVM keeps its VMCS
 * of this CPU loaded (its per-CPU current_vmcs), so anything else is a wrong one (U17).
 */
export const Vmcs = enumOf([
  /** No current VMCS (SEAMRET_INVD_VMCS cleared it): VMREAD fails VMfailInvalid (V8). */
  'INVALID',
  /** The VMCS KVM loaded on this CPU. */
  'KVM',
  /** Some other VMCS: a restore that loaded the wrong pointer. */
  'OTHER',
]);

/** Where the stop_machine() stopper thread of a CPU is (multi_cpu_stop()'s states, per CPU). */
export const Stopper = enumOf([
  'NONE',
  /** Running: it preempted the CPU's task; IRQs still on (MULTI_STOP_PREPARE acknowledged). */
  'PREPARE',
  /** local_irq_disable() done; once every CPU is here, MULTI_STOP_RUN: the update callback runs. */
  'IRQS_OFF',
  /** The callback returned; IRQs stay off until every CPU has returned (MULTI_STOP_EXIT). */
  'EXIT',
  /** IRQs restored, the stopper is done; stop_machine() has not returned to the writer yet. */
  'DONE',
  /** D11-D13: this step's IPI handler returned; the CPU runs tasks and IRQs until the next step's IPI. */
  'BETWEEN',
]);

/** Where a CPU is inside one pass of do_seamldr_install_module()'s loop. */
export const Loop = enumOf([
  /** Between passes: the step named by `cur` is done and acknowledged (or is START). */
  'SPIN',
  /** Inside SEAMLDR.INSTALL, holding seamldr_lock. */
  'SEAMLDR_INSTALL',
  /** [U-RFC]: SEAMRET left the current VMCS invalid, VMPTRLD pending; INSTALL succeeded. */
  'VMPTRLD',
  /** As VMPTRLD, but INSTALL failed (`ret` is non-zero). */
  'VMPTRLD_FAILED',
]);

/** A CPU's task-context activity that another CPU, or its own stopper, must wait for. */
export const Task = enumOf([
  /** Preemptible: an idle task, userspace, or a vCPU thread (see `vcpu[].cpu`). */
  'IDLE',
  /** Inside the P-SEAMLDR for SEAMLDR.INFO (preemption off; [U-RFC]: IRQs off). */
  'SEAMLDR_INFO',
  /** [U-RFC]: SEAMLDR.INFO returned with the current VMCS invalid, VMPTRLD pending. */
  'INFO_VMPTRLD',
  /** Reading sysfs `version` between seamldr_lock_module_update() and the unlock (preemption off). */
  'VERSION',
  /**
   * vcpu_load() of a TD vCPU last run on another LP: smp_call_function_single(wait=1) sent the
   * TDH.VP.FLUSH IPI there and spins, preemption off, until that CPU's handler has run.
   */
  'IPI_WAIT',
]);

/** attempt.failed_at: no step of this attempt failed yet, or the first step whose call failed (ModuleUpdateState's numbering). */
export const FailedAt = enumOf(['NONE', ...ModuleUpdateState.names.slice(1)]);

/** seamldr_install_module() on the fw_upload write path. */
export const FwUpload = enumOf([
  'IDLE',
  /** The image is written and checked; seamldr_params built. */
  'WRITTEN',
  /** D8: init_state() done without cpus_read_lock(). */
  'STATE_INIT',
  /** Inside stop_machine(): the online set is frozen. */
  'STOP_MACHINE',
]);

export function updateSchema(env: Env, tdx: TdxModule) {
  const cpu = { ref: 'cpu' } as const;
  return record({
    /** X86_BUG_SEAMRET_INVD_VMCS (IA32_VMX_BASIC[60] clear): SEAMRET from the P-SEAMLDR invalidates the current VMCS. */
    seamret_invd_vmcs: bool(),
    tdx_module: tdx.domain,
    kernel: record({ ...KernelFields }),
    seamldr: record({ num_remaining_updates: SeamldrFields.num_remaining_updates(env.slots) }),
    /**
     * The running module's handoff version (module_hv, read with TDH.SYS.RD): 0 for the module
     * loaded at boot, one more for each module an update made ready. Each module accepts only its
     * own version in TDH.SYS.SHUTDOWN (min_update_hv = module_hv, [ASSUMPTION] digest 4.3).
     */
    module_hv: int(0, env.updates),
    /** What the running module reports through TDH.SYS.RD: each update's module is a newer release with one more feature. */
    module_info: record({ version_update: int(0, env.updates), features: bool() }),
    /** The kernel's tdx_sysinfo, read at boot; KVM set up its TDX support from these features then. */
    tdx_sysinfo: record({ version_update: int(0, env.updates), features: bool() }),
    /** seamldr.c's static update_ctrl: only init_state() resets it, so the last attempt's values stay until the next one. */
    update_ctrl: record({
      state: UpdateCtrlState,
      /** Compared with == num_online_cpus(); a count past that never matches again, so it saturates one above the CPUs. */
      num_ack: int(0, env.cpus + 1),
      /** A count (num_failed += !!result); only its zero-ness is tested, so it saturates at the CPUs. */
      num_failed: int(0, env.cpus),
      /** The CPU that does the single-CPU steps (CPU 0 unless D28). */
      lead: int(0, env.cpus - 1, cpu),
    }),
    fw_upload: record({
      phase: FwUpload,
      writes_left: int(0, env.updates),
      /** The written image accepts this module's handoff (same major.minor, at or above its minimum version). */
      image_ok: bool(),
      /** stop_machine()'s cpu_stop_done.ret: some CPU's callback returned an error (cpu_stopper_thread()). */
      done_ret: bool(),
    }),
    /**
     * Ghost, not kernel state: what this attempt executed, written from the answers the module
     * and the loader gave, never from update_ctrl. Set up at init_state(), cleared when
     * stop_machine() returns. The transition properties read it.
     */
    attempt: record({
      /** The first step whose SEAMCALL or loader call failed. */
      failed_at: FailedAt,
      /** Per CPU: the last step whose work it finished and acknowledged (START: none yet). */
      done: array(env.cpus, ModuleUpdateState, { index: 'cpu' }),
      /** Per CPU: successful SEAMLDR.INSTALLs (2: more than one). */
      installs: array(env.cpus, int(0, 2), { index: 'cpu' }),
      /** TDH.SYS.SHUTDOWN was issued. */
      shutdown_issued: bool(),
      /** The handoff version TDH.SYS.SHUTDOWN was passed. */
      shutdown_hv: int(0, env.updates),
      /** TDH.SYS.UPDATE was issued. */
      update_issued: bool(),
      /** num_remaining_updates when init_state() ran. */
      slots_before: SeamldrFields.num_remaining_updates(env.slots),
    }),
    /** KVM killed the running TD: one of its SEAMCALLs failed (the module was gone or not ready). */
    td_killed: bool(),
    /** A TD between KVM_TDX_INIT_VM and KVM_TDX_FINALIZE_VM: a compat-sensitive flow. */
    td_build: bool(),
    vcpu: array(
      env.vcpus,
      record({
        /** The CPU this vCPU's thread runs KVM_RUN on (kvm_running_vcpu), or -1. */
        cpu: int(-1, env.cpus - 1, cpu),
        /** Inside TDH.VP.ENTER. */
        guest: bool(),
        /** The LP the TD vCPU is associated with: TDH.VP.FLUSH there before it runs elsewhere. */
        assoc: int(-1, env.cpus - 1, cpu),
      }),
      { index: 'vcpu' },
    ),
    cpu: array(
      env.cpus,
      record({
        online: CpuFields.online,
        currentVmcs: Vmcs,
        task: Task,
        stopper: Stopper,
        /** The update state this CPU last read (do_seamldr_install_module()'s curstate). */
        cur: UpdateCtrlState,
        /** do_seamldr_install_module()'s `ret` != 0: set by each step's work, never reset between passes. */
        ret: bool(),
        loop: Loop,
        tdx_lp_initialized: KernelCpuFields.tdx_lp_initialized,
        /** D11: an IRQ handler spins in read_lock(), IRQs off, while the update holds the write lock. */
        read_lock_spin: bool(),
      }),
      { index: 'cpu' },
    ),
  });
}
export type Schema = ReturnType<typeof updateSchema>;
export type S = Read<Schema>;
export type N = Write<Schema>;

/** The module and topology of an environment: one package; every CPU is a platform LP. */
export function tdxModule(env: Env): TdxModule {
  return new TdxModule(topology(env.cpus, 1), { tdmrs: 0, tdmrChunks: 0, allLpsRequired: env.all_lps, countSysInit: true });
}

// ---- What the kernel's synchronization decides ---------------------------------------------

const stopping = (x: number): boolean => x === Stopper.PREPARE || x === Stopper.IRQS_OFF || x === Stopper.EXIT;

/** The CPU runs tasks and IRQs normally: online and not held by a stopper. */
export function free(s: S, c: number): boolean {
  const cpu = s.cpu.at(c);
  return cpu.online && !stopping(cpu.stopper) && !cpu.read_lock_spin;
}

export function vcpuOn(s: S, c: number): boolean {
  for (let v = 0; v < s.vcpu.length; v++) if (s.vcpu.at(v).cpu === c) return true;
  return false;
}

/** The CPU may start another task-context activity: free, idle, and not running a vCPU thread. */
export function idle(s: S, c: number): boolean {
  return free(s, c) && s.cpu.at(c).task === Task.IDLE && !vcpuOn(s, c);
}

/** Every online CPU's stopper has reached `min` or beyond (multi_cpu_stop()'s state advance). */
function allStoppersAt(s: S, min: number): boolean {
  for (let c = 0; c < s.cpu.length; c++) {
    const cpu = s.cpu.at(c);
    if (cpu.online && cpu.stopper < min) return false;
  }
  return true;
}

/** MULTI_STOP_DISABLE_IRQ: every online CPU's stopper runs. */
export const allStoppersRunning = (s: S): boolean => allStoppersAt(s, Stopper.PREPARE);

/** The CPU is inside do_seamldr_install_module(): MULTI_STOP_RUN reached and it has not returned. */
export function inUpdate(s: S, c: number): boolean {
  return s.cpu.at(c).stopper === Stopper.IRQS_OFF && allStoppersAt(s, Stopper.IRQS_OFF);
}

/** A CPU at the top of a pass reads `state` it has not read yet (the guard a changed step switch needs). */
export const readsNew = (s: S, c: number, state: number): boolean =>
  s.update_ctrl.state === state && s.cpu.at(c).cur !== state && s.cpu.at(c).loop === Loop.SPIN && inUpdate(s, c);

/** Between SEAMRET from the P-SEAMLDR and the VMPTRLD that restores the current VMCS ([U-RFC]). */
export function inVmcsRestoreWindow(s: S, c: number): boolean {
  const cpu = s.cpu.at(c);
  return cpu.task === Task.INFO_VMPTRLD || ((cpu.loop === Loop.VMPTRLD || cpu.loop === Loop.VMPTRLD_FAILED) && inUpdate(s, c));
}

/** Inside the P-SEAMLDR (SEAMCALL entered, SEAMRET not yet). */
export function inSeamldr(s: S, c: number): boolean {
  const cpu = s.cpu.at(c);
  return cpu.task === Task.SEAMLDR_INFO || (cpu.loop === Loop.SEAMLDR_INSTALL && inUpdate(s, c));
}

/** An interrupt handler can run here: the CPU is online and not inside SEAM (it is delivered after SEAMRET). */
export function interruptible(s: S, c: number): boolean {
  return s.cpu.at(c).online && !inSeamldr(s, c);
}

/** IRQs are enabled: not in a stopper past local_irq_disable(), not in an irqsave P-SEAMLDR call. */
export function irqsOn(s: S, c: number, d: Design): boolean {
  const cpu = s.cpu.at(c);
  if (!interruptible(s, c) || cpu.stopper === Stopper.IRQS_OFF || cpu.stopper === Stopper.EXIT || cpu.read_lock_spin) return false;
  return !(d.seamldrIrqsOff && cpu.task === Task.INFO_VMPTRLD);
}

/** seamldr_lock is held: some CPU is inside a P-SEAMLDR call that took it. */
export function seamldrLocked(s: S, d: Design): boolean {
  for (let c = 0; c < s.cpu.length; c++) {
    const cpu = s.cpu.at(c);
    if (cpu.loop !== Loop.SPIN && inUpdate(s, c)) return true;
    if (d.infoTakesLock && (cpu.task === Task.SEAMLDR_INFO || cpu.task === Task.INFO_VMPTRLD)) return true;
  }
  return false;
}

/** D11: the update holds the SEAMCALL rwlock for writing. */
export function writeLocked(s: S, d: Design): boolean {
  return d.seamcallRwlock && s.fw_upload.phase === FwUpload.STOP_MACHINE;
}

/** cpus_read_lock() is held (by seamldr_install_module(), or by stop_machine() itself): no CPU may come or go. */
export function hotplugLocked(s: S): boolean {
  return s.fw_upload.phase === FwUpload.STOP_MACHINE;
}

export function onlineCount(s: S): number {
  let k = 0;
  for (let c = 0; c < s.cpu.length; c++) if (s.cpu.at(c).online) k++;
  return k;
}
