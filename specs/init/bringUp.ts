// The bring-up: tdx_enable() on the calling CPU (CPU 0), tdx_cpu_enable() in each CPU's cpuhp
// callback, and init_tdx_module() step by step, KEY.CONFIG on one CPU of each package (tdx.c
// [KUP], [KVX]). Its errors jump into the cleanup of cleanup.ts.

import { Errno, TdxModuleStatus, tryInitModuleGlobal } from '../../model/kernel.js';
import { SeamcallLeaf } from '../../model/leaf.js';
import { TdxStatus } from '../../model/status.js';
import { errAfterConfig, initFailed } from './cleanup.js';
import { MAX_REGIONS } from './layouts.js';
import { CALLER, type Machine } from './machine.js';
import { Cpuhp, InitStep, Mem, Pamt, Update, wbinvdOnAllCpus, type N, type S } from './state.js';
import { atStep, onCaller, onCpu, type Step } from './step.js';

/** The module may write PAMTs through the global KeyID from KEY.CONFIG on. */
function moduleTouchesPamt(n: N): void {
  n.kernel.pamt = Pamt.private;
  n.kernel.cache_private = true;
}

/** config_global_keyid() walks the packages from the first (its cpumask is local: a rerun starts over). */
function startConfigGlobalKeyid(n: N): void {
  n.kernel.key_pkg = 0;
  n.kernel.step = InitStep.config_global_keyid;
}

function startInitTdmrs(n: N): void {
  n.kernel.tdmr_cur = 0;
  n.kernel.step = InitStep.init_tdmrs;
}

/** config_global_keyid(): on to the next package, or to init_tdmrs() after the last one. */
function nextPackage(m: Machine, s: S, n: N): void {
  if (s.kernel.key_pkg + 1 < m.topo.packages) n.kernel.key_pkg = s.kernel.key_pkg + 1;
  else {
    n.kernel.key_pkg = 0;
    startInitTdmrs(n);
  }
}

