// An action of the update spec, with what its transition properties need to know about it:
// the SEAMCALL leaf it issues (U1), the context it runs in, whether it is a VMX instruction
// that needs a current VMCS (V8), whether it is a failure the environment injects (U24), and
// which update step it starts (U5, U10).

import type { Read } from '../../checker/domain.js';
import type { Action } from '../../checker/model.js';
import type { Schema } from './state.js';

/** Execution contexts as reports show them (digest 1.4). */
export type Context = 'task' | 'irq' | 'nmi' | 'stop_machine';

export interface Step extends Action<Schema> {
  readonly context: Context;
  /** The SEAMCALL leaf (SeamcallLeaf) the step issues, if any. */
  readonly leaf?: number;
  /** VMREAD/VMWRITE: needs a valid current VMCS. */
  readonly vmx?: boolean;
  /** A failure outside the kernel's control (busy module, loader error, LP check, bad handoff). */
  readonly fault?: boolean;
  /** CPU hotplug: changes the online set. */
  readonly hotplug?: boolean;
  /**
   * Inside do_seamldr_install_module(): the update step (ModuleUpdateState, or past DONE) whose
   * work, or for a CPU with no work its acknowledgement, this action starts on CPU `c`.
   */
  readonly starts?: (s: Read<Schema>, c: number) => number;
}

export const CPU = { actorKind: 'CPU' } as const;
/**
 * An action of the environment, which may never happen on a fair path (liveness): userspace,
 * TD vCPU threads, sysfs readers, IRQs and NMIs that nothing waits for, hotplug, injected faults.
 * The kernel's own steps keep weak fairness: a CPU that can go on does.
 */
export const ENVIRONMENT = { fairness: 'none' } as const;
export { P_SEAMLDR, TDX_MODULE } from '../../model/lanes.js';
/** KVM's perf NMI callback: the one NMI handler bound by Sean's rule (V8.nmi). */
export const PERF_NMI = 'NMI: perf VMREAD(GUEST_RIP)';
