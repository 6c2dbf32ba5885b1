// I1-I17 and I19-I21 of digest 7.1, E1 (what the error path undoes), and the reachability
// targets R1 (tdx_enable() succeeds), R2 (a kexec'd kernel initializes again) and R3 (the error
// path after KEY.CONFIG runs to its end), and the liveness properties I11L (TDMR.INIT runs until
// done), T1 (KEY.CONFIG's retry ends), T2 (tdx_enable() returns) and T3 (a vCPU's SEAMCALL wrapper returns), on the fair paths the
// actions' fairness defines. Invariants hold in every state; events are checked on
// transitions: each action declares the leaf it issues and on which CPU, so I1/I2/I5-I11/I13/I19
// are predicates over (state, action, next state). I4, I13, I14, I20, E1 and the targets read the
// module and the ghosts (state.ts), not the kernel's flags.

import type { ActionRef, Invariant, LivenessProperty, ReachabilityTarget, TransitionProperty } from '../../checker/model.js';
import { declareProperties, eventually, invariant, target, transition } from '../../checker/spec.js';
import { Errno } from '../../model/kernel.js';
import { BEFORE_LP_INIT_LEAVES, EXCLUSIVE_LEAVES, SHARED_LEAVES, SeamcallLeaf, type Leaf } from '../../model/leaf.js';
import { SysState } from '../../model/module.js';
import type { Machine } from './machine.js';
import { Cpuhp, InitResult, InitStep, KEYID_PARTITIONING, Kexec, Pamt, Update, type S, type Schema } from './state.js';
import type { Issues } from './step.js';

const INIT_LEAVES = new Set<Leaf>([SeamcallLeaf.TDH_SYS_INIT, SeamcallLeaf.TDH_SYS_CONFIG, SeamcallLeaf.TDH_SYS_KEY_CONFIG, SeamcallLeaf.TDH_SYS_TDMR_INIT]);