/** tdx_enable() and init_tdx_module() on the calling CPU, up to success (the cleanup is in cleanup.ts). */
export function callerSteps(m: Machine): Step[] {
  /** cpuhp_setup_state() has run the online callbacks: no CPU is still inside them. */
  const callbacksRan = (s: S): boolean => {
    if (s.kernel.step !== InitStep.cpuhp_setup_state) return false;
    for (let c = 0; c < m.cpus; c++) {
      const h = s.cpu.at(c).hp;
      if (h === Cpuhp.vmxon_pending || h === Cpuhp.tdx_cpu_enable_pending) return false;
    }
    return true;
  };
  const enableFailed = (s: S): boolean => {
    for (let c = 0; c < m.cpus; c++) if (s.cpu.at(c).hp === Cpuhp.tdx_cpu_enable_failed) return true;
    return false;
  };
  return [
    {
      name: 'tdx_enable',
      // 2026: the initcall always runs; 2022: KVM loads when userspace asks, which may be never
      fairness: m.era2026 ? 'weak' : 'none',
      context: 'task',
      source: m.era2026
        ? '[KVX] tdx_enable(): subsys_initcall; cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "virt/tdx:online", tdx_online_cpu, ...)'
        : '[KUP] KVM tdx_bringup(): cpus_read_lock(); cpuhp_setup_state_cpuslocked("kvm/cpu/tdx:online"); tdx_enable()',
      guard: (s) => {
        if (s.kernel.step !== InitStep.idle || m.transient(s) || m.kexecShutdown(s)) return false;
        // D34: KVM loads (tdx_enable()) while the update is under way; otherwise the update excludes it
        if (s.kernel.update === Update.shut_down && m.variant !== 'D34') return false;
        if (m.variant === 'D20') return !m.initialized(s); // retry: ignores TDX_MODULE_ERROR
        // 2026: one __init call; 2022: KVM may load again, but tdx_enable() returns at once unless UNINITIALIZED
        return m.era2026 ? !s.kernel.init_attempted : s.kernel.tdx_module_status === TdxModuleStatus.TDX_MODULE_UNINITIALIZED;
      },
      effect: (_s, n) => {
        n.kernel.step = InitStep.cpuhp_setup_state;
        for (let c = 0; c < m.cpus; c++) if (n.cpu.at(c).hp === Cpuhp.online) n.cpu.at(c).hp = Cpuhp.vmxon_pending;
      },
    },
    {
      name: 'cpuhp_setup_state fails',
      context: 'task',
      source: m.era2026
        ? '[KVX] tdx_enable(): cpuhp_setup_state() < 0: callbacks rolled back'
        : '[KUP] tdx_bringup(): a tdx_cpu_enable() failed; KVM runs without TDX',
      guard: (s) => callbacksRan(s) && enableFailed(s),
      effect: (_s, n) => {
        for (let c = 0; c < m.cpus; c++) if (n.cpu.at(c).hp === Cpuhp.tdx_cpu_enable_failed) n.cpu.at(c).hp = Cpuhp.online;
        if (m.era2026) initFailed(m, n);
        else n.kernel.step = InitStep.idle; // the module stays UNINITIALIZED: kvm_intel may load again
      },
    },
    {
      name: 'TDH.SYS.RD',
      context: 'task',
      source: 'tdx.c: init_tdx_module(): get_tdx_sys_info() (TDH.SYS.RD), check_features() (NO_RBP_MOD)',
      issues: onCaller(SeamcallLeaf.TDH_SYS_RD),
      guard: (s) => callbacksRan(s) && !enableFailed(s),
      effect: (_s, n, _a, failed) => {
        const st = m.call(n, CALLER, SeamcallLeaf.TDH_SYS_RD);
        if (st !== TdxStatus.TDX_SUCCESS || failed) initFailed(m, n);
        else n.kernel.step = InitStep.build_tdx_memlist;
      },
      failure: { label: 'check_features: no NO_RBP_MOD', enabled: m.p.fail_module },
    },
    atStep(InitStep.build_tdx_memlist, {
      name: 'build_tdx_memlist',
      source: 'tdx.c: init_tdx_module(): get_online_mems(); build_tdx_memlist() from memblock, skipping the first 1 MiB',
      effect: (s, n, _a, failed) => {
        if (failed) {
          n.kernel.step = InitStep.err_free_tdmrs;
          return;
        }
        for (let r = 0; r < MAX_REGIONS; r++) n.memlist.set(r, s.mem.get(r) !== Mem.absent);
        n.kernel.step = InitStep.alloc_tdmr_list;
      },
      failure: { label: '-ENOMEM', enabled: m.p.fail_alloc },
    }),
    atStep(InitStep.alloc_tdmr_list, {
      name: 'alloc_tdmr_list',
      source: 'tdx.c: alloc_tdmr_list(): max_tdmrs TDMR_INFO entries, physically contiguous',
      effect: (_s, n, _a, failed) => {
        n.kernel.step = failed ? InitStep.err_free_tdmrs : InitStep.construct_tdmrs;
      },
      failure: { label: '-ENOMEM', enabled: m.p.fail_alloc },
    }),
    atStep(InitStep.construct_tdmrs, {
      name: 'construct_tdmrs',
      source: 'tdx.c: construct_tdmrs(): fill_out_tdmrs(), tdmrs_set_up_pamt_all() (alloc_contig_pages), tdmrs_populate_rsvd_areas_all()',
      effect: (s, n, _a, failed) => {
        const o = m.outcome(s);
        if (failed || o.errno !== '0') {
          n.kernel.step = InitStep.err_free_tdmrs; // construct_tdmrs() frees its PAMTs itself
          return;
        }
        n.kernel.nr_tdmrs = o.tdmrs;
        n.kernel.pamt = Pamt.keyid0;
        n.kernel.cache_keyid0 = true;
        n.kernel.step = InitStep.config_tdx_module;
      },
      failure: { label: 'alloc_contig_pages -ENOMEM', enabled: m.p.fail_alloc },
    }),
    atStep(InitStep.config_tdx_module, {
      name: 'TDH.SYS.CONFIG',
      source: 'tdx.c: config_tdx_module(): TDH.SYS.CONFIG(TDMR_INFO PAs, count, global KeyID)',
      issues: onCaller(SeamcallLeaf.TDH_SYS_CONFIG),
      effect: (s, n) => {
        const st = m.call(n, CALLER, SeamcallLeaf.TDH_SYS_CONFIG, {
          tdmrs: s.kernel.nr_tdmrs,
          tdmrsValid: m.passed(s).configError === undefined,
          keyid: s.kernel.tdx_global_keyid,
        });
        if (st !== TdxStatus.TDX_SUCCESS) n.kernel.step = InitStep.err_free_pamts;
        else if (m.variant === 'D23') startConfigGlobalKeyid(n);
        else n.kernel.step = InitStep.wbinvd_on_all_cpus;
      },
    }),
    atStep(InitStep.wbinvd_on_all_cpus, {
      name: 'wbinvd_on_all_cpus',
      source: 'tdx.c: config_global_keyid(): flush KeyID-0 PAMT lines before the module uses the global KeyID',
      effect: (_s, n) => {
        wbinvdOnAllCpus(n);
        startConfigGlobalKeyid(n);
      },
    }),
    {
      name: 'config_global_keyid: package without online CPU',
      context: 'task',
      source: 'tdx.c: config_global_keyid() visits online CPUs only: such a package is silently skipped',
      guard: (s) => s.kernel.step === InitStep.config_global_keyid && m.variant !== 'D22' && !m.pkgHasOnline(s, s.kernel.key_pkg),
      effect: (s, n) => nextPackage(m, s, n),
    },
    {
      name: 'TDH.SYS.TDMR.INIT',
      context: 'task',
      source: 'tdx.c: init_tdmrs() -> init_tdmr(): TDH.SYS.TDMR.INIT until RDX reaches the TDMR end, cond_resched() between',
      issues: onCaller(SeamcallLeaf.TDH_SYS_TDMR_INIT),
      guard: (s) => s.kernel.step === InitStep.init_tdmrs && s.kernel.tdmr_cur < s.kernel.nr_tdmrs,
      effect: (s, n, _a, failed) => {
        const t = s.kernel.tdmr_cur;
        moduleTouchesPamt(n);
        const st = m.call(n, CALLER, SeamcallLeaf.TDH_SYS_TDMR_INIT, { tdmr: t, ...(failed ? { inject: TdxStatus.TDX_OPERAND_BUSY } : {}) });
        if (st !== TdxStatus.TDX_SUCCESS) errAfterConfig(m, n);
        else if (m.tdx.tdmrInitialized(n.tdx_module, t)) n.kernel.tdmr_cur = t + 1;
      },
      failure: { label: 'error', enabled: m.p.fail_module },
    },
    {
      name: 'tdx_enable: TDX module initialized',
      context: 'task',
      source: m.era2026
        ? '[KVX] tdx_enable(): put_online_mems(); register_syscore(); initialized = true'
        : 'tdx.c: init_tdx_module(): put_online_mems(); __tdx_enable(): TDX_MODULE_INITIALIZED',
      guard: (s) => s.kernel.step === InitStep.init_tdmrs && s.kernel.tdmr_cur === s.kernel.nr_tdmrs,
      effect: (_s, n) => {
        n.kernel.step = InitStep.idle;
        n.kernel.tdx_module_status = TdxModuleStatus.TDX_MODULE_INITIALIZED;
        n.kernel.init_attempted = true;
      },
    },
  ];
}

