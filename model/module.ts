// The TDX module as the module itself sees it (tdx_global_data.h), and its SEAMCALL dispatcher:
// each leaf answered by state the way tdx_vmm_dispatcher.c and tdh_sys_*.c do (digest 1.2,
// 3.3, 4.9). Pure functions over views: a spec's action calls `seamcall` on its next state.

import { array, bool, enumOf, int, record, type Read, type Write } from '../checker/domain.js';
import { BEFORE_LP_INIT_LEAVES, BEFORE_READY_LEAVES, EXCLUSIVE_LEAVES, SEAMLDR_LEAVES, SHARED_LEAVES, SeamcallLeaf, type Leaf } from './leaf.js';
import { TdxStatus, type Status } from './status.js';
import type { Topology } from './topology.js';

/** The module's global sys_state (tdx_global_data.h). */
export const SysState = enumOf(['SYSINIT_PENDING', 'SYSINIT_DONE', 'SYSCONFIG_DONE', 'SYS_READY', 'SYS_SHUTDOWN']);

export interface TdxModuleOptions {
  /** Most TDMRs a TDH.SYS.CONFIG in this model passes (0: the spec never configures TDMRs). */
  readonly tdmrs: number;
  /** TDH.SYS.TDMR.INIT calls that complete one TDMR (each call initializes a bounded chunk). */
  readonly tdmrChunks: number;
  /**
   * TDH.SYS.DISABLE exists and returns the module to a fresh SYSINIT_PENDING ([DIS]; the
   * resulting state is the digest's [ASSUMPTION], 3.9 and 10.10). false: the leaf is unknown.
   */
  readonly disableSupported?: boolean;
  /**
   * TDH.SYS.CONFIG and TDH.SYS.UPDATE need LP.INIT on every platform LP, not only the online
   * ones (tdh_sys_config.c; confirmed only for the open-source module: [ASSUMPTION], digest
   * 10.4). Default true.
   */
  readonly allLpsRequired?: boolean;
  /**
   * Count the TDH.SYS.INIT calls this module instance receives (ghost `sysinit_calls`), for
   * properties over what the module saw rather than what the kernel believes. Default false.
   */
  readonly countSysInit?: boolean;
}

/** What a SEAMCALL passes in registers, reduced to what decides the module's answer. */
export interface SeamcallArgs {
  /** The calling CPU is in VMX operation; otherwise the instruction #UDs (I1). */
  readonly vmxOn: boolean;
  /** TDH.SYS.CONFIG: how many TDMRs the list holds (RDX). */
  readonly tdmrs?: number;
  /** TDH.SYS.CONFIG: TDMRs, reserved areas, PAMTs, CMR coverage and KeyID pass the module's checks (I7). Default true. */
  readonly tdmrsValid?: boolean;
  /** TDH.SYS.TDMR.INIT: which TDMR (RCX holds its base). */
  readonly tdmr?: number;
  /** TDH.SYS.SHUTDOWN: the requested handoff version lies in [min_update_hv, module_hv]. Default true. */
  readonly hvValid?: boolean;
  /** TDH.SYS.SHUTDOWN: AVOID_COMPAT_SENSITIVE is set and a compat-sensitive flow (a TD build) is in progress. */
  readonly compatSensitive?: boolean;
  /** TDH.SYS.UPDATE: the new module supports the handoff version. Default true. */
  readonly handoffSupported?: boolean;
  /**
   * A failure the module answers although the leaf's state checks pass (entropy, the LP's
   * consistency checks, PCONFIG): the leaf changes nothing and returns this status.
   */
  readonly inject?: Status;
}

