// What an era or a known-bad variant changes in the update, as named design choices. The
// actions and properties read these choices, never the era or variant names themselves.

import type { UpdateParams } from './spec.js';

export const ERAS = ['merged', 'rfc'] as const;
export type Era = (typeof ERAS)[number];

/** Known-bad design mutations (digest 8). D9 and D10 are environments, not mutations: see spec.ts. */
export const VARIANTS = ['reference', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8', 'D11', 'D12', 'D13', 'D14', 'D15', 'D16', 'D28', 'D29', 'D33'] as const;
export type Variant = (typeof VARIANTS)[number];

export const PLATFORMS = ['both', 'invd_vmcs', 'no_invd_vmcs'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** How the step machine reacts to a failed step. */
export type Abort =
  /** [U-v9]+: ack_state() stops advancing once num_failed != 0; each CPU leaves at its next loop test. */
  | 'leave'
  /** [U-RFC] p11: the last acknowledger jumps to DONE; CPUs leave only on reading DONE. */
  | 'fastForward'
  /** D5: failures are counted but the state advances anyway and nobody leaves early. */
  | 'none';

export interface Design {
  readonly abort: Abort;
  /** [U-RFC]: VMPTRST/VMPTRLD around every P-SEAMLDR call (seamldr_call()). */
  readonly vmcsSaveRestore: boolean;
  /** P-SEAMLDR calls outside stop_machine run with IRQs off ([U-RFC] guard(irqsave); D1 drops it). */
  readonly seamldrIrqsOff: boolean;
  /** [U-v7]+: no P-SEAMLDR call, sysfs entry or fw_upload device with X86_BUG_SEAMRET_INVD_VMCS (D1 drops it). */
  readonly erratumGate: boolean;
  /** [U-RFC] p19: seamldr_install_module() returns -ENOSPC when num_remaining_updates is 0. */
  readonly kernelSlotCheck: boolean;
  /** [U-v7]+: TDH.SYS.SHUTDOWN passes TDX_SYS_SHUTDOWN_AVOID_COMPAT_SENSITIVE (D15 drops it). */
  readonly avoidCompatSensitive: boolean;
  /** [U-MAIN]: the sysfs `version` reader holds off updates (seamldr_lock_module_update()). */
  readonly versionLocksOutUpdates: boolean;
  /** D4: false, all steps in one callback with no global state and no ack_state(). */
  readonly perStepAck: boolean;
  /** D7: false, a failing CPU leaves without acknowledging or counting its failure. */
  readonly failurePublished: boolean;
  /** D8: false, init_state() and stop_machine() without cpus_read_lock() around them. */
  readonly cpusReadLock: boolean;
  /** D28: the lead is the first online CPU, chosen at the fw_upload write before the online set is frozen; CPU 0 may go offline. */
  readonly leadAtWrite: boolean;
  /** [U-v7]+: the SHUTDOWN step clears tdx_lp_initialized for every possible CPU (D29: online ones only). */
  readonly resetAllCpus: boolean;
  /**
   * stop_machine(): every CPU stays in its stopper, IRQs off, from the first step to the last.
   * D11-D13: each step is its own IPI to every CPU (the writer waits for all of them), and the
   * CPUs run tasks and IRQs between steps.
   */
  readonly rendezvous: boolean;
  /**
   * D11: every other SEAMCALL takes a read lock around the SEAMCALL (TDH.VP.ENTER holds it in
   * guest mode), the update holds the write lock from init_state() to its end.
   */
  readonly seamcallRwlock: boolean;
  /** D12: KVM_RUN and the TD build ioctls take a lock the update holds, and the update waits for them to leave. */
  readonly kvmEntryLock: boolean;
  /** D14: after an update the kernel refreshes all of tdx_sysinfo, not only the version ([U-v9]+). */
  readonly fullSysinfoRefresh: boolean;
  /** [U-v8]+: TDH.SYS.SHUTDOWN's handoff version is read fresh (TDH.SYS.RD); D16: the value cached at boot. */
  readonly freshHandoffVersion: boolean;
  /** SEAMLDR.INFO callers take seamldr_lock (D33: not). */
  readonly infoTakesLock: boolean;
  /** D3: a perf NMI handler runs VMREAD wherever it lands, not only in KVM's run loop. */
  readonly nmiVmreadAnywhere: boolean;
  /** D2: an NMI (or #MC) handler other than KVM's perf callback runs a VMX instruction wherever it lands. */
  readonly otherNmiVmread: boolean;
}

export function design(p: Pick<UpdateParams, 'era' | 'variant'>): Design {
  const v = p.variant;
  const rfc = p.era === 'rfc';
  return {
    abort: v === 'D5' ? 'none' : rfc || v === 'D6' ? 'fastForward' : 'leave',
    vmcsSaveRestore: rfc,
    seamldrIrqsOff: rfc && v !== 'D1',
    erratumGate: !rfc && v !== 'D1',
    kernelSlotCheck: rfc,
    avoidCompatSensitive: !rfc && v !== 'D15',
    versionLocksOutUpdates: !rfc,
    perStepAck: v !== 'D4',
    failurePublished: v !== 'D7',
    cpusReadLock: v !== 'D8',
    leadAtWrite: v === 'D28',
    resetAllCpus: v !== 'D29',
    rendezvous: v !== 'D11' && v !== 'D12' && v !== 'D13',
    seamcallRwlock: v === 'D11',
    kvmEntryLock: v === 'D12',
    fullSysinfoRefresh: v === 'D14',
    freshHandoffVersion: v !== 'D16',
    infoTakesLock: v !== 'D33',
    nmiVmreadAnywhere: v === 'D3',
    otherNmiVmread: v === 'D2',
  };
}
