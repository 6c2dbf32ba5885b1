// What a SEAMCALL returns in RAX, by the module's names (tdx_error_codes_defs.h), plus the three
// outcomes the kernel synthesises when the SEAMCALL instruction itself faults (tdx.h).

import { enumOf } from '../checker/domain.js';

export const TdxStatus = enumOf([
  'TDX_SUCCESS',
  // The instruction did not reach SEAM (arch/x86/virt/vmx/tdx/tdx.h; digest 1.1).
  /** #UD: executed outside VMX operation (kernel: -EACCES). */
  'TDX_SEAMCALL_UD',
  /** #GP: SEAM not enabled (kernel: -EOPNOTSUPP). */
  'TDX_SEAMCALL_GP',
  /** VMfailInvalid: no module loaded (kernel: -ENODEV, "module not loaded"). */
  'TDX_SEAMCALL_VMFAILINVALID',
  // Module answers (tdh_sys_*.c, tdx_vmm_dispatcher.c).
  'TDX_SYS_BUSY',
  'TDX_SYS_NOT_READY',
  'TDX_SYS_SHUTDOWN',
  'TDX_SYS_INIT_NOT_PENDING',
  'TDX_SYS_LP_INIT_NOT_PENDING',
  'TDX_SYS_LP_INIT_DONE',
  'TDX_SYS_LP_INIT_NOT_DONE',
  'TDX_SYS_CONFIG_NOT_PENDING',
  'TDX_SYS_KEY_CONFIG_NOT_PENDING',
  'TDX_KEY_CONFIGURED',
  'TDX_RND_NO_ENTROPY',
  'TDX_TDMR_ALREADY_INITIALIZED',
  'TDX_OPERAND_BUSY',
  'TDX_OPERAND_INVALID',
  /** TDH.SYS.CONFIG's TDMR/PAMT/CMR checks, folded into one code (the module has several). */
  'TDX_INVALID_TDMR',
  /** TDH.SYS.LP.INIT's per-LP MSR/CPUID/SMRR/VMX consistency checks, folded into one code. */
  'TDX_INCONSISTENT_MSR',
  'TDX_SYS_STATE_INCORRECT',
  'TDX_SYS_INVALID_HANDOFF',
  'TDX_UPDATE_COMPAT_SENSITIVE',
]);
export type Status = number;
