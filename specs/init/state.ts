// The state of the init model: how far tdx_enable()/init_tdx_module() has got on the calling
// CPU, the PAMTs and the cache lines they leave, the memory regions and tdx_memlist, each CPU's
// cpuhp, VMX and SEAM state, and the TDX module itself.

import { array, bool, enumOf, int, record, type Read, type Write } from '../../checker/domain.js';
import { CpuFields } from '../../model/cpu.js';
import { KernelCpuFields, KernelFields } from '../../model/kernel.js';
import type { TdxModule } from '../../model/module.js';
import type { Topology } from '../../model/topology.js';
import { MAX_REGIONS } from './layouts.js';

/**
 * MSR_IA32_MKTME_KEYID_PARTITIONING as this platform reports it: KeyID 0 is TME's, then the MKTME
 * KeyIDs, then the TDX KeyIDs (digest 2.1, 3.5). Small, but with room for a global and a guest KeyID.
 */
export const KEYID_PARTITIONING = { nr_mktme_keyids: 1, nr_tdx_keyids: 3 } as const;
const MAX_KEYID = KEYID_PARTITIONING.nr_mktme_keyids + KEYID_PARTITIONING.nr_tdx_keyids;

/** Where a CPU is in its cpuhp bring-up: the TDX (and, before it, the VMX) online callbacks. */
export const Cpuhp = enumOf(['offline', 'vmxon_pending', 'tdx_cpu_enable_pending', 'online', 'tdx_cpu_enable_failed']);

/** What tdx_enable()/init_tdx_module() on the calling CPU does next (tdx.c [KUP]). */
export const InitStep = enumOf([
  'idle',
  'cpuhp_setup_state',
  'build_tdx_memlist',
  'alloc_tdmr_list',
  'construct_tdmrs',
  'config_tdx_module',
  'wbinvd_on_all_cpus',
  'config_global_keyid',
  'init_tdmrs',
  'err_reset_pamts',
  'err_quirk_reset_pamt',
  'err_free_pamts',
  'err_free_tdmrs',
]);

/** The PAMTs' contents: none allocated, KeyID-0 data, possibly written by the module with the global KeyID, reset by MOVDIR64B. */
export const Pamt = enumOf(['none', 'keyid0', 'private', 'reset']);
/** A memory region: not yet hot-added, in memblock but offline, online in the page allocator (in this order). */
export const Mem = enumOf(['absent', 'offline', 'online']);
export const Kexec = enumOf(['none', 'syscore_shutdown', 'rebooted']);
export const Update = enumOf(['none', 'shut_down', 'done']);
/** A tdx_enable() attempt: not ended, ended with the module ready, ended otherwise. */
export const InitResult = enumOf(['none', 'ready', 'failed']);

/** Steps during which init_tdx_module() holds get_online_mems() (memory hotplug excluded). */
export const MEM_LOCKED = new Set<number>([
  InitStep.alloc_tdmr_list,
  InitStep.construct_tdmrs,
  InitStep.config_tdx_module,
  InitStep.wbinvd_on_all_cpus,
  InitStep.config_global_keyid,
  InitStep.init_tdmrs,
  InitStep.err_reset_pamts,
  InitStep.err_quirk_reset_pamt,
  InitStep.err_free_pamts,
  InitStep.err_free_tdmrs,
]);

export function initSchema(t: Topology, tdx: TdxModule, layouts: number) {
  return record({
    tdx_module: tdx.domain,
    kernel: record({
      ...KernelFields,
      /** init_tdx_module() has run to its end in this kernel: 2026's __init call is spent; I13's "after the attempt". */
      init_attempted: bool(),
      step: InitStep,
      /** config_global_keyid(): the package it is on (a package index: a write past the last one is out of domain). */
      key_pkg: int(0, t.packages - 1),
      /** init_tdmrs(): the TDMR being initialized. */
      tdmr_cur: int(0, tdx.domain.fields.tdmr_next.length),
      /** tdx_tdmr_list.nr_consumed_tdmrs. */
      nr_tdmrs: int(0, tdx.domain.fields.tdmr_next.length),
      pamt: Pamt,
      /** Dirty cache lines of PAMT memory written with KeyID 0 (allocation, reset) / with the global KeyID (the module). */
      cache_keyid0: bool(),
      cache_private: bool(),
      /** tdx_init()'s partition of the TDX KeyIDs (__ro_after_init): the global KeyID and the guest KeyID range. */
      tdx_global_keyid: int(0, MAX_KEYID),
      tdx_guest_keyid_start: int(0, MAX_KEYID),
      tdx_nr_guest_keyids: int(0, MAX_KEYID),
      /** The HKID tdx_guest_keyid_alloc() gave the TD, which its TDH.MNG.CREATE passes; -1: no TD. */
      td_hkid: int(-1, MAX_KEYID),
      /**
       * The CPU on which the TD's vCPU is halfway through a SEAMCALL wrapper: between
       * __seamcall_dirty_cache()'s flag write and the SEAMCALL (D24: between the SEAMCALL and the
       * flag write), where kexec's NMI stop may land; -1: none.
       */
      vcpu: int(-1, t.cpus - 1, { ref: 'cpu' }),
      kexec: Kexec,
      update: Update,
    }),
    /**
     * Ghosts: what happened, recorded for the properties by the model's bookkeeping (spec.ts)
     * around every action, never by the kernel's code.
     */
    ghost: record({
      /** In this kernel, how tdx_enable()'s attempt ended, judged by the module when it returned (I13, E1). */
      init: InitResult,
      /** The kexec that booted this kernel left a kernel whose module was initialized (SYS_READY, every TDMR done): R2. */
      kexec_from_ready: bool(),
      /** The KeyID the kernel passed in TDH.SYS.CONFIG's R8 (the module's global KeyID); -1: no CONFIG yet (I20). */
      config_keyid: int(-1, MAX_KEYID),
    }),
    /** Which platform (layout) this run is on: constant. */
    layout: int(0, layouts - 1),
    mem: array(MAX_REGIONS, Mem),
    /** tdx_memlist: which regions are TDX memory blocks. */
    memlist: array(MAX_REGIONS, bool()),
    cpu: array(
      t.cpus,
      record({
        hp: Cpuhp,
        vmxOn: CpuFields.vmxOn,
        inSeam: CpuFields.inSeam,
        tdx_lp_initialized: KernelCpuFields.tdx_lp_initialized,
        cache_state_incoherent: KernelCpuFields.cache_state_incoherent,
        /** The hardware: this CPU's cache may hold lines a SEAMCALL wrote with a private KeyID (I18); only WBINVD on this CPU clears it. */
        private_lines: bool(),
      }),
      { index: 'cpu' },
    ),
  });
}
export type Schema = ReturnType<typeof initSchema>;
export type S = Read<Schema>;
export type N = Write<Schema>;

/** wbinvd_on_all_cpus(): no PAMT line, of either KeyID, is left dirty in any cache (it leaves cache_state_incoherent alone). */
export function wbinvdOnAllCpus(n: N): void {
  n.kernel.cache_keyid0 = false;
  n.kernel.cache_private = false;
  for (let c = 0; c < n.cpu.length; c++) n.cpu.at(c).private_lines = false;
}

/** tdx_cpu_flush_cache() (and kexec's stop_this_cpu()/relocate_kernel()): WBINVD on this CPU only if its flag says so. */
export function flushIfIncoherent(n: N, c: number): void {
  const x = n.cpu.at(c);
  if (!x.cache_state_incoherent) return;
  x.private_lines = false;
  x.cache_state_incoherent = false;
}
