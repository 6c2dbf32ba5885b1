// I1-I17, I19 and I21 of digest 7.1 (I18 and I20 belong to other specs). Invariants hold in
// every state; events are checked on transitions: each action declares the leaf it issues and
// on which CPU, so I1/I2/I4-I11/I13/I19 are predicates over (state, action, next state).

import type { Invariant, TransitionProperty } from '../../checker/model.js';
import { declareProperties, invariant, transition } from '../../checker/spec.js';
import { Errno } from '../../model/kernel.js';
import { BEFORE_LP_INIT_LEAVES, EXCLUSIVE_LEAVES, SHARED_LEAVES, SeamcallLeaf, type Leaf } from '../../model/leaf.js';
import { SysState } from '../../model/module.js';
import type { Machine } from './machine.js';
import { Cpuhp, InitStep, Pamt, type Schema } from './state.js';
import type { Issues } from './step.js';

const INIT_LEAVES = new Set<Leaf>([SeamcallLeaf.TDH_SYS_INIT, SeamcallLeaf.TDH_SYS_CONFIG, SeamcallLeaf.TDH_SYS_KEY_CONFIG, SeamcallLeaf.TDH_SYS_TDMR_INIT]);

/** Every property, declared once: `tdxmc list`, reports and the README table read these. */
export const PROPERTIES = declareProperties({
  I3: invariant(
    "kernel and module agree: tdx_lp_initialized on a CPU implies the module did LP.INIT on that LP (outside kexec's shutdown, where TDH.SYS.DISABLE leaves the flags stale and no SEAMCALL follows)",
    'digest 7.1 I3; tdx.c tdx_cpu_enable(); [U-v7] resets the flags of all possible CPUs; [DIS] tdx_sys_disable() "destructive"',
  ),
  I12: invariant(
    "initialized means ready: TDX_MODULE_INITIALIZED implies SYS_READY, every package configured, every TDMR initialized (outside kexec's shutdown)",
    'digest 7.1 I12 [DERIVED from KUP + MOD]',
  ),
  I15: invariant(
    'memory hotplug: once tdx_memlist is non-empty, every online region lies in it',
    'digest 7.1 I15; tdx.c tdx_memory_notifier(); [S1] "reject any non-TDX-usable memory in memory hotplug"',
  ),
  I16: invariant(
    "CPU online: a CPU whose cpuhp callbacks finished while TDX is initialized has VMX on and is LP-initialized in kernel and module (outside kexec's shutdown)",
    'digest 7.1 I16; [DOC] per-CPU init before other SEAMCALLs; [KUP]/[KVX] cpuhp callbacks',
  ),
  I17: invariant(
    'while a TD holds an HKID, every package has an online CPU (per-package cache write-back stays possible)',
    'digest 7.1 I17; KVM tdx_offline_cpu(): "delete all TDs first"',
  ),
  I21: invariant(
    'module exclusivity: no two LPs inside TDH.SYS.INIT/CONFIG/KEY.CONFIG/SHUTDOWN at once, nor one of them with LP.INIT',
    'digest 7.1 I21; tdh_sys_*.c global lock (losers get TDX_SYS_BUSY)',
  ),
  I1: transition(
    'VMX before SEAMCALL: a CPU issues a SEAMCALL only in VMX operation (else #UD, -EACCES)',
    'digest 7.1 I1; [S1] "SEAMCALL requires ... VMXON"; tdx.c sc_retry_prerr()',
  ),
  I2: transition(
    'LP gate: a CPU issues no SEAMCALL but TDH.SYS.INIT/LP.INIT before its own TDH.SYS.LP.INIT',
    'digest 7.1 I2; [DOC] per-CPU init first; [MOD] TDX_SYS_LP_INIT_NOT_DONE',
  ),
  I4: transition(
    'global init at most once: the kernel issues TDH.SYS.INIT only while no result is cached (sysinit_done)',
    'digest 7.1 I4; tdx.c try_init_module_global(); [U-v10] tdx_module_state',
  ),
  I5: transition(
    'LP.INIT after SYS.INIT: TDH.SYS.LP.INIT is issued only after a successful, cached TDH.SYS.INIT',
    'digest 7.1 I5; tdx.c tdx_cpu_enable(); [MOD] LP.INIT needs exactly SYSINIT_DONE',
  ),
  I6: transition(
    'every LP before CONFIG: TDH.SYS.CONFIG is issued only when every platform LP did LP.INIT (vacuous with all_lps_required=false, the [ASSUMPTION] of digest 10.4 turned off)',
    'digest 7.1 I6; tdh_sys_config.c num_of_init_lps < num_of_lps; [TGLX22]; [K22]',
  ),
  I7: transition(
    'TDMR/PAMT well-formed at CONFIG: count, 1 GiB alignment, order, reserved areas, PAMT size and placement, CMR coverage',
    'digest 7.1 I7 and 3.4; tdh_sys_config.c; tdx.c construct_tdmrs()',
  ),
  I8: transition(
    'coverage at CONFIG: every online region is in tdx_memlist and the TDMRs cover all of tdx_memlist',
    'digest 7.1 I8; [S1] "all pages in the page allocator are TDX memory"; tdx.c build_tdx_memlist()',
  ),
  I9: transition(
    'KEY.CONFIG once per package and serially; SYS_READY exactly when every package is configured',
    'digest 7.1 I9; tdx.c config_global_keyid() "cannot run concurrently"; tdh_sys_key_config.c',
  ),
  I10: transition(
    'WBINVD before KEY.CONFIG: no KeyID-0 PAMT lines are left in any cache when the module starts using the global KeyID',
    'digest 7.1 I10; tdx.c config_global_keyid(): wbinvd_on_all_cpus()',
  ),
  I11: transition(
    'TDMR.INIT only when ready and until done: issued in SYS_READY; TDX_MODULE_INITIALIZED only once every TDMR is initialized',
    'digest 7.1 I11; tdx.c init_tdmr(); tdh_sys_tdmr_init.c',
  ),
  I13: transition(
    'no retry: after an init attempt ended, tdx_enable() issues no TDH.SYS.INIT, CONFIG, KEY.CONFIG or TDMR.INIT',
    'digest 7.1 I13; tdx.c tdx_enable() TDX_MODULE_ERROR -> -EINVAL; [KVX] __init; [U-v7] ERROR after shutdown (D17)',
  ),
  I14: transition(
    "PAMTs go back to the allocator only after a WBINVD following the module's last use, and after the erratum reset (erratum=true)",
    'digest 7.1 I14; tdx.c err_reset_pamts: wbinvd_on_all_cpus(), tdmrs_quirk_reset_pamt_all()',
  ),
  I19: transition(
    'kexec without DISABLE (expected): TDH.SYS.INIT on a module past SYSINIT_PENDING fails, so the new kernel fails at the first step (with disable_supported=false: the [ASSUMPTION] of 3.9 off)',
    'digest 7.1 I19; [S1] "it will fail immediately at the first step"; [MOD] TDX_SYS_INIT_NOT_PENDING; [DIS]',
  ),
});