/** tdx_cpu_enable() in each CPU's cpuhp callback, and KEY.CONFIG on the CPU picked for its package. */
export function cpuSteps(m: Machine): Step[] {
  const v = m.variant;
  const cpuhpContext = m.era2026 ? 'cpuhp' : 'cpuhp (IRQs off)';
  const keyConfigContext = v === 'D22' ? 'IPI (on_each_cpu)' : 'task (smp_call_on_cpu)';
  /** tdx_cpu_enable() is due on `c`: its callback is pending and the CPU's LP is not initialized yet. */
  const enablePending = (s: S, c: number): boolean => {
    const x = s.cpu.at(c);
    return x.hp === Cpuhp.tdx_cpu_enable_pending && !x.tdx_lp_initialized;
  };
  /** tdx_cpu_enable() runs on `c`: it is due and, in 2022, KVM turned VMX on everywhere first (it registers the callback after). */
  const enableRuns = (s: S, c: number): boolean => enablePending(s, c) && (m.era2026 || s.kernel.step !== InitStep.cpuhp_setup_state || m.allOnlineVmxOn(s));
  /** TDH.SYS.LP.INIT on `c`: the callback ends online or failed. True when it succeeded. */
  const lpInit = (n: N, c: number, failed: boolean): boolean => {
    const ok = m.call(n, c, SeamcallLeaf.TDH_SYS_LP_INIT, failed ? { inject: TdxStatus.TDX_INCONSISTENT_MSR } : {}) === TdxStatus.TDX_SUCCESS;
    n.cpu.at(c).hp = ok ? Cpuhp.online : Cpuhp.tdx_cpu_enable_failed;
    return ok;
  };

  const steps: Step[] = [
    {
      name: 'vmxon',
      ...m.eachCpu,
      context: 'cpuhp',
      source: m.era2026 ? '[KVX] tdx_online_cpu(): x86_virt_get_ref() (VMXON)' : '[KUP] kvm_enable_virtualization(): VMXON on every online CPU',
      guard: (s, c) => s.cpu.at(c).hp === Cpuhp.vmxon_pending,
      effect: (s, n, c) => {
        n.cpu.at(c).vmxOn = true;
        // tdx_cpu_enable() returns 0 at once on a CPU whose tdx_lp_initialized survived offline
        n.cpu.at(c).hp = s.cpu.at(c).tdx_lp_initialized ? Cpuhp.online : Cpuhp.tdx_cpu_enable_pending;
      },
    },
    {
      name: 'try_init_module_global',
      ...m.eachCpu,
      context: cpuhpContext,
      source: 'tdx.c: tdx_cpu_enable() -> try_init_module_global(): raw spinlock, TDH.SYS.INIT once, result cached',
      issues: onCpu(SeamcallLeaf.TDH_SYS_INIT, (s) => !s.kernel.sysinit_done),
      guard: (s, c) => enableRuns(s, c) && !m.sysinitOk(s),
      effect: (s, n, c, failed) => {
        const ret = tryInitModuleGlobal(n.kernel, m.tdx, n.tdx_module, c, s.cpu.at(c).vmxOn, failed ? TdxStatus.TDX_OPERAND_INVALID : undefined);
        if (ret !== Errno['0']) n.cpu.at(c).hp = Cpuhp.tdx_cpu_enable_failed;
      },
      failure: { label: 'TDH.SYS.INIT: TDX_OPERAND_INVALID', enabled: m.p.fail_module },
    },
    {
      name: 'TDH.SYS.LP.INIT',
      ...m.eachCpu,
      context: cpuhpContext,
      source: 'tdx.c: tdx_cpu_enable(): TDH.SYS.LP.INIT, then this_cpu tdx_lp_initialized = true',
      issues: onCpu(SeamcallLeaf.TDH_SYS_LP_INIT),
      guard: (s, c) => enableRuns(s, c) && m.sysinitOk(s),
      effect: (_s, n, c, failed) => {
        if (lpInit(n, c, failed)) n.cpu.at(c).tdx_lp_initialized = true;
      },
      failure: { label: 'TDX_INCONSISTENT_MSR', enabled: m.p.fail_module },
    },
  ];
  if (v === 'D25') {
    // tdx_cpu_enable() from a preemptible task: LP.INIT runs on CPU c, the task migrates, and
    // this_cpu_write(tdx_lp_initialized) lands on the next online CPU.
    const migrateTo = (s: S, c: number): number => {
      for (let d = 1; d < m.cpus; d++) if (m.online(s, (c + d) % m.cpus)) return (c + d) % m.cpus;
      return -1;
    };
    steps.push({
      name: 'TDH.SYS.LP.INIT, task migrates before this_cpu_write(tdx_lp_initialized)',
      ...m.eachCpu,
      context: 'task (preemptible)',
      source: 'digest D25; [KUP] "call via IPI"; [KVX] runs it in a bound cpuhp callback',
      issues: onCpu(SeamcallLeaf.TDH_SYS_LP_INIT),
      guard: (s, c) => migrateTo(s, c) >= 0 && enablePending(s, c) && m.sysinitOk(s),
      effect: (s, n, c) => {
        if (lpInit(n, c, false)) n.cpu.at(migrateTo(s, c)).tdx_lp_initialized = true;
      },
    });
  }

  // KEY.CONFIG is split at SEAMRET so that two CPUs inside it at once can be seen (I9(b), I21).
  steps.push(
    {
      name: 'TDH.SYS.KEY.CONFIG',
      ...m.eachCpu,
      context: keyConfigContext,
      source:
        v === 'D22'
          ? 'digest D22: KEY.CONFIG on every CPU at once'
          : 'tdx.c: config_global_keyid(): smp_call_on_cpu(an online CPU of each package), one package at a time',
      issues: onCpu(SeamcallLeaf.TDH_SYS_KEY_CONFIG),
      guard: (s, c) => {
        if (s.kernel.step !== InitStep.config_global_keyid || s.cpu.at(c).inSeam !== SeamcallLeaf.NONE) return false;
        if (v === 'D22') return m.online(s, c) && !s.tdx_module.pkg_config_bitmap.get(m.topo.pkgOf[c]!);
        // the kernel takes the package's first online CPU; any one serves, which keeps CPUs of a package symmetric
        return !m.inSeamAny(s) && m.online(s, c) && m.topo.pkgOf[c] === s.kernel.key_pkg;
      },
      effect: (s, n, c) => {
        if (m.tdx.busy(s.cpu, c, SeamcallLeaf.TDH_SYS_KEY_CONFIG))
          errAfterConfig(m, n); // TDX_SYS_BUSY: -EIO
        else n.cpu.at(c).inSeam = SeamcallLeaf.TDH_SYS_KEY_CONFIG;
      },
    },
    {
      name: 'SEAMRET TDH.SYS.KEY.CONFIG',
      ...m.eachCpu,
      context: keyConfigContext,
      source: 'tdh_sys_key_config.c: program the global KeyID on this package; the last package makes the module SYS_READY',
      guard: (s, c) => s.cpu.at(c).inSeam === SeamcallLeaf.TDH_SYS_KEY_CONFIG,
      effect: (s, n, c, failed) => {
        n.cpu.at(c).inSeam = SeamcallLeaf.NONE;
        moduleTouchesPamt(n);
        // sc_retry() retries TDX_RND_NO_ENTROPY; an injected failure is one that outlasts the retries
        const st = m.call(n, c, SeamcallLeaf.TDH_SYS_KEY_CONFIG, failed ? { inject: TdxStatus.TDX_RND_NO_ENTROPY } : {});
        // keyconfig-retry: the package is tried again, with no bound on how often
        if (st === TdxStatus.TDX_RND_NO_ENTROPY && v === 'keyconfig-retry') return;
        if (st !== TdxStatus.TDX_SUCCESS) errAfterConfig(m, n);
        else if (v === 'D22') {
          if (m.tdx.allPackagesConfigured(n.tdx_module)) startInitTdmrs(n);
        } else nextPackage(m, s, n);
      },
      failure: { label: 'TDX_RND_NO_ENTROPY', enabled: m.p.fail_module },
    },
  );
  return steps;
}
