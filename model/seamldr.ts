// The P-SEAMLDR and the TD-preserving update's step machine, by seamldr.c's names (digest 1.2,
// 4.6-4.8). The loader is not the TDX module: its leaves never go through `TdxModule.seamcall`.

import { enumOf, int } from '../checker/domain.js';
import { SeamcallLeaf } from './leaf.js';

/**
 * enum module_update_state (seamldr.c; the RFC's TDP_*). Each CPU starts at START; the global
 * state starts at SHUTDOWN and advances when the last CPU acknowledges (ack_state()).
 */
export const ModuleUpdateState = enumOf(['START', 'SHUTDOWN', 'CPU_INSTALL', 'CPU_INIT', 'RUN_UPDATE', 'DONE']);

/**
 * The values update_ctrl.state and a CPU's curstate can hold: ModuleUpdateState, then DONE+1,
 * which the last ack_state() of DONE writes (__set_target_state(ctrl, ctrl->state + 1)) and
 * which stays there until the next init_state(). The kernel never goes further; a broken
 * init_state() would, so every larger value is folded into 'DONE+2' (a CPU reading it spins for
 * ever, which the checker reports as a hang either way).
 */
export const UpdateCtrlState = enumOf([...ModuleUpdateState.names, 'DONE+1', 'DONE+2']);

/**
 * LEAVES_UPD (digest 7.2): the only leaves a CPU may issue while the step machine runs.
 * TDH.SYS.RD is the handoff-version read inside the SHUTDOWN step.
 */
export const UPDATE_LEAVES: ReadonlySet<number> = new Set([
  SeamcallLeaf.TDH_SYS_RD,
  SeamcallLeaf.TDH_SYS_SHUTDOWN,
  SeamcallLeaf.SEAMLDR_INSTALL,
  SeamcallLeaf.TDH_SYS_INIT,
  SeamcallLeaf.TDH_SYS_LP_INIT,
  SeamcallLeaf.TDH_SYS_UPDATE,
]);

/** The loader's state a spec picks into its schema (SEAMLDR_INFO, digest 4.4). */
export const SeamldrFields = {
  /**
   * SEAMLDR_INFO.num_remaining_updates: platform-specific at boot, one less after each
   * successful update, and SEAMLDR.INSTALL fails at 0 until reboot (seed 002's ABI text).
   */
  num_remaining_updates: (max: number) => int(0, max),
} as const;
