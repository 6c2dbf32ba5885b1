// SEAMCALL leaves by their kernel names (tdx.h, seamldr.c), with what the module's dispatcher
// needs to know about each: its lock, and whether it is accepted before SYS_READY or LP init.
// Leaf numbers (tdx.h): KEY.CONFIG 31, INIT 33, RD 34, LP.INIT 35, TDMR.INIT 36, CONFIG 45,
// SHUTDOWN 52, UPDATE 53, DISABLE 69; SEAMLDR.INFO/INSTALL 0x8000000000000000/..01.

import { enumOf } from '../checker/domain.js';

/**
 * A SEAMCALL leaf, or NONE where a field records "no SEAMCALL in progress" (`inSeam`).
 * SEAMLDR_* go to the P-SEAMLDR, everything else to the TDX module.
 */
export const SeamcallLeaf = enumOf([
  'NONE',
  'TDH_SYS_INIT',
  'TDH_SYS_LP_INIT',
  'TDH_SYS_RD',
  'TDH_SYS_CONFIG',
  'TDH_SYS_KEY_CONFIG',
  'TDH_SYS_TDMR_INIT',
  'TDH_SYS_SHUTDOWN',
  'TDH_SYS_LP_SHUTDOWN',
  'TDH_SYS_UPDATE',
  'TDH_SYS_DISABLE',
  // TD-management leaves (KVM, tdx_tsm, #MC): the module answers them only in SYS_READY.
  'TDH_MNG_KEY_CONFIG',
  'TDH_VP_ENTER',
  'TDH_VP_FLUSH',
  'TDH_PHYMEM_PAGE_RDMD',
  'SEAMLDR_INFO',
  'SEAMLDR_INSTALL',
]);
export type Leaf = number;

const set = (...leaves: Leaf[]): ReadonlySet<Leaf> => new Set(leaves);

/** Leaves that go to the P-SEAMLDR rather than the TDX module. */
export const SEAMLDR_LEAVES = set(SeamcallLeaf.SEAMLDR_INFO, SeamcallLeaf.SEAMLDR_INSTALL);

/**
 * Leaves that take the module's global lock exclusively; a concurrent caller gets TDX_SYS_BUSY.
 * Digest 1.2 lists INIT, KEY.CONFIG and SHUTDOWN; tdh_sys_config.c takes it exclusively too.
 */
export const EXCLUSIVE_LEAVES = set(SeamcallLeaf.TDH_SYS_INIT, SeamcallLeaf.TDH_SYS_CONFIG, SeamcallLeaf.TDH_SYS_KEY_CONFIG, SeamcallLeaf.TDH_SYS_SHUTDOWN);

/** Leaves that take the global lock shared (digest 1.2: LP.INIT). */
export const SHARED_LEAVES = set(SeamcallLeaf.TDH_SYS_LP_INIT);

/** Leaves the dispatcher accepts before SYS_READY (tdx_vmm_dispatcher.c; digest 1.2). INFO/RDALL are folded into RD. */
export const BEFORE_READY_LEAVES = set(
  SeamcallLeaf.TDH_SYS_RD,
  SeamcallLeaf.TDH_SYS_INIT,
  SeamcallLeaf.TDH_SYS_LP_INIT,
  SeamcallLeaf.TDH_SYS_CONFIG,
  SeamcallLeaf.TDH_SYS_KEY_CONFIG,
  SeamcallLeaf.TDH_SYS_LP_SHUTDOWN,
  SeamcallLeaf.TDH_SYS_UPDATE,
  SeamcallLeaf.TDH_SYS_DISABLE,
);

/** Leaves a CPU may issue before its own TDH.SYS.LP.INIT (I2; the module answers others TDX_SYS_LP_INIT_NOT_DONE). */
export const BEFORE_LP_INIT_LEAVES = set(
  SeamcallLeaf.TDH_SYS_INIT,
  SeamcallLeaf.TDH_SYS_LP_INIT,
  SeamcallLeaf.TDH_SYS_LP_SHUTDOWN,
  SeamcallLeaf.TDH_SYS_DISABLE,
  SeamcallLeaf.SEAMLDR_INFO,
  SeamcallLeaf.SEAMLDR_INSTALL,
);
