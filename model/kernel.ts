// The host kernel's TDX state (arch/x86/virt/vmx/tdx/tdx.c), as field domains a spec picks into
// its schema, and the kernel helpers every TDX spec runs the same way.

import { bool, enumOf } from '../checker/domain.js';
import { SeamcallLeaf } from './leaf.js';
import type { ModuleWrite, TdxModule } from './module.js';
import { TdxStatus, type Status } from './status.js';

/** enum tdx_module_status_t ([KUP]); [U-v10]'s `initialized` is status === TDX_MODULE_INITIALIZED. */
export const TdxModuleStatus = enumOf(['TDX_MODULE_UNINITIALIZED', 'TDX_MODULE_INITIALIZED', 'TDX_MODULE_ERROR']);

/** The kernel's return values on these paths (0 or -errno), by name. */
export const Errno = enumOf(['0', '-ENODEV', '-EOPNOTSUPP', '-EACCES', '-EIO', '-EINVAL', '-ENOMEM', '-ENOSPC', '-E2BIG', '-EBUSY']);

/** Global kernel state: tdx_module_status and [U-v10] tdx_module_state's cached TDH.SYS.INIT. */
export const KernelFields = {
  tdx_module_status: TdxModuleStatus,
  sysinit_done: bool(),
  sysinit_ret: Errno,
} as const;

/** Per-CPU kernel state (DEFINE_PER_CPU): index these arrays by 'cpu'. */
export const KernelCpuFields = {
  /** tdx_cpu_enable() finished on this CPU; survives logical offline/online (3.2). */
  tdx_lp_initialized: bool(),
  /**
   * 6.17+: this CPU may hold cache lines a SEAMCALL wrote with a private KeyID. Set before every
   * SEAMCALL (__seamcall_dirty_cache()); cleared only with a WBINVD (tdx_cpu_flush_cache(),
   * stop_this_cpu(), relocate_kernel()).
   */
  cache_state_incoherent: bool(),
} as const;

/** sc_retry_prerr(): a SEAMCALL's status as the kernel's return value. TDX_RND_NO_ENTROPY is retried by sc_retry first. */
export function seamcallErrno(status: Status): number {
  switch (status) {
    case TdxStatus.TDX_SUCCESS:
      return Errno['0'];
    case TdxStatus.TDX_SEAMCALL_VMFAILINVALID:
      return Errno['-ENODEV'];
    case TdxStatus.TDX_SEAMCALL_GP:
      return Errno['-EOPNOTSUPP'];
    case TdxStatus.TDX_SEAMCALL_UD:
      return Errno['-EACCES'];
    default:
      return Errno['-EIO'];
  }
}

/**
 * try_init_module_global(): under the raw spinlock, the first caller issues TDH.SYS.INIT and
 * caches its result, success or failure; every later caller gets the cached value (I4).
 * One step: the lock holder's SEAMCALL is all another CPU could observe. `inject` makes the
 * module answer that failure (see SeamcallArgs.inject).
 */
export function tryInitModuleGlobal(
  k: { sysinit_done: boolean; sysinit_ret: number },
  tdx: TdxModule,
  m: ModuleWrite,
  cpu: number,
  vmxOn: boolean,
  inject?: Status,
): number {
  if (k.sysinit_done) return k.sysinit_ret;
  k.sysinit_ret = seamcallErrno(tdx.seamcall(m, cpu, SeamcallLeaf.TDH_SYS_INIT, inject === undefined ? { vmxOn } : { vmxOn, inject }));
  k.sysinit_done = true;
  return k.sysinit_ret;
}

/**
 * tdx_cpu_enable() as one step: 0 at once if this CPU's tdx_lp_initialized is set; otherwise
 * try_init_module_global(), TDH.SYS.LP.INIT on this CPU, and the flag on success. For specs in
 * which no other CPU can observe the two SEAMCALLs apart (the update's CPU_INIT step).
 */
export function tdxCpuEnable(
  k: { sysinit_done: boolean; sysinit_ret: number },
  lp: { tdx_lp_initialized: boolean },
  tdx: TdxModule,
  m: ModuleWrite,
  cpu: number,
  inject?: Status,
  /** A failure the module answers TDH.SYS.INIT with, if this call is the one that issues it (`inject` is TDH.SYS.LP.INIT's). */
  injectSysInit?: Status,
): number {
  if (lp.tdx_lp_initialized) return Errno['0'];
  let ret = tryInitModuleGlobal(k, tdx, m, cpu, true, injectSysInit);
  if (ret === Errno['0'])
    ret = seamcallErrno(tdx.seamcall(m, cpu, SeamcallLeaf.TDH_SYS_LP_INIT, inject === undefined ? { vmxOn: true } : { vmxOn: true, inject }));
  if (ret === Errno['0']) lp.tdx_lp_initialized = true;
  return ret;
}
