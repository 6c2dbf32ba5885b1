// seamldr.c's static `update_ctrl` and the three functions that write it: init_state() (the
// only reset, called by seamldr_install_module() before stop_machine()), ack_state() and
// __set_target_state(). Nothing else touches it, so what an attempt leaves there (DONE+1 after
// a success; the failed state, its acks and num_failed after a failure) is what the next
// attempt's init_state() starts from.

import { ModuleUpdateState as U, UpdateCtrlState } from '../../model/seamldr.js';
import type { Design } from './design.js';
import { onlineCount, type Env, type N } from './state.js';

export interface UpdateCtrl {
  /** init_state(): __set_target_state(ctrl, MODULE_UPDATE_START + 1); num_failed = 0. */
  initState(n: N): void;
  /** ack_state(ctrl, result), under update_ctrl.lock. */
  ackState(n: N, failed: boolean): void;
}

export function updateCtrl(d: Design, env: Env): UpdateCtrl {
  /** __set_target_state(): num_ack = 0; state = newstate (values past DONE+1 folded, see UpdateCtrlState). */
  const setTargetState = (n: N, state: number): void => {
    n.update_ctrl.num_ack = 0;
    n.update_ctrl.state = Math.min(state, UpdateCtrlState['DONE+2']);
  };
  return {
    initState: (n) => {
      setTargetState(n, U.START + 1);
      n.update_ctrl.num_failed = 0;
    },
    ackState: (n, failed) => {
      const u = n.update_ctrl;
      u.num_failed = Math.min(u.num_failed + (failed ? 1 : 0), env.cpus); // num_failed += !!result
      if (!d.perStepAck) return; // D4: no acknowledgement, but the failure count still stops every CPU
      u.num_ack = Math.min(u.num_ack + 1, env.cpus + 1);
      // num_ack == num_online_cpus(): constant only because cpus_read_lock() is held (U4).
      if (u.num_ack !== onlineCount(n)) return;
      if (u.num_failed === 0 || d.abort === 'none') setTargetState(n, u.state + 1);
      else if (d.abort === 'fastForward') setTargetState(n, U.DONE); // [U-RFC] p11
      // [U-v9]+: a failure leaves state and num_ack where they are.
    },
  };
}