export function tdxModuleDomain(t: Topology, o: TdxModuleOptions) {
  return record({
    /** A module sits in SEAMRR (BIOS at boot, SEAMLDR.INSTALL at update); otherwise SEAMCALL is VMfailInvalid. */
    loaded: bool(),
    sys_state: SysState,
    /** Per LP: TDH.SYS.LP.INIT done on it. num_of_lps is every platform LP, num_of_init_lps their count. */
    lp_is_init: array(t.cpus, bool(), { index: 'cpu' }),
    /** Per package: TDH.SYS.KEY.CONFIG done there. */
    pkg_config_bitmap: array(t.packages, bool()),
    /** TDMRs TDH.SYS.CONFIG accepted. */
    num_tdmrs: int(0, o.tdmrs),
    /** Per TDMR: chunks TDH.SYS.TDMR.INIT has initialized (tdmrChunks: the TDMR is done). */
    tdmr_next: array(o.tdmrs, int(0, o.tdmrChunks)),
    /** Handoff data TDH.SYS.SHUTDOWN wrote and the next module's TDH.SYS.UPDATE consumes. */
    handoff_valid: bool(),
    /** Ghost (countSysInit): TDH.SYS.INIT calls this instance received, successful or not, saturating at 2. */
    sysinit_calls: int(0, o.countSysInit ? 2 : 0),
  });
}
export type TdxModuleDomain = ReturnType<typeof tdxModuleDomain>;
export type ModuleRead = Read<TdxModuleDomain>;
export type ModuleWrite = Write<TdxModuleDomain>;

/** Per-CPU "inside SEAM" as the global lock sees it (CpuFields.inSeam). */
export interface InSeamArray {
  readonly length: number;
  at(i: number): { readonly inSeam: number };
}

export class TdxModule {
  readonly domain: TdxModuleDomain;
  readonly chunks: number;
  private readonly disableSupported: boolean;
  private readonly allLpsRequired: boolean;
  private readonly countSysInit: boolean;

  constructor(
    readonly topology: Topology,
    o: TdxModuleOptions,
  ) {
    this.domain = tdxModuleDomain(topology, o);
    this.chunks = o.tdmrChunks;
    this.disableSupported = o.disableSupported ?? true;
    this.allLpsRequired = o.allLpsRequired ?? true;
    this.countSysInit = o.countSysInit ?? false;
  }

  /** The module as the BIOS (or SEAMLDR.INSTALL) leaves it: loaded, SYSINIT_PENDING, nothing initialized. */
  load(m: ModuleWrite): void {
    m.loaded = true;
    this.reset(m);
  }

  /**
   * A new module incarnation from SEAMLDR.INSTALL: SYSINIT_PENDING ([ASSUMPTION], digest 10.1).
   * The handoff data and the TDMR configuration it describes survive for TDH.SYS.UPDATE.
   */
  install(m: ModuleWrite): void {
    m.loaded = true;
    m.sys_state = SysState.SYSINIT_PENDING;
    m.sysinit_calls = 0;
    for (let i = 0; i < m.lp_is_init.length; i++) m.lp_is_init.set(i, false);
    for (let p = 0; p < m.pkg_config_bitmap.length; p++) m.pkg_config_bitmap.set(p, false);
  }

  numOfInitLps(m: ModuleRead): number {
    let k = 0;
    for (let i = 0; i < m.lp_is_init.length; i++) if (m.lp_is_init.get(i)) k++;
    return k;
  }

  /** num_of_init_lps >= num_of_lps: every platform LP did TDH.SYS.LP.INIT (CONFIG and UPDATE need it). */
  allLpsInitialized(m: ModuleRead): boolean {
    return this.numOfInitLps(m) === m.lp_is_init.length;
  }

  allPackagesConfigured(m: ModuleRead): boolean {
    for (let p = 0; p < m.pkg_config_bitmap.length; p++) if (!m.pkg_config_bitmap.get(p)) return false;
    return true;
  }

  tdmrInitialized(m: ModuleRead, tdmr: number): boolean {
    return m.tdmr_next.get(tdmr) === this.chunks;
  }

  /** Every TDMR CONFIG accepted is fully initialized. */
  allTdmrsInitialized(m: ModuleRead): boolean {
    for (let t = 0; t < m.num_tdmrs; t++) if (!this.tdmrInitialized(m, t)) return false;
    return true;
  }