/** Every property, declared once: `tdxmc list`, reports and the README table read these. */
export const PROPERTIES = declareProperties({
  I3: invariant(
    "kernel and module agree: tdx_lp_initialized on a CPU implies the module did LP.INIT on that LP (outside kexec's shutdown, where TDH.SYS.DISABLE leaves the flags stale and no SEAMCALL follows)",
    'digest 7.1 I3; tdx.c tdx_cpu_enable(); [U-v7] resets the flags of all possible CPUs; [DIS] tdx_sys_disable() "destructive"',
  ),
  I4: invariant(
    'global init at most once: each module instance receives at most one TDH.SYS.INIT from one kernel, successful or not (counted by the module; a kexec starts a new kernel; a module that TDH.SYS.SHUTDOWN left dead is exempt)',
    'digest 7.1 I4; tdx.c try_init_module_global(): sysinit_done caches success and failure; [U-v10] tdx_module_state',
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
  I20: invariant(
    "KeyID partition: the global KeyID in TDH.SYS.CONFIG and a TD's HKID are TDX KeyIDs as the MSR reports them (never KeyID 0 or an MKTME KeyID), and the TD's HKID is not the global KeyID",
    'digest 7.1 I20, 3.5; tdx.c record_keyid_partitioning(), tdx_init(), tdx_guest_keyid_alloc(); [MOD] TDH.SYS.CONFIG checks R8 is a private KeyID',
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
  I5: transition(
    'LP.INIT after SYS.INIT: TDH.SYS.LP.INIT is issued only after a successful, cached TDH.SYS.INIT',
    'digest 7.1 I5; tdx.c tdx_cpu_enable(); [MOD] LP.INIT needs exactly SYSINIT_DONE',
  ),
  I6: transition(
    'every LP before CONFIG: TDH.SYS.CONFIG is issued only when every platform LP did LP.INIT (vacuous with all_lps_required=false, the [ASSUMPTION] of digest 10.4 turned off)',
    'digest 7.1 I6; tdh_sys_config.c num_of_init_lps < num_of_lps; [TGLX22]; [K22]',
  ),
  I7: transition(
    "TDMR/PAMT well-formed at CONFIG: the nr_consumed_tdmrs entries passed (count, 1 GiB alignment, order, reserved areas, PAMT size and placement, CMR coverage) pass the module's checks, and their PAMTs are allocated",
    'digest 7.1 I7 and 3.4; tdh_sys_config.c; tdx.c construct_tdmrs()',
  ),
  I8: transition(
    'coverage at CONFIG: every online region is in tdx_memlist and the TDMRs passed (nr_consumed_tdmrs of them) cover all of tdx_memlist',
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
    'no retry: once a tdx_enable() attempt returned in this kernel (in failure, or in success later undone by an update), tdx_enable() issues no TDH.SYS.INIT, CONFIG, KEY.CONFIG or TDMR.INIT',
    'digest 7.1 I13; tdx.c tdx_enable() TDX_MODULE_ERROR -> -EINVAL; [KVX] __init; [U-v7] ERROR after shutdown (D17)',
  ),
  I14: transition(
    "PAMTs: the MOVDIR64B reset finds no dirty global-KeyID line left, and PAMTs go back to the allocator (whatever the step) only after a WBINVD following the module's last use and, on X86_BUG_TDX_PW_MCE platforms, after the reset",
    'digest 7.1 I14; tdx.c init_tdx_module(): err_reset_pamts: wbinvd_on_all_cpus(); tdmrs_quirk_reset_pamt_all(); err_free_pamts: tdmrs_free_pamt_all()',
  ),
  E1: invariant(
    'the error path undoes: once a tdx_enable() attempt returned with the module not ready (no update since), no PAMT is held, tdx_memlist is empty (else memory hotplug stays restricted), and in 2026 no CPU is left in VMX operation',
    'digest 3.3 "Cleanup order"; tdx.c init_tdx_module(): err_free_pamts, err_free_tdmrs, err_free_tdxmem; [KVX] tdx_enable(): cpuhp_remove_state()',
  ),
  I18: transition(
    "cache flushed before the new kernel runs: at kexec's jump no CPU's cache holds lines a SEAMCALL wrote with a private KeyID (the per-CPU cache_state_incoherent, set before every SEAMCALL, makes stop_this_cpu()/relocate_kernel() WBINVD; kexec's NMI stop may land halfway through a vCPU's SEAMCALL wrapper)",
    'digest 7.1 I18, 3.9, D24; tdx.c __seamcall_dirty_cache(); process.c stop_this_cpu(); machine_kexec_64.c machine_kexec() (RELOC_KERNEL_CACHE_INCOHERENT)',
  ),
  E2: transition(
    "VMX torn down: a CPU that goes offline leaves VMX operation, and no CPU is in VMX operation when kexec jumps into the new kernel (in VMX root operation INIT is blocked, and the new kernel's VMXON fails)",
    '[KVX] tdx_offline_cpu(): x86_virt_put_ref(); 2022 KVM kvm_offline_cpu(); kexec: [DIS] tdx_shutdown_cpu(), cpu_emergency_disable_virtualization()',
  ),
  I19: transition(
    'kexec without DISABLE (expected): TDH.SYS.INIT on a module past SYSINIT_PENDING fails, so the new kernel fails at the first step (with disable_supported=false: the [ASSUMPTION] of 3.9 off)',
    'digest 7.1 I19; [S1] "it will fail immediately at the first step"; [MOD] TDX_SYS_INIT_NOT_PENDING; [DIS]',
  ),
  I11L: eventually(
    'TDMR.INIT runs until done: once init_tdmrs() started, on every fair path every TDMR becomes initialized (the module says so) or the attempt fails into its cleanup',
    'digest 7.1 I11 (liveness: tdmrNext strictly increases per successful call); tdx.c init_tdmrs(), init_tdmr()',
  ),
  T1: eventually(
    "KEY.CONFIG's retry ends: once config_global_keyid() started, on every fair path it returns (every package visited, or an error), although an entropy failure may recur for ever",
    'digest 1.4 (sc_retry: at most RDRAND_RETRY_LOOPS on TDX_RND_NO_ENTROPY), 3.2 step 7b; tdx.c config_global_keyid()',
  ),
  T2: eventually(
    'tdx_enable() returns: once called, on every fair path its caller is back (success or error), whatever faults the environment injects',
    'digest 7.1 L1 (its termination half); tdx.c tdx_enable(), init_tdx_module()',
  ),
  T3: eventually(
    "the SEAMCALL wrapper returns: a vCPU halfway through sc_retry() (preemption off) finishes its SEAMCALL, unless kexec's shutdown has begun (its stop lands there)",
    'tdx.c sc_retry(), __seamcall_dirty_cache(); KVM tdx_vcpu_run()',
  ),
  R1: target(
    'tdx_enable() succeeds: the caller is back, the kernel says initialized, the module is SYS_READY with every package configured and every TDMR initialized, and every online CPU is in VMX operation and LP-initialized',
    'digest 7.1 L1; tdx.c init_tdx_module(), tdx_enable()',
  ),
  R2: target(
    "kexec, then re-init: after a kexec from a kernel whose module was ready, the new kernel's tdx_enable() succeeds (R1 again); unreachable without TDH.SYS.DISABLE (era 2022, disable_supported=false: I19)",
    'digest 3.6, 3.9; [DIS] tdx_shutdown(): TDH.SYS.DISABLE; [S1] "fails at the first step"',
  ),
  R3: target(
    'the error path after the module used the PAMTs runs to its end: tdx_enable() failed after a KEY.CONFIG, and every PAMT went back (with fail_module=true)',
    'tdx.c init_tdx_module(): err_reset_pamts, err_free_pamts, err_free_tdmrs, err_free_tdxmem',
  ),
});

export function invariants(m: Machine): Invariant<Schema>[] {
  return [
    {
      ...PROPERTIES.I4,
      // after a failed update the kernel has forgotten its result ([U-v10] tdx_module_shutdown()) and a CPU online asks the dead module again, harmlessly
      holds: (s) => s.tdx_module.sysinit_calls <= 1 || s.tdx_module.sys_state === SysState.SYS_SHUTDOWN,
    },
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
      holds: (s) => !m.tdExists(s) || m.allPackagesOnline(s),
    },
    {
      ...PROPERTIES.E1,
      holds: (s) => {
        if (s.ghost.init !== InitResult.failed || s.kernel.step !== InitStep.idle || s.kernel.update !== Update.none) return true;
        return s.kernel.pamt === Pamt.none && m.memlistEmpty(s) && !(m.era2026 && m.anyVmxOn(s));
      },
    },
    {
      ...PROPERTIES.I20,
      holds: (s) => {
        // the TDX KeyIDs straight from the MSR's two counts, not from the kernel's arithmetic
        const first = KEYID_PARTITIONING.nr_mktme_keyids + 1;
        const tdx = (k: number): boolean => k >= first && k < first + KEYID_PARTITIONING.nr_tdx_keyids;
        const g = s.ghost.config_keyid;
        const td = s.kernel.td_hkid;
        return (g < 0 || tdx(g)) && (td < 0 || (tdx(td) && td !== g));
      },
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

export function transitionProperties(m: Machine, issues: Issues): TransitionProperty<Schema>[] {
  const p = m.p;
  /** The CPU on which the step issues `leaf`, or -1. */
  const issuedLeaf = (s: S, a: ActionRef, leaf: Leaf): number => (issues.leaf(a.action) === leaf ? issues.cpu(s, a) : -1);
  /** `on`: the actions that may issue a leaf `p` accepts. */
  const issuing =
    (accepts: (leaf: Leaf) => boolean) =>
    (_a: unknown, i: number): boolean => {
      const leaf = issues.leaf(i);
      return leaf !== undefined && accepts(leaf);
    };
  const issuingLeaf = (leaf: Leaf) => issuing((l) => l === leaf);
  return [
    {
      ...PROPERTIES.I1,
      on: issuing(() => true),
      holds: (s, a) => {
        const c = issues.cpu(s, a);
        return c < 0 || s.cpu.at(c).vmxOn;
      },
    },
    {
      ...PROPERTIES.I2,
      on: issuing((leaf) => !BEFORE_LP_INIT_LEAVES.has(leaf)),
      holds: (s, a) => {
        const c = issues.cpu(s, a);
        return c < 0 || BEFORE_LP_INIT_LEAVES.has(issues.leaf(a.action)!) || s.tdx_module.lp_is_init.get(c);
      },
    },
    {
      ...PROPERTIES.I5,
      on: issuingLeaf(SeamcallLeaf.TDH_SYS_LP_INIT),
      holds: (s, a) => issuedLeaf(s, a, SeamcallLeaf.TDH_SYS_LP_INIT) < 0 || m.sysinitOk(s),
    },
    {
      ...PROPERTIES.I6,
      on: issuing((leaf) => p.all_lps_required && leaf === SeamcallLeaf.TDH_SYS_CONFIG),
      holds: (s, a) => !p.all_lps_required || issuedLeaf(s, a, SeamcallLeaf.TDH_SYS_CONFIG) < 0 || m.tdx.allLpsInitialized(s.tdx_module),
    },
    {
      ...PROPERTIES.I7,
      on: issuingLeaf(SeamcallLeaf.TDH_SYS_CONFIG),
      holds: (s, a) => issuedLeaf(s, a, SeamcallLeaf.TDH_SYS_CONFIG) < 0 || (s.kernel.pamt !== Pamt.none && m.passed(s).configError === undefined),
    },
    {
      ...PROPERTIES.I8,
      on: issuingLeaf(SeamcallLeaf.TDH_SYS_CONFIG),
      holds: (s, a) => issuedLeaf(s, a, SeamcallLeaf.TDH_SYS_CONFIG) < 0 || (m.onlineInMemlist(s) && m.passed(s).coverageError === undefined),
    },
    {
      ...PROPERTIES.I9,
      holds: (s, a, n) => {
        const c = issuedLeaf(s, a, SeamcallLeaf.TDH_SYS_KEY_CONFIG);
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
      on: issuingLeaf(SeamcallLeaf.TDH_SYS_KEY_CONFIG),
      holds: (s, a) => issuedLeaf(s, a, SeamcallLeaf.TDH_SYS_KEY_CONFIG) < 0 || !s.kernel.cache_keyid0,
    },
    {
      ...PROPERTIES.I11,
      holds: (s, a, n) => {
        if (issuedLeaf(s, a, SeamcallLeaf.TDH_SYS_TDMR_INIT) >= 0 && s.tdx_module.sys_state !== SysState.SYS_READY) return false;
        const becameInit = !m.initialized(s) && m.initialized(n);
        return !becameInit || a.name.startsWith('seamldr_install_module') || m.tdx.allTdmrsInitialized(n.tdx_module);
      },
    },
    {
      ...PROPERTIES.I13,
      on: issuing((leaf) => INIT_LEAVES.has(leaf)),
      holds: (s, a) => {
        // the caller's program counter away from idle: tdx_enable() (its cpuhp callbacks included) is running
        if (s.ghost.init === InitResult.none || s.kernel.step === InitStep.idle) return true;
        return issues.cpu(s, a) < 0 || !INIT_LEAVES.has(issues.leaf(a.action)!);
      },
    },
    {
      ...PROPERTIES.I14,
      holds: (s, _a, n) => {
        const k = s.kernel;
        // (a) MOVDIR64B: a dirty global-KeyID line written back after it would undo the reset
        if (k.pamt !== Pamt.reset && n.kernel.pamt === Pamt.reset && k.cache_private) return false;
        // (b) a release, recognised by its effect; the new kernel after kexec forgets PAMTs, it does not free them
        const released = k.pamt !== Pamt.none && n.kernel.pamt === Pamt.none && n.kernel.kexec === k.kexec;
        return !released || (!k.cache_private && !(p.erratum && k.pamt === Pamt.private));
      },
    },
    {
      ...PROPERTIES.I18,
      holds: (s, _a, n) => {
        if (!jumped(s, n)) return true;
        for (let c = 0; c < m.cpus; c++) if (n.cpu.at(c).private_lines) return false;
        return true;
      },
    },
    {
      ...PROPERTIES.E2,
      holds: (s, _a, n) => {
        const kexec = jumped(s, n);
        for (let c = 0; c < m.cpus; c++) if (n.cpu.at(c).vmxOn && (kexec || n.cpu.at(c).hp === Cpuhp.offline)) return false;
        return true;
      },
    },
    {
      ...PROPERTIES.I19,
      on: issuingLeaf(SeamcallLeaf.TDH_SYS_INIT),
      holds: (s, a, n) =>
        issuedLeaf(s, a, SeamcallLeaf.TDH_SYS_INIT) < 0 || s.tdx_module.sys_state === SysState.SYSINIT_PENDING || n.kernel.sysinit_ret !== Errno['0'],
    },
  ];
}

/** The step is kexec's jump into the new kernel. */
const jumped = (s: S, n: S): boolean => s.kernel.kexec !== Kexec.rebooted && n.kernel.kexec === Kexec.rebooted;

/** The error path after TDH.SYS.CONFIG has begun: init_tdx_module() jumped into its cleanup. */
const CLEANUP = new Set<number>([InitStep.err_reset_pamts, InitStep.err_quirk_reset_pamt, InitStep.err_free_pamts, InitStep.err_free_tdmrs]);

/** Ordered innermost loop first: a loop that never ends also keeps tdx_enable() from returning, and the narrower property names it. */
export function liveness(m: Machine): LivenessProperty<Schema>[] {
  return [
    {
      ...PROPERTIES.I11L,
      form: 'leadsTo',
      from: (s) => s.kernel.step === InitStep.init_tdmrs,
      to: (s) => m.tdx.allTdmrsInitialized(s.tdx_module) || CLEANUP.has(s.kernel.step),
    },
    {
      ...PROPERTIES.T1,
      form: 'leadsTo',
      from: (s) => s.kernel.step === InitStep.config_global_keyid,
      to: (s) => s.kernel.step !== InitStep.config_global_keyid,
    },
    { ...PROPERTIES.T2, form: 'leadsTo', from: (s) => s.kernel.step !== InitStep.idle, to: (s) => s.kernel.step === InitStep.idle },
    { ...PROPERTIES.T3, form: 'leadsTo', from: (s) => s.kernel.vcpu >= 0, to: (s) => s.kernel.vcpu < 0 || m.kexecShutdown(s) },
  ];
}

/** R1's state: tdx_enable() returned and everything it set up is in place, in module and CPUs. */
function enabled(m: Machine, s: S): boolean {
  if (s.kernel.step !== InitStep.idle || !m.initialized(s) || !m.moduleReady(s)) return false;
  for (let c = 0; c < m.cpus; c++) {
    const x = s.cpu.at(c);
    if (x.hp === Cpuhp.online && !(x.vmxOn && s.tdx_module.lp_is_init.get(c))) return false;
  }
  return true;
}

/** R2 only where a kexec can happen (kexec=true), R3 only where a module leaf can fail (fail_module=true). */
/** The first kernel's tdx_enable() returned a failure after some package's KEY.CONFIG succeeded. */
function failedAfterKeyConfig(m: Machine, s: S): boolean {
  // before any kexec: a kexec-ed kernel finds the old kernel's packages configured
  if (s.ghost.init !== InitResult.failed || s.kernel.step !== InitStep.idle || s.kernel.kexec !== Kexec.none) return false;
  for (let q = 0; q < m.topo.packages; q++) if (s.tdx_module.pkg_config_bitmap.get(q)) return true;
  return false;
}

export function targets(m: Machine): ReachabilityTarget<Schema>[] {
  return [
    { ...PROPERTIES.R1, reached: (s) => enabled(m, s) },
    ...(m.p.fail_module ? [{ ...PROPERTIES.R3, reached: (s: S) => failedAfterKeyConfig(m, s) && s.kernel.pamt === Pamt.none }] : []),
    ...(m.p.kexec ? [{ ...PROPERTIES.R2, reached: (s: S) => s.kernel.kexec === Kexec.rebooted && s.ghost.kexec_from_ready && enabled(m, s) }] : []),
  ];
}
