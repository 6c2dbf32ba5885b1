// The state of a live TDX host during TD-preserving updates, and the predicates over it that
// the kernel's own synchronization decides (who may run, whether IRQs are on, whether the
// step machine is running). Everything here is a typed finite domain.

import { array, bool, enumOf, int, record, type Read, type Write } from '../../checker/domain.js';
import { CpuFields } from '../../model/cpu.js';
import { KernelCpuFields, KernelFields } from '../../model/kernel.js';
import { TdxModule } from '../../model/module.js';
import { ModuleUpdateState, SeamldrFields } from '../../model/seamldr.js';
import { topology } from '../../model/topology.js';
import type { Design } from './design.js';
import type { UpdateParams } from './spec.js';

/** The environment a check runs in: the machine, userspace's habits and what may go wrong (the spec's parameters). */
export type Env = UpdateParams;

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
]);

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
    update_ctrl: record({
      state: ModuleUpdateState,
      num_ack: int(0, env.cpus),
      /** num_failed != 0: the only test anyone makes of num_failed. */
      failed: bool(),
      /** The CPU that does the single-CPU steps (CPU 0 unless D28). */
      lead: int(0, env.cpus - 1, cpu),
    }),
    fw_upload: record({
      phase: FwUpload,
      writes_left: int(0, env.updates),
      /** The written image accepts this module's handoff (same major.minor, at or above its minimum version). */
      image_ok: bool(),
    }),
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
        currentVmcs: CpuFields.currentVmcs,
        task: Task,
        stopper: Stopper,
        /** The update state this CPU last read (do_seamldr_install_module()'s curstate). */
        cur: ModuleUpdateState,
        loop: Loop,
        tdx_lp_initialized: KernelCpuFields.tdx_lp_initialized,
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
  return new TdxModule(topology(env.cpus, 1), { tdmrs: 0, tdmrChunks: 0, allLpsRequired: env.all_lps });
}

// ---- What the kernel's synchronization decides ---------------------------------------------

const stopping = (x: number): boolean => x === Stopper.PREPARE || x === Stopper.IRQS_OFF || x === Stopper.EXIT;

/** The CPU runs tasks and IRQs normally: online and not held by a stopper. */
export function free(s: S, c: number): boolean {
  const cpu = s.cpu.at(c);
  return cpu.online && !stopping(cpu.stopper);
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

/** upd.running (digest 7): some CPU is inside the update callback. */
export function updateRunning(s: S): boolean {
  for (let c = 0; c < s.cpu.length; c++) if (inUpdate(s, c)) return true;
  return false;
}

/** Some CPU has entered the update callback and the update has not finished on every CPU. */
export function inStepMachine(s: S, c: number): boolean {
  const st = s.cpu.at(c).stopper;
  return inUpdate(s, c) || (st === Stopper.EXIT && allStoppersAt(s, Stopper.IRQS_OFF));
}

/** Between SEAMRET from the P-SEAMLDR and the VMPTRLD that restores the current VMCS ([U-RFC]). */
export function inVmcsRestoreWindow(s: S, c: number): boolean {
  const cpu = s.cpu.at(c);
  return cpu.task === Task.INFO_VMPTRLD || (inUpdate(s, c) && (cpu.loop === Loop.VMPTRLD || cpu.loop === Loop.VMPTRLD_FAILED));
}

/** Inside the P-SEAMLDR (SEAMCALL entered, SEAMRET not yet). */
export function inSeamldr(s: S, c: number): boolean {
  const cpu = s.cpu.at(c);
  return cpu.task === Task.SEAMLDR_INFO || (inUpdate(s, c) && cpu.loop === Loop.SEAMLDR_INSTALL);
}

/** An interrupt handler can run here: the CPU is online and not inside SEAM (it is delivered after SEAMRET). */
export function interruptible(s: S, c: number): boolean {
  return s.cpu.at(c).online && !inSeamldr(s, c);
}

/** IRQs are enabled: not in a stopper past local_irq_disable(), not in an irqsave P-SEAMLDR call. */
export function irqsOn(s: S, c: number, d: Design): boolean {
  const cpu = s.cpu.at(c);
  if (!interruptible(s, c) || cpu.stopper === Stopper.IRQS_OFF || cpu.stopper === Stopper.EXIT) return false;
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

/** cpus_read_lock() is held (by seamldr_install_module(), or by stop_machine() itself): no CPU may come or go. */
export function hotplugLocked(s: S): boolean {
  return s.fw_upload.phase === FwUpload.STOP_MACHINE;
}

export function onlineCount(s: S): number {
  let k = 0;
  for (let c = 0; c < s.cpu.length; c++) if (s.cpu.at(c).online) k++;
  return k;
}