export function invariants(m: Machine): Invariant<Schema>[] {
  return [
    {
      ...PROPERTIES.I3,
      holds: (s) => {
        if (m.kexecShutdown(s)) return true;
        for (let c = 0; c < m.cpus; c++) if (s.cpu.at(c).tdx_lp_initialized && !s.tdx_module.lp_is_init.get(c)) return false;
        return true;
      },
    },
    {
      ...PROPERTIES.I12,
      holds: (s) =>
        !m.initialized(s) ||
        m.kexecShutdown(s) ||
        (s.tdx_module.sys_state === SysState.SYS_READY && m.tdx.allPackagesConfigured(s.tdx_module) && m.tdx.allTdmrsInitialized(s.tdx_module)),
    },
    {
      ...PROPERTIES.I15,
      holds: (s) => m.memlistEmpty(s) || m.onlineInMemlist(s),
    },
    {
      ...PROPERTIES.I16,
      holds: (s) => {
        if (!m.initialized(s) || m.kexecShutdown(s)) return true;
        for (let c = 0; c < m.cpus; c++) {
          const x = s.cpu.at(c);
          if (x.hp === Cpuhp.online && !(x.vmxOn && x.tdx_lp_initialized && s.tdx_module.lp_is_init.get(c))) return false;
        }
        return true;
      },
    },
    {
      ...PROPERTIES.I17,
      holds: (s) => !s.kernel.hkids_in_use || m.allPackagesOnline(s),
    },
    {
      ...PROPERTIES.I21,
      holds: (s) => {
        let excl = 0;
        let shared = 0;
        for (let c = 0; c < m.cpus; c++) {
          const l = s.cpu.at(c).inSeam;
          if (EXCLUSIVE_LEAVES.has(l)) excl++;
          else if (SHARED_LEAVES.has(l)) shared++;
        }
        return excl <= 1 && (excl === 0 || shared === 0);
      },
    },
  ];
}