  /**
   * The global lock at SEAMCALL entry: would `leaf` on `lp` get TDX_SYS_BUSY because another LP
   * is inside a leaf holding the lock? Exclusive leaves exclude every holder; shared ones
   * (LP.INIT) exclude only exclusive holders. For specs that split a SEAMCALL into entry and SEAMRET.
   */
  busy(cpus: InSeamArray, lp: number, leaf: Leaf): boolean {
    const excl = EXCLUSIVE_LEAVES.has(leaf);
    if (!excl && !SHARED_LEAVES.has(leaf)) return false;
    for (let i = 0; i < cpus.length; i++) {
      if (i === lp) continue;
      const other = cpus.at(i).inSeam;
      if (EXCLUSIVE_LEAVES.has(other) || (excl && SHARED_LEAVES.has(other))) return true;
    }
    return false;
  }

  /**
   * Executes `leaf` on LP `lp` against module state `m` (written in place) and returns RAX.
   * The global lock is not checked here: an atomic call holds it; see `busy` for split calls.
   */
  seamcall(m: ModuleWrite, lp: number, leaf: Leaf, a: SeamcallArgs): Status {
    if (!a.vmxOn) return TdxStatus.TDX_SEAMCALL_UD;
    if (SEAMLDR_LEAVES.has(leaf) || leaf === SeamcallLeaf.NONE) {
      throw new Error(`seamcall: ${SeamcallLeaf.names[leaf]} is not a TDX module leaf`);
    }
    if (!m.loaded) return TdxStatus.TDX_SEAMCALL_VMFAILINVALID;
    if (leaf === SeamcallLeaf.TDH_SYS_INIT && this.countSysInit) m.sysinit_calls = Math.min(m.sysinit_calls + 1, 2);
    const st = m.sys_state;
    if (st === SysState.SYS_SHUTDOWN && leaf !== SeamcallLeaf.TDH_SYS_LP_SHUTDOWN) return TdxStatus.TDX_SYS_SHUTDOWN;
    if (st !== SysState.SYS_READY && !BEFORE_READY_LEAVES.has(leaf)) return TdxStatus.TDX_SYS_NOT_READY;
    if (!BEFORE_LP_INIT_LEAVES.has(leaf) && !m.lp_is_init.get(lp)) return TdxStatus.TDX_SYS_LP_INIT_NOT_DONE;
    const inject = a.inject ?? TdxStatus.TDX_SUCCESS;

    switch (leaf) {
      case SeamcallLeaf.TDH_SYS_INIT: // tdh_sys_init.c; num_of_lps from MCHECK = every platform LP
        if (st !== SysState.SYSINIT_PENDING) return TdxStatus.TDX_SYS_INIT_NOT_PENDING;
        if (inject) return inject;
        m.sys_state = SysState.SYSINIT_DONE;
        return TdxStatus.TDX_SUCCESS;

      case SeamcallLeaf.TDH_SYS_LP_INIT: // tdh_sys_lp_init.c: exactly SYSINIT_DONE
        if (st !== SysState.SYSINIT_DONE) return TdxStatus.TDX_SYS_LP_INIT_NOT_PENDING;
        if (m.lp_is_init.get(lp)) return TdxStatus.TDX_SYS_LP_INIT_DONE;
        if (inject) return inject;
        m.lp_is_init.set(lp, true);
        return TdxStatus.TDX_SUCCESS;

      case SeamcallLeaf.TDH_SYS_CONFIG: {
        // tdh_sys_config.c: SYSINIT_DONE and num_of_init_lps >= num_of_lps, then the TDMR checks
        if (st !== SysState.SYSINIT_DONE || !this.lpsReady(m)) return TdxStatus.TDX_SYS_CONFIG_NOT_PENDING;
        const n = a.tdmrs ?? 0;
        if (n < 1 || n > m.tdmr_next.length || a.tdmrsValid === false) return TdxStatus.TDX_INVALID_TDMR;
        if (inject) return inject;
        m.sys_state = SysState.SYSCONFIG_DONE;
        m.num_tdmrs = n;
        for (let t = 0; t < m.tdmr_next.length; t++) m.tdmr_next.set(t, 0);
        for (let p = 0; p < m.pkg_config_bitmap.length; p++) m.pkg_config_bitmap.set(p, false);
        return TdxStatus.TDX_SUCCESS;
      }

      case SeamcallLeaf.TDH_SYS_KEY_CONFIG: {
        // tdh_sys_key_config.c: once per package; the last package makes the module SYS_READY
        if (st !== SysState.SYSCONFIG_DONE) return TdxStatus.TDX_SYS_KEY_CONFIG_NOT_PENDING;
        const pkg = this.topology.pkgOf[lp]!;
        if (m.pkg_config_bitmap.get(pkg)) return TdxStatus.TDX_KEY_CONFIGURED;
        if (inject) return inject; // TDX_RND_NO_ENTROPY: the package's bit stays clear, retry allowed
        m.pkg_config_bitmap.set(pkg, true);
        if (this.allPackagesConfigured(m)) m.sys_state = SysState.SYS_READY;
        return TdxStatus.TDX_SUCCESS;
      }

      case SeamcallLeaf.TDH_SYS_TDMR_INIT: {
        // tdh_sys_tdmr_init.c: one chunk a call; RDX returns the next address to initialize
        const t = a.tdmr ?? -1;
        if (t < 0 || t >= m.num_tdmrs) return TdxStatus.TDX_OPERAND_INVALID;
        if (this.tdmrInitialized(m, t)) return TdxStatus.TDX_TDMR_ALREADY_INITIALIZED;
        if (inject) return inject;
        m.tdmr_next.set(t, m.tdmr_next.get(t) + 1);
        return TdxStatus.TDX_SUCCESS;
      }

      case SeamcallLeaf.TDH_SYS_SHUTDOWN: // tdh_sys_shutdown.c: only from SYS_READY (dispatcher)
        if (a.hvValid === false) return TdxStatus.TDX_OPERAND_INVALID;
        if (a.compatSensitive === true) return TdxStatus.TDX_UPDATE_COMPAT_SENSITIVE;
        if (inject) return inject;
        m.sys_state = SysState.SYS_SHUTDOWN;
        m.handoff_valid = true;
        return TdxStatus.TDX_SUCCESS;

      case SeamcallLeaf.TDH_SYS_LP_SHUTDOWN: // [K22] error path: the module is shut down for good
        m.lp_is_init.set(lp, false);
        m.sys_state = SysState.SYS_SHUTDOWN;
        return TdxStatus.TDX_SUCCESS;

      case SeamcallLeaf.TDH_SYS_UPDATE: // tdh_sys_update.c: as CONFIG's precondition, then the handoff
        if (st !== SysState.SYSINIT_DONE || !this.lpsReady(m)) return TdxStatus.TDX_SYS_STATE_INCORRECT;
        if (!m.handoff_valid || a.handoffSupported === false) return TdxStatus.TDX_SYS_INVALID_HANDOFF;
        if (inject) return inject;
        // The configuration (TDMRs, PAMTs, global KeyID) comes from the handoff: no CONFIG/KEY.CONFIG/TDMR.INIT.
        m.sys_state = SysState.SYS_READY;
        m.handoff_valid = false;
        for (let p = 0; p < m.pkg_config_bitmap.length; p++) m.pkg_config_bitmap.set(p, true);
        return TdxStatus.TDX_SUCCESS;

      case SeamcallLeaf.TDH_SYS_DISABLE:
        if (!this.disableSupported) return TdxStatus.TDX_OPERAND_INVALID;
        if (inject) return inject;
        this.reset(m);
        return TdxStatus.TDX_SUCCESS;

      default: // TD-management leaves: SYS_READY and LP init were checked above
        return inject || TdxStatus.TDX_SUCCESS;
    }
  }

  /** CONFIG's and UPDATE's LP precondition: every platform LP, or (assumption off) at least one. */
  private lpsReady(m: ModuleRead): boolean {
    return this.allLpsRequired ? this.allLpsInitialized(m) : this.numOfInitLps(m) > 0;
  }

  private reset(m: ModuleWrite): void {
    this.install(m);
    m.handoff_valid = false;
    m.num_tdmrs = 0;
    for (let t = 0; t < m.tdmr_next.length; t++) m.tdmr_next.set(t, 0);
  }
}