export function transitionProperties(m: Machine, { issued, issuedLeaf }: Issues): TransitionProperty<Schema>[] {
  const p = m.p;
  return [
    {
      ...PROPERTIES.I1,
      holds: (s, a) => {
        const x = issued(s, a.name, a.actor);
        return x === undefined || s.cpu.at(x[1]).vmxOn;
      },
    },
    {
      ...PROPERTIES.I2,
      holds: (s, a) => {
        const x = issued(s, a.name, a.actor);
        return x === undefined || BEFORE_LP_INIT_LEAVES.has(x[0]) || s.tdx_module.lp_is_init.get(x[1]);
      },
    },
    {
      ...PROPERTIES.I4,
      holds: (s, a) => issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_INIT) < 0 || !s.kernel.sysinit_done,
    },
    {
      ...PROPERTIES.I5,
      holds: (s, a) => issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_LP_INIT) < 0 || m.sysinitOk(s),
    },
    {
      ...PROPERTIES.I6,
      holds: (s, a) => !p.all_lps_required || issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_CONFIG) < 0 || m.tdx.allLpsInitialized(s.tdx_module),
    },
    {
      ...PROPERTIES.I7,
      holds: (s, a) => issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_CONFIG) < 0 || m.outcome(s).configError === undefined,
    },
    {
      ...PROPERTIES.I8,
      holds: (s, a) => issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_CONFIG) < 0 || (m.onlineInMemlist(s) && m.outcome(s).coverageError === undefined),
    },
    {
      ...PROPERTIES.I9,
      holds: (s, a, n) => {
        const c = issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_KEY_CONFIG);
        if (c >= 0) {
          if (s.tdx_module.pkg_config_bitmap.get(m.topo.pkgOf[c]!)) return false; // (a): a second KEY.CONFIG on a package
          for (let d = 0; d < m.cpus; d++) if (d !== c && s.cpu.at(d).inSeam === SeamcallLeaf.TDH_SYS_KEY_CONFIG) return false; // (b)
        }
        const st = n.tdx_module.sys_state; // (c)
        if (st === SysState.SYS_READY) return m.tdx.allPackagesConfigured(n.tdx_module);
        if (st === SysState.SYSCONFIG_DONE) return !m.tdx.allPackagesConfigured(n.tdx_module);
        return true;
      },
    },
    {
      ...PROPERTIES.I10,
      holds: (s, a) => issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_KEY_CONFIG) < 0 || !s.kernel.cache_keyid0,
    },
    {
      ...PROPERTIES.I11,
      holds: (s, a, n) => {
        if (issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_TDMR_INIT) >= 0 && s.tdx_module.sys_state !== SysState.SYS_READY) return false;
        const becameInit = !m.initialized(s) && m.initialized(n);
        return !becameInit || a.name.startsWith('seamldr_install_module') || m.tdx.allTdmrsInitialized(n.tdx_module);
      },
    },
    {
      ...PROPERTIES.I13,
      holds: (s, a) => {
        if (!s.kernel.init_attempted || s.kernel.step === InitStep.idle) return true;
        const x = issued(s, a.name, a.actor);
        return x === undefined || !INIT_LEAVES.has(x[0]);
      },
    },
    {
      ...PROPERTIES.I14,
      holds: (s, a) => {
        if (a.name !== 'tdmrs_free_pamt_all') return true;
        return !s.kernel.cache_private && !(p.erratum && s.kernel.pamt === Pamt.private);
      },
    },
    {
      ...PROPERTIES.I19,
      holds: (s, a, n) =>
        issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_INIT) < 0 ||
        s.tdx_module.sys_state === SysState.SYSINIT_PENDING ||
        n.kernel.sysinit_ret !== Errno['0'],
    },
  ];
}
