// init: the TDX module's bring-up as concurrent per-CPU steps. tdx_cpu_enable() on every online
// CPU, init_tdx_module() step by step on the calling CPU (CPU 0), failure injection and the
// cleanup order, with CPU and memory hotplug, TDs, kexec and (for D34) an abstract runtime
// update interleaving. Digest sections 2-3, 7.1 (I1-I21) and 8 (D20-D34).

import { array, bool, enumOf, int, record, type Read, type Write } from '../../checker/domain.js';
import type { Action, Model, Spec } from '../../checker/model.js';
import { CpuFields } from '../../model/cpu.js';
import { Errno, KernelCpuFields, KernelFields, TdxModuleStatus, tryInitModuleGlobal } from '../../model/kernel.js';
import { BEFORE_LP_INIT_LEAVES, EXCLUSIVE_LEAVES, SHARED_LEAVES, SeamcallLeaf, type Leaf } from '../../model/leaf.js';
import { SysState, TdxModule } from '../../model/module.js';
import { TdxStatus, type Status } from '../../model/status.js';
import { cpuSymmetry, topology, type Topology } from '../../model/topology.js';
import { LAYOUTS, MAX_REGIONS, platforms, type LayoutChoice, type Platform } from './layouts.js';

export const VARIANTS = ['reference', 'D20', 'D21', 'D22', 'D23', 'D23-free', 'D25', 'D26', 'D27', 'D34'] as const;
export type Variant = (typeof VARIANTS)[number];
export const ERAS = ['2026', '2022'] as const;
export type Era = (typeof ERAS)[number];

export interface InitParams {
  readonly cpus: number;
  readonly packages: number;
  readonly era: Era;
  readonly variant: Variant;
  readonly layout: LayoutChoice;
  readonly tdmrChunks: number;
  readonly failAlloc: boolean;
  readonly failModule: boolean;
  readonly cpuHotplug: boolean;
  readonly memHotplug: boolean;
  readonly tds: boolean;
  readonly kexec: boolean;
  readonly update: boolean;
  readonly erratum: boolean;
  readonly allLpsRequired: boolean;
  readonly disableSupported: boolean;
}

/** Where a CPU is in its cpuhp bring-up: the TDX (and, before it, the VMX) online callbacks. */
export const Cpuhp = enumOf(['offline', 'vmxon_pending', 'tdx_cpu_enable_pending', 'online', 'tdx_cpu_enable_failed']);

/** What tdx_enable()/init_tdx_module() on the calling CPU does next (tdx.c [KUP]). */
export const InitStep = enumOf([
  'idle',
  'cpuhp_setup_state',
  'get_tdx_sys_info',
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
/** A memory region: not yet hot-added, in memblock but offline, online in the page allocator. */
export const Mem = enumOf(['absent', 'offline', 'online']);
export const Kexec = enumOf(['none', 'syscore_shutdown', 'rebooted']);
export const Update = enumOf(['none', 'shut_down', 'done']);

/** Steps during which init_tdx_module() holds get_online_mems() (memory hotplug excluded). */
const MEM_LOCKED = new Set<number>([
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

const INIT_LEAVES = new Set<Leaf>([SeamcallLeaf.TDH_SYS_INIT, SeamcallLeaf.TDH_SYS_CONFIG, SeamcallLeaf.TDH_SYS_KEY_CONFIG, SeamcallLeaf.TDH_SYS_TDMR_INIT]);

function initSchema(t: Topology, tdx: TdxModule, layouts: number) {
  return record({
    tdx_module: tdx.domain,
    kernel: record({
      ...KernelFields,
      /** init_tdx_module() has run to its end in this kernel: 2026's __init call is spent; I13's "after the attempt". */
      init_attempted: bool(),
      step: InitStep,
      /** config_global_keyid(): the next package to configure. */
      key_pkg: int(0, t.packages),
      /** init_tdmrs(): the TDMR being initialized. */
      tdmr_cur: int(0, tdx.domain.fields.tdmr_next.length),
      /** tdx_tdmr_list.nr_consumed_tdmrs. */
      nr_tdmrs: int(0, tdx.domain.fields.tdmr_next.length),
      pamt: Pamt,
      /** Dirty cache lines of PAMT memory written with KeyID 0 (allocation, reset) / with the global KeyID (the module). */
      cache_keyid0: bool(),
      cache_private: bool(),
      /** A TD exists: a guest KeyID (HKID) is allocated. */
      hkids_in_use: bool(),
      kexec: Kexec,
      update: Update,
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
      }),
      { index: 'cpu' },
    ),
  });
}
type Schema = ReturnType<typeof initSchema>;
type S = Read<Schema>;
type N = Write<Schema>;

/** A step of the model: a kernel action, with the SEAMCALL it issues (if any) for I1, I2, I4-I13. */
interface Step {
  readonly name: string;
  readonly actors?: number;
  readonly actorKind?: string;
  readonly context: string;
  readonly source: string;
  /** The leaf this step issues and the CPU it runs on, in state `s`. */
  readonly issues?: (s: S, actor: number) => readonly [Leaf, number] | undefined;
  readonly guard: (s: S, actor: number) => boolean;
  readonly effect: (s: S, n: N, actor: number, failed: boolean) => void;
  /** An injectable failure: a second action `${name} → ${label}` runs effect with failed = true. */
  readonly failure?: { readonly label: string; readonly enabled: boolean };
}

export function initModel(p: InitParams): Model<Schema> {
  const topo = topology(p.cpus, p.packages);
  const plats = platforms(p.layout);
  const maxTdmrs = Math.max(...plats.map((pl) => Math.min(pl.layout.maxTdmrs, pl.layout.regions.length)));
  const tdx = new TdxModule(topo, { tdmrs: maxTdmrs, tdmrChunks: p.tdmrChunks, disableSupported: p.disableSupported, allLpsRequired: p.allLpsRequired });
  const schema = initSchema(topo, tdx, plats.length);
  const N_CPU = p.cpus;
  const CALLER = 0;
  const v = p.variant;
  const era2026 = p.era === '2026';
  /** D21: the last CPU is a platform LP that never comes online (maxcpus=, SMT off). */
  const bootOnline = (c: number): boolean => !(v === 'D21' && c === N_CPU - 1);

  // ---- derived views ------------------------------------------------------------------------
  const online = (s: S, c: number): boolean => s.cpu.at(c).hp !== Cpuhp.offline;
  const transient = (s: S): boolean => {
    for (let c = 0; c < N_CPU; c++) {
      const h = s.cpu.at(c).hp;
      if (h !== Cpuhp.offline && h !== Cpuhp.online) return true;
    }
    return false;
  };
  const inSeamAny = (s: S): boolean => {
    for (let c = 0; c < N_CPU; c++) if (s.cpu.at(c).inSeam !== SeamcallLeaf.NONE) return true;
    return false;
  };
  const status = (s: S): number => s.kernel.tdx_module_status;
  /** Between [DIS]'s TDH.SYS.DISABLE and machine_kexec: kernel state is stale by design and nothing issues SEAMCALLs. */
  const kexecShutdown = (s: S): boolean => s.kernel.kexec === Kexec.syscore_shutdown;
  const initialized = (s: S): boolean => status(s) === TdxModuleStatus.TDX_MODULE_INITIALIZED;
  /** The TDX cpuhp callbacks are registered: during tdx_enable and after it succeeded (also across an update). */
  const registered = (s: S): boolean => s.kernel.step !== InitStep.idle || initialized(s) || s.kernel.update !== Update.none;
  /** Userspace-driven events: 2026 initializes at subsys_initcall, before userspace exists. */
  const userspace = (s: S): boolean => !era2026 || s.kernel.init_attempted;
  /** No tdx_enable, cpuhp operation, SEAMCALL, kexec or update step in flight. */
  const quiescent = (s: S): boolean =>
    s.kernel.step === InitStep.idle && !transient(s) && !inSeamAny(s) && s.kernel.kexec !== Kexec.syscore_shutdown && s.kernel.update !== Update.shut_down;
  const presentMask = (s: S): number => {
    let m = 0;
    for (let r = 0; r < MAX_REGIONS; r++) if (s.mem.get(r) !== Mem.absent) m |= 1 << r;
    return m;
  };
  const onlineMask = (s: S): number => {
    let m = 0;
    for (let r = 0; r < MAX_REGIONS; r++) if (s.mem.get(r) === Mem.online) m |= 1 << r;
    return m;
  };
  const platform = (s: S): Platform => plats[s.layout]!;
  const outcome = (s: S) => platform(s).outcome(presentMask(s), onlineMask(s));
  const memlistEmpty = (s: S): boolean => {
    for (let r = 0; r < MAX_REGIONS; r++) if (s.memlist.get(r)) return false;
    return true;
  };
  const pkgHasOnline = (s: S, pkg: number): boolean => topo.cpusOf[pkg]!.some((c) => online(s, c));
  const regionKind = (s: S, r: number) => platform(s).layout.regions[r]?.kind;

  // ---- effects shared by several steps ------------------------------------------------------
  const call = (n: N, cpu: number, leaf: Leaf, args: { tdmrs?: number; tdmrsValid?: boolean; tdmr?: number; inject?: Status } = {}): Status =>
    tdx.seamcall(n.tdx_module, cpu, leaf, { vmxOn: n.cpu.at(cpu).vmxOn, ...args });

  /** __tdx_enable()'s failure ending: TDX_MODULE_ERROR; 2026 also cpuhp_remove_state() (VMXOFF everywhere). */
  const initFailed = (n: N): void => {
    n.kernel.step = InitStep.idle;
    n.kernel.tdx_module_status = TdxModuleStatus.TDX_MODULE_ERROR;
    n.kernel.init_attempted = true;
    if (era2026) for (let c = 0; c < N_CPU; c++) n.cpu.at(c).vmxOn = false;
  };

  /** Where an error after TDH.SYS.CONFIG goes: err_reset_pamts (D23-free skips its WBINVD). */
  const errAfterConfig = (n: N): void => {
    n.kernel.step = v === 'D23-free' ? (p.erratum ? InitStep.err_quirk_reset_pamt : InitStep.err_free_pamts) : InitStep.err_reset_pamts;
  };

  /** The module may write PAMTs through the global KeyID from KEY.CONFIG on. */
  const moduleTouchesPamt = (n: N): void => {
    n.kernel.pamt = Pamt.private;
    n.kernel.cache_private = true;
  };

  /** The new kernel after kexec: kernel state from scratch, the module as the old kernel left it. */
  const bootKernel = (n: N): void => {
    const k = n.kernel;
    k.tdx_module_status = TdxModuleStatus.TDX_MODULE_UNINITIALIZED;
    k.sysinit_done = false;
    k.sysinit_ret = Errno['0'];
    k.init_attempted = false;
    k.step = InitStep.idle;
    k.key_pkg = 0;
    k.tdmr_cur = 0;
    k.nr_tdmrs = 0;
    k.pamt = Pamt.none;
    k.cache_keyid0 = false;
    k.cache_private = false;
    k.hkids_in_use = false;
    for (let c = 0; c < N_CPU; c++) {
      const cpu = n.cpu.at(c);
      cpu.hp = bootOnline(c) ? Cpuhp.online : Cpuhp.offline;
      cpu.vmxOn = false;
      cpu.inSeam = SeamcallLeaf.NONE;
      cpu.tdx_lp_initialized = false;
    }
    for (let r = 0; r < MAX_REGIONS; r++) {
      n.memlist.set(r, false);
      if (n.mem.get(r) !== Mem.absent) n.mem.set(r, Mem.online);
    }
  };

  const cpuSteps: Step[] = [];
  const callerSteps: Step[] = [];
  const envSteps: Step[] = [];
  const cpu = { actors: N_CPU } as const;
  const onCpu =
    (leaf: Leaf) =>
    (_s: S, c: number): readonly [Leaf, number] => [leaf, c];
  const onCaller =
    (leaf: Leaf) =>
    (): readonly [Leaf, number] => [leaf, CALLER];

  // ---- tdx_enable(): who calls it, and the per-CPU part --------------------------------------
  callerSteps.push({
    name: 'tdx_enable',
    context: 'task',
    source: era2026
      ? '[KVX] tdx_enable(): subsys_initcall; cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "virt/tdx:online", tdx_online_cpu, ...)'
      : '[KUP] KVM tdx_bringup(): cpus_read_lock(); cpuhp_setup_state_cpuslocked("kvm/cpu/tdx:online"); tdx_enable()',
    guard: (s) => {
      if (s.kernel.step !== InitStep.idle || transient(s) || s.kernel.kexec === Kexec.syscore_shutdown || s.kernel.update === Update.shut_down) return false;
      if (v === 'D20') return !initialized(s); // retry: ignores TDX_MODULE_ERROR
      // 2026: one __init call; 2022: KVM may load again, but tdx_enable() returns at once unless UNINITIALIZED
      return era2026 ? !s.kernel.init_attempted : status(s) === TdxModuleStatus.TDX_MODULE_UNINITIALIZED;
    },
    effect: (_s, n) => {
      n.kernel.step = InitStep.cpuhp_setup_state;
      for (let c = 0; c < N_CPU; c++) if (n.cpu.at(c).hp === Cpuhp.online) n.cpu.at(c).hp = Cpuhp.vmxon_pending;
    },
  });

  cpuSteps.push(
    {
      name: 'vmxon',
      ...cpu,
      context: 'cpuhp',
      source: era2026 ? '[KVX] tdx_online_cpu(): x86_virt_get_ref() (VMXON)' : '[KUP] kvm_enable_virtualization(): VMXON on every online CPU',
      guard: (s, c) => s.cpu.at(c).hp === Cpuhp.vmxon_pending,
      effect: (s, n, c) => {
        n.cpu.at(c).vmxOn = true;
        // tdx_cpu_enable() returns 0 at once on a CPU whose tdx_lp_initialized survived offline
        n.cpu.at(c).hp = s.cpu.at(c).tdx_lp_initialized ? Cpuhp.online : Cpuhp.tdx_cpu_enable_pending;
      },
    },
    {
      name: 'try_init_module_global',
      ...cpu,
      context: era2026 ? 'cpuhp' : 'cpuhp (IRQs off)',
      source: 'tdx.c: tdx_cpu_enable() -> try_init_module_global(): raw spinlock, TDH.SYS.INIT once, result cached',
      issues: (s, c) => (s.kernel.sysinit_done ? undefined : [SeamcallLeaf.TDH_SYS_INIT, c]),
      guard: (s, c) => {
        const x = s.cpu.at(c);
        if (x.hp !== Cpuhp.tdx_cpu_enable_pending || x.tdx_lp_initialized) return false;
        // 2022: KVM turned VMX on everywhere before registering the TDX callback
        if (!era2026 && s.kernel.step === InitStep.cpuhp_setup_state && !allOnlineVmxOn(s)) return false;
        return !s.kernel.sysinit_done || s.kernel.sysinit_ret !== Errno['0'];
      },
      effect: (s, n, c, failed) => {
        const ret = tryInitModuleGlobal(n.kernel, tdx, n.tdx_module, c, s.cpu.at(c).vmxOn, failed ? TdxStatus.TDX_OPERAND_INVALID : undefined);
        if (ret !== Errno['0']) n.cpu.at(c).hp = Cpuhp.tdx_cpu_enable_failed;
      },
      failure: { label: 'TDH.SYS.INIT: TDX_OPERAND_INVALID', enabled: p.failModule },
    },
    {
      name: 'TDH.SYS.LP.INIT',
      ...cpu,
      context: era2026 ? 'cpuhp' : 'cpuhp (IRQs off)',
      source: 'tdx.c: tdx_cpu_enable(): TDH.SYS.LP.INIT, then this_cpu tdx_lp_initialized = true',
      issues: onCpu(SeamcallLeaf.TDH_SYS_LP_INIT),
      guard: (s, c) => {
        const x = s.cpu.at(c);
        if (x.hp !== Cpuhp.tdx_cpu_enable_pending || x.tdx_lp_initialized) return false;
        if (!era2026 && s.kernel.step === InitStep.cpuhp_setup_state && !allOnlineVmxOn(s)) return false;
        return s.kernel.sysinit_done && s.kernel.sysinit_ret === Errno['0'];
      },
      effect: (_s, n, c, failed) => {
        const st = call(n, c, SeamcallLeaf.TDH_SYS_LP_INIT, failed ? { inject: TdxStatus.TDX_INCONSISTENT_MSR } : {});
        if (st === TdxStatus.TDX_SUCCESS) {
          n.cpu.at(c).tdx_lp_initialized = true;
          n.cpu.at(c).hp = Cpuhp.online;
        } else n.cpu.at(c).hp = Cpuhp.tdx_cpu_enable_failed;
      },
      failure: { label: 'TDX_INCONSISTENT_MSR', enabled: p.failModule },
    },
  );
  if (v === 'D25') {
    // tdx_cpu_enable() from a preemptible task: LP.INIT runs on CPU c, the task migrates, and
    // this_cpu_write(tdx_lp_initialized) lands on the next online CPU.
    const migrateTo = (s: S, c: number): number => {
      for (let d = 1; d < N_CPU; d++) if (online(s, (c + d) % N_CPU)) return (c + d) % N_CPU;
      return -1;
    };
    cpuSteps.push({
      name: 'TDH.SYS.LP.INIT, task migrates before this_cpu_write(tdx_lp_initialized)',
      ...cpu,
      context: 'task (preemptible)',
      source: 'digest D25; [KUP] "call via IPI"; [KVX] runs it in a bound cpuhp callback',
      issues: onCpu(SeamcallLeaf.TDH_SYS_LP_INIT),
      guard: (s, c) => {
        const x = s.cpu.at(c);
        return migrateTo(s, c) >= 0 && x.hp === Cpuhp.tdx_cpu_enable_pending && !x.tdx_lp_initialized && s.kernel.sysinit_done && s.kernel.sysinit_ret === Errno['0'];
      },
      effect: (s, n, c) => {
        const st = call(n, c, SeamcallLeaf.TDH_SYS_LP_INIT);
        n.cpu.at(c).hp = st === TdxStatus.TDX_SUCCESS ? Cpuhp.online : Cpuhp.tdx_cpu_enable_failed;
        if (st === TdxStatus.TDX_SUCCESS) n.cpu.at(migrateTo(s, c)).tdx_lp_initialized = true;
      },
    });
  }

  function allOnlineVmxOn(s: S): boolean {
    for (let c = 0; c < N_CPU; c++) if (online(s, c) && !s.cpu.at(c).vmxOn) return false;
    return true;
  }
  // ---- init_tdx_module() on the calling CPU ---------------------------------------------------
  const at = (step: number) => (s: S) => s.kernel.step === step;
  callerSteps.push(
    {
      name: 'cpuhp_setup_state fails',
      context: 'task',
      source: era2026 ? '[KVX] tdx_enable(): cpuhp_setup_state() < 0: callbacks rolled back' : '[KUP] tdx_bringup(): a tdx_cpu_enable() failed; KVM runs without TDX',
      guard: (s) => {
        if (s.kernel.step !== InitStep.cpuhp_setup_state) return false;
        let failed = false;
        for (let c = 0; c < N_CPU; c++) {
          const h = s.cpu.at(c).hp;
          if (h === Cpuhp.vmxon_pending || h === Cpuhp.tdx_cpu_enable_pending) return false;
          if (h === Cpuhp.tdx_cpu_enable_failed) failed = true;
        }
        return failed;
      },
      effect: (_s, n) => {
        for (let c = 0; c < N_CPU; c++) {
          const x = n.cpu.at(c);
          if (x.hp === Cpuhp.tdx_cpu_enable_failed) x.hp = Cpuhp.online;
          if (era2026) x.vmxOn = false;
        }
        n.kernel.step = InitStep.idle;
        if (era2026) {
          n.kernel.init_attempted = true;
          n.kernel.tdx_module_status = TdxModuleStatus.TDX_MODULE_ERROR;
        }
      },
    },
    {
      name: 'TDH.SYS.RD',
      context: 'task',
      source: 'tdx.c: init_tdx_module(): get_tdx_sys_info() (TDH.SYS.RD), check_features() (NO_RBP_MOD)',
      issues: onCaller(SeamcallLeaf.TDH_SYS_RD),
      guard: (s) => {
        if (s.kernel.step !== InitStep.cpuhp_setup_state) return false;
        for (let c = 0; c < N_CPU; c++) if (online(s, c) && s.cpu.at(c).hp !== Cpuhp.online) return false;
        return true;
      },
      effect: (_s, n, _a, failed) => {
        const st = call(n, CALLER, SeamcallLeaf.TDH_SYS_RD);
        if (st !== TdxStatus.TDX_SUCCESS || failed) initFailed(n);
        else n.kernel.step = InitStep.build_tdx_memlist;
      },
      failure: { label: 'check_features: no NO_RBP_MOD', enabled: p.failModule },
    },
    {
      name: 'build_tdx_memlist',
      context: 'task',
      source: 'tdx.c: init_tdx_module(): get_online_mems(); build_tdx_memlist() from memblock, skipping the first 1 MiB',
      guard: at(InitStep.build_tdx_memlist),
      effect: (s, n, _a, failed) => {
        if (failed) {
          n.kernel.step = InitStep.err_free_tdmrs;
          return;
        }
        for (let r = 0; r < MAX_REGIONS; r++) n.memlist.set(r, s.mem.get(r) !== Mem.absent);
        n.kernel.step = InitStep.alloc_tdmr_list;
      },
      failure: { label: '-ENOMEM', enabled: p.failAlloc },
    },
    {
      name: 'alloc_tdmr_list',
      context: 'task',
      source: 'tdx.c: alloc_tdmr_list(): max_tdmrs TDMR_INFO entries, physically contiguous',
      guard: at(InitStep.alloc_tdmr_list),
      effect: (_s, n, _a, failed) => {
        n.kernel.step = failed ? InitStep.err_free_tdmrs : InitStep.construct_tdmrs;
      },
      failure: { label: '-ENOMEM', enabled: p.failAlloc },
    },
    {
      name: 'construct_tdmrs',
      context: 'task',
      source: 'tdx.c: construct_tdmrs(): fill_out_tdmrs(), tdmrs_set_up_pamt_all() (alloc_contig_pages), tdmrs_populate_rsvd_areas_all()',
      guard: at(InitStep.construct_tdmrs),
      effect: (s, n, _a, failed) => {
        const o = outcome(s);
        if (failed || o.errno !== '0') {
          n.kernel.step = InitStep.err_free_tdmrs; // construct_tdmrs() frees its PAMTs itself
          return;
        }
        n.kernel.nr_tdmrs = o.tdmrs;
        n.kernel.pamt = Pamt.keyid0;
        n.kernel.cache_keyid0 = true;
        n.kernel.step = InitStep.config_tdx_module;
      },
      failure: { label: 'alloc_contig_pages -ENOMEM', enabled: p.failAlloc },
    },
    {
      name: 'TDH.SYS.CONFIG',
      context: 'task',
      source: 'tdx.c: config_tdx_module(): TDH.SYS.CONFIG(TDMR_INFO PAs, count, global KeyID)',
      issues: onCaller(SeamcallLeaf.TDH_SYS_CONFIG),
      guard: at(InitStep.config_tdx_module),
      effect: (s, n) => {
        const st = call(n, CALLER, SeamcallLeaf.TDH_SYS_CONFIG, { tdmrs: s.kernel.nr_tdmrs, tdmrsValid: outcome(s).configError === undefined });
        if (st !== TdxStatus.TDX_SUCCESS) n.kernel.step = InitStep.err_free_pamts;
        else n.kernel.step = v === 'D23' ? InitStep.config_global_keyid : InitStep.wbinvd_on_all_cpus;
      },
    },
    {
      name: 'wbinvd_on_all_cpus',
      context: 'task',
      source: 'tdx.c: config_global_keyid(): flush KeyID-0 PAMT lines before the module uses the global KeyID',
      guard: at(InitStep.wbinvd_on_all_cpus),
      effect: (_s, n) => {
        n.kernel.cache_keyid0 = false;
        n.kernel.cache_private = false;
        n.kernel.step = InitStep.config_global_keyid;
      },
    },
    {
      name: 'config_global_keyid: package without online CPU',
      context: 'task',
      source: 'tdx.c: config_global_keyid() visits online CPUs only: such a package is silently skipped',
      guard: (s) => s.kernel.step === InitStep.config_global_keyid && v !== 'D22' && !pkgHasOnline(s, s.kernel.key_pkg),
      effect: (s, n) => nextPackage(s, n),
    },
  );

  function nextPackage(s: S, n: N): void {
    if (s.kernel.key_pkg + 1 < topo.packages) n.kernel.key_pkg = s.kernel.key_pkg + 1;
    else {
      n.kernel.key_pkg = 0;
      n.kernel.tdmr_cur = 0;
      n.kernel.step = InitStep.init_tdmrs;
    }
  }

  // KEY.CONFIG is split at SEAMRET so that two CPUs inside it at once can be seen (I9(b), I21).
  cpuSteps.push(
    {
      name: 'TDH.SYS.KEY.CONFIG',
      ...cpu,
      context: v === 'D22' ? 'IPI (on_each_cpu)' : 'task (smp_call_on_cpu)',
      source: v === 'D22' ? 'digest D22: KEY.CONFIG on every CPU at once' : 'tdx.c: config_global_keyid(): smp_call_on_cpu(an online CPU of each package), one package at a time',
      issues: onCpu(SeamcallLeaf.TDH_SYS_KEY_CONFIG),
      guard: (s, c) => {
        if (s.kernel.step !== InitStep.config_global_keyid || s.cpu.at(c).inSeam !== SeamcallLeaf.NONE) return false;
        if (v === 'D22') return online(s, c) && !s.tdx_module.pkg_config_bitmap.get(topo.pkgOf[c]!);
        // the kernel takes the package's first online CPU; any one serves, which keeps CPUs of a package symmetric
        return !inSeamAny(s) && online(s, c) && topo.pkgOf[c] === s.kernel.key_pkg;
      },
      effect: (s, n, c) => {
        if (tdx.busy(s.cpu, c, SeamcallLeaf.TDH_SYS_KEY_CONFIG)) errAfterConfig(n); // TDX_SYS_BUSY: -EIO
        else n.cpu.at(c).inSeam = SeamcallLeaf.TDH_SYS_KEY_CONFIG;
      },
    },
    {
      name: 'SEAMRET TDH.SYS.KEY.CONFIG',
      ...cpu,
      context: v === 'D22' ? 'IPI (on_each_cpu)' : 'task (smp_call_on_cpu)',
      source: 'tdh_sys_key_config.c: program the global KeyID on this package; the last package makes the module SYS_READY',
      guard: (s, c) => s.cpu.at(c).inSeam === SeamcallLeaf.TDH_SYS_KEY_CONFIG,
      effect: (s, n, c, failed) => {
        n.cpu.at(c).inSeam = SeamcallLeaf.NONE;
        moduleTouchesPamt(n);
        // sc_retry() retries TDX_RND_NO_ENTROPY; an injected failure is one that outlasts the retries
        const st = call(n, c, SeamcallLeaf.TDH_SYS_KEY_CONFIG, failed ? { inject: TdxStatus.TDX_RND_NO_ENTROPY } : {});
        if (st !== TdxStatus.TDX_SUCCESS) errAfterConfig(n);
        else if (v === 'D22') {
          if (tdx.allPackagesConfigured(n.tdx_module)) {
            n.kernel.tdmr_cur = 0;
            n.kernel.step = InitStep.init_tdmrs;
          }
        } else nextPackage(s, n);
      },
      failure: { label: 'TDX_RND_NO_ENTROPY', enabled: p.failModule },
    },
  );

  callerSteps.push(
    {
      name: 'TDH.SYS.TDMR.INIT',
      context: 'task',
      source: 'tdx.c: init_tdmrs() -> init_tdmr(): TDH.SYS.TDMR.INIT until RDX reaches the TDMR end, cond_resched() between',
      issues: onCaller(SeamcallLeaf.TDH_SYS_TDMR_INIT),
      guard: (s) => s.kernel.step === InitStep.init_tdmrs && s.kernel.tdmr_cur < s.kernel.nr_tdmrs,
      effect: (s, n, _a, failed) => {
        const t = s.kernel.tdmr_cur;
        moduleTouchesPamt(n);
        const st = call(n, CALLER, SeamcallLeaf.TDH_SYS_TDMR_INIT, { tdmr: t, ...(failed ? { inject: TdxStatus.TDX_OPERAND_BUSY } : {}) });
        if (st !== TdxStatus.TDX_SUCCESS) errAfterConfig(n);
        else if (tdx.tdmrInitialized(n.tdx_module, t)) n.kernel.tdmr_cur = t + 1;
      },
      failure: { label: 'error', enabled: p.failModule },
    },
    {
      name: 'tdx_enable: TDX module initialized',
      context: 'task',
      source: era2026 ? '[KVX] tdx_enable(): put_online_mems(); register_syscore(); initialized = true' : 'tdx.c: init_tdx_module(): put_online_mems(); __tdx_enable(): TDX_MODULE_INITIALIZED',
      guard: (s) => s.kernel.step === InitStep.init_tdmrs && s.kernel.tdmr_cur === s.kernel.nr_tdmrs,
      effect: (_s, n) => {
        n.kernel.step = InitStep.idle;
        n.kernel.tdx_module_status = TdxModuleStatus.TDX_MODULE_INITIALIZED;
        n.kernel.init_attempted = true;
      },
    },
    // ---- the cleanup order on failure (tdx.c: init_tdx_module() error labels) ----
    {
      name: 'err_reset_pamts: wbinvd_on_all_cpus',
      context: 'task',
      source: 'tdx.c: init_tdx_module(): err_reset_pamts: flush the module\'s global-KeyID lines before PAMTs go back',
      guard: at(InitStep.err_reset_pamts),
      effect: (_s, n) => {
        n.kernel.cache_keyid0 = false;
        n.kernel.cache_private = false;
        n.kernel.step = p.erratum ? InitStep.err_quirk_reset_pamt : InitStep.err_free_pamts;
      },
    },
    {
      name: 'tdmrs_quirk_reset_pamt_all',
      context: 'task',
      source: 'tdx.c: tdmrs_quirk_reset_pamt_all(): MOVDIR64B-clear PAMTs on X86_BUG_TDX_PW_MCE platforms',
      guard: at(InitStep.err_quirk_reset_pamt),
      effect: (_s, n) => {
        n.kernel.pamt = Pamt.reset;
        n.kernel.cache_keyid0 = true;
        n.kernel.step = InitStep.err_free_pamts;
      },
    },
    {
      name: 'tdmrs_free_pamt_all',
      context: 'task',
      source: 'tdx.c: init_tdx_module(): err_free_pamts: PAMTs back to the page allocator',
      guard: at(InitStep.err_free_pamts),
      effect: (_s, n) => {
        n.kernel.pamt = Pamt.none;
        n.kernel.step = InitStep.err_free_tdmrs;
      },
    },
    {
      name: 'free_tdmr_list; free_tdx_memlist; put_online_mems',
      context: 'task',
      source: 'tdx.c: init_tdx_module(): err_free_tdmrs, err_free_tdxmem, out_put_tdxmem; __tdx_enable(): TDX_MODULE_ERROR',
      guard: at(InitStep.err_free_tdmrs),
      effect: (_s, n) => {
        n.kernel.nr_tdmrs = 0;
        for (let r = 0; r < MAX_REGIONS; r++) n.memlist.set(r, false);
        initFailed(n);
      },
    },
  );

  // ---- environment: CPU hotplug, memory hotplug, TDs, kexec, update ---------------------------
  if (p.cpuHotplug) {
    envSteps.push(
      {
        name: 'cpu_up',
        ...cpu,
        context: 'task (sysfs online)',
        source: 'cpuhp: logical online runs the VMX, then the TDX online callback (digest 3.7)',
        guard: (s, c) => s.cpu.at(c).hp === Cpuhp.offline && bootOnline(c) && userspace(s) && quiescent(s) && s.kernel.kexec !== Kexec.syscore_shutdown,
        effect: (s, n, c) => {
          n.cpu.at(c).hp = registered(s) ? Cpuhp.vmxon_pending : Cpuhp.online;
        },
      },
      {
        name: 'cpuhp rollback: VMXOFF, offline',
        ...cpu,
        context: 'cpuhp',
        source: 'cpuhp: a failed tdx_cpu_enable() fails the online; teardown callbacks run (digest 3.7, I16)',
        guard: (s, c) => s.cpu.at(c).hp === Cpuhp.tdx_cpu_enable_failed && s.kernel.step === InitStep.idle,
        effect: (_s, n, c) => {
          n.cpu.at(c).vmxOn = false;
          n.cpu.at(c).hp = Cpuhp.offline;
        },
      },
      {
        name: 'cpu_down',
        ...cpu,
        context: 'task (sysfs offline)',
        source: 'tdx_offline_cpu(): -EBUSY for the last online CPU of a package while HKIDs are in use; then VMXOFF (digest 3.7)',
        guard: (s, c) => {
          if (c === CALLER || s.cpu.at(c).hp !== Cpuhp.online || !userspace(s) || !quiescent(s)) return false;
          if (v === 'D27' || !registered(s) || !s.kernel.hkids_in_use) return true;
          return topo.cpusOf[topo.pkgOf[c]!]!.some((d) => d !== c && online(s, d));
        },
        effect: (_s, n, c) => {
          n.cpu.at(c).hp = Cpuhp.offline;
          n.cpu.at(c).vmxOn = false;
        },
      },
    );
  }
  if (p.memHotplug) {
    const memOpen = (s: S): boolean => userspace(s) && !MEM_LOCKED.has(s.kernel.step) && s.kernel.kexec !== Kexec.syscore_shutdown;
    const regions = { actors: MAX_REGIONS, actorKind: 'region' } as const;
    envSteps.push(
      {
        name: 'add_memory',
        ...regions,
        context: 'task (ACPI hot-add)',
        source: 'add_memory(): the region joins memblock (ARCH_KEEP_MEMBLOCK), offline',
        guard: (s, r) => memOpen(s) && s.mem.get(r) === Mem.absent && regionKind(s, r) === 'hotplug',
        effect: (_s, n, r) => n.mem.set(r, Mem.offline),
      },
      {
        name: 'online_pages',
        ...regions,
        context: 'task (sysfs online)',
        source: v === 'D26' ? 'digest D26: no memory notifier' : 'tdx.c: tdx_memory_notifier(MEM_GOING_ONLINE): refuse memory outside tdx_memlist once it is non-empty',
        guard: (s, r) => memOpen(s) && s.mem.get(r) === Mem.offline && (v === 'D26' || memlistEmpty(s) || s.memlist.get(r)),
        effect: (_s, n, r) => n.mem.set(r, Mem.online),
      },
      {
        name: 'offline_pages',
        ...regions,
        context: 'task (sysfs offline)',
        source: 'memory offline of a ZONE_MOVABLE block (no PAMT lives there)',
        guard: (s, r) => memOpen(s) && s.mem.get(r) === Mem.online && regionKind(s, r) !== 'boot',
        effect: (_s, n, r) => n.mem.set(r, Mem.offline),
      },
    );
  }
  if (p.tds) {
    envSteps.push(
      {
        name: 'tdx_guest_keyid_alloc',
        context: 'task (KVM_CREATE_VM)',
        source: 'KVM __tdx_td_init(): "All packages need to have online CPU to create TD"; tdx_guest_keyid_alloc()',
        guard: (s) => {
          if (!initialized(s) || s.kernel.hkids_in_use || !quiescent(s)) return false;
          for (let q = 0; q < topo.packages; q++) if (!pkgHasOnline(s, q)) return false;
          return true;
        },
        effect: (_s, n) => {
          n.kernel.hkids_in_use = true;
        },
      },
      {
        name: 'tdx_guest_keyid_free',
        context: 'task (TD destroyed)',
        source: 'KVM tdx_mmu_release_hkid(): per-package cache write-back, then the HKID is freed',
        guard: (s) => s.kernel.hkids_in_use && quiescent(s),
        effect: (_s, n) => {
          n.kernel.hkids_in_use = false;
        },
      },
    );
  }
  if (p.kexec) {
    /** [DIS]'s syscore shutdown callback exists once 2026's init succeeded. */
    const disableAtKexec = (s: S): boolean => era2026 && registered(s);
    envSteps.push(
      {
        name: 'tdx_shutdown: TDH.SYS.DISABLE',
        context: 'task (syscore shutdown)',
        source: '[DIS] tdx_shutdown(): TDH.SYS.DISABLE before WBINVD and VMXOFF (digest 3.9)',
        issues: onCaller(SeamcallLeaf.TDH_SYS_DISABLE),
        guard: (s) => s.kernel.kexec === Kexec.none && disableAtKexec(s) && quiescent(s),
        effect: (_s, n) => {
          call(n, CALLER, SeamcallLeaf.TDH_SYS_DISABLE);
          n.kernel.kexec = Kexec.syscore_shutdown;
        },
      },
      {
        name: 'machine_kexec',
        context: 'task (kexec -e)',
        source: 'stop_this_cpu(): WBINVD on every CPU; the new kernel boots with the module as left ([S1] "fails at the first step")',
        guard: (s) =>
          s.kernel.kexec === Kexec.syscore_shutdown || (s.kernel.kexec === Kexec.none && !disableAtKexec(s) && quiescent(s)),
        effect: (_s, n) => {
          bootKernel(n);
          n.kernel.kexec = Kexec.rebooted;
        },
      },
    );
  }
  if (p.update) {
    envSteps.push(
      {
        name: 'seamldr_install_module: TDH.SYS.SHUTDOWN',
        context: 'stop_machine',
        source: 'seamldr.c: tdx_module_shutdown() on the lead CPU; [U-v7] marks the module ERROR "to prevent re-initialization"',
        issues: onCaller(SeamcallLeaf.TDH_SYS_SHUTDOWN),
        guard: (s) => s.kernel.update === Update.none && initialized(s) && quiescent(s),
        effect: (_s, n) => {
          if (call(n, CALLER, SeamcallLeaf.TDH_SYS_SHUTDOWN) !== TdxStatus.TDX_SUCCESS) return;
          // D34: the state is zeroed to UNINITIALIZED, which a later tdx_enable() takes as "never tried"
          n.kernel.tdx_module_status = v === 'D34' ? TdxModuleStatus.TDX_MODULE_UNINITIALIZED : TdxModuleStatus.TDX_MODULE_ERROR;
          n.kernel.sysinit_done = false;
          n.kernel.sysinit_ret = Errno['0'];
          for (let c = 0; c < N_CPU; c++) n.cpu.at(c).tdx_lp_initialized = false;
          n.kernel.update = Update.shut_down;
        },
      },
      {
        name: 'seamldr_install_module: SEAMLDR.INSTALL .. TDH.SYS.UPDATE',
        context: 'stop_machine',
        source: 'seamldr.c: CPU_INSTALL, CPU_INIT (tdx_cpu_enable), RUN_UPDATE; abstracted to one step here (the update spec models it)',
        guard: (s) => s.kernel.update === Update.shut_down,
        effect: (_s, n, _a, failed) => {
          n.kernel.update = Update.done;
          if (failed) return; // the old module stays SYS_SHUTDOWN: TDX is dead until reboot
          tdx.install(n.tdx_module);
          call(n, CALLER, SeamcallLeaf.TDH_SYS_INIT);
          for (let c = 0; c < N_CPU; c++) {
            if (!online(n, c) || call(n, c, SeamcallLeaf.TDH_SYS_LP_INIT) !== TdxStatus.TDX_SUCCESS) continue;
            n.cpu.at(c).tdx_lp_initialized = true;
          }
          n.kernel.sysinit_done = true;
          if (call(n, CALLER, SeamcallLeaf.TDH_SYS_UPDATE) === TdxStatus.TDX_SUCCESS) n.kernel.tdx_module_status = TdxModuleStatus.TDX_MODULE_INITIALIZED;
        },
        failure: { label: 'SEAMLDR.INSTALL fails', enabled: true },
      },
    );
  }

  // ---- actions, with the SEAMCALL each issues ------------------------------------------------
  const steps = [...callerSteps, ...cpuSteps, ...envSteps];
  const issuesByName = new Map<string, Step['issues']>();
  const actions: Action<Schema>[] = [];
  for (const st of steps) {
    const base = {
      ...(st.actors === undefined ? {} : { actors: st.actors, actorKind: st.actorKind ?? 'CPU' }),
      context: st.context,
      source: st.source,
      guard: st.guard,
    };
    actions.push({ ...base, name: st.name, effect: (s, n, a) => st.effect(s, n, a, false) });
    issuesByName.set(st.name, st.issues);
    if (st.failure?.enabled) {
      const name = `${st.name} → ${st.failure.label}`;
      actions.push({ ...base, name, effect: (s, n, a) => st.effect(s, n, a, true) });
      issuesByName.set(name, st.issues);
    }
  }
  const issued = (s: S, name: string, actor: number): readonly [Leaf, number] | undefined => {
    const f = issuesByName.get(name);
    return f === undefined ? undefined : f(s, actor < 0 ? CALLER : actor);
  };
  const issuedLeaf = (s: S, name: string, actor: number, leaf: Leaf): number => {
    const x = issued(s, name, actor);
    return x !== undefined && x[0] === leaf ? x[1] : -1;
  };

  return {
    schema,
    init: plats.map((_, i) => (n: N) => {
      n.layout = i;
      tdx.load(n.tdx_module);
      const rs = plats[i]!.layout.regions;
      for (let r = 0; r < MAX_REGIONS; r++) n.mem.set(r, r < rs.length && rs[r]!.kind !== 'hotplug' ? Mem.online : Mem.absent);
      for (let c = 0; c < N_CPU; c++) n.cpu.at(c).hp = bootOnline(c) ? Cpuhp.online : Cpuhp.offline;
    }),
    actions,
    invariants: [
      {
        name: 'I3',
        description:
          'kernel and module agree: tdx_lp_initialized on a CPU implies the module did LP.INIT on that LP (outside kexec\'s shutdown, where TDH.SYS.DISABLE leaves the flags stale and no SEAMCALL follows)',
        source: 'digest 7.1 I3; tdx.c tdx_cpu_enable(); [U-v7] resets the flags of all possible CPUs; [DIS] tdx_sys_disable() "destructive"',
        holds: (s) => {
          if (kexecShutdown(s)) return true;
          for (let c = 0; c < N_CPU; c++) if (s.cpu.at(c).tdx_lp_initialized && !s.tdx_module.lp_is_init.get(c)) return false;
          return true;
        },
      },
      {
        name: 'I12',
        description: 'initialized means ready: TDX_MODULE_INITIALIZED implies SYS_READY, every package configured, every TDMR initialized (outside kexec\'s shutdown)',
        source: 'digest 7.1 I12 [DERIVED from KUP + MOD]',
        holds: (s) =>
          !initialized(s) ||
          kexecShutdown(s) ||
          (s.tdx_module.sys_state === SysState.SYS_READY && tdx.allPackagesConfigured(s.tdx_module) && tdx.allTdmrsInitialized(s.tdx_module)),
      },
      {
        name: 'I15',
        description: 'memory hotplug: once tdx_memlist is non-empty, every online region lies in it',
        source: 'digest 7.1 I15; tdx.c tdx_memory_notifier(); [S1] "reject any non-TDX-usable memory in memory hotplug"',
        holds: (s) => {
          if (memlistEmpty(s)) return true;
          for (let r = 0; r < MAX_REGIONS; r++) if (s.mem.get(r) === Mem.online && !s.memlist.get(r)) return false;
          return true;
        },
      },
      {
        name: 'I16',
        description: 'CPU online: a CPU whose cpuhp callbacks finished while TDX is initialized has VMX on and is LP-initialized in kernel and module (outside kexec\'s shutdown)',
        source: 'digest 7.1 I16; [DOC] per-CPU init before other SEAMCALLs; [KUP]/[KVX] cpuhp callbacks',
        holds: (s) => {
          if (!initialized(s) || kexecShutdown(s)) return true;
          for (let c = 0; c < N_CPU; c++) {
            const x = s.cpu.at(c);
            if (x.hp === Cpuhp.online && !(x.vmxOn && x.tdx_lp_initialized && s.tdx_module.lp_is_init.get(c))) return false;
          }
          return true;
        },
      },
      {
        name: 'I17',
        description: 'while a TD holds an HKID, every package has an online CPU (per-package cache write-back stays possible)',
        source: 'digest 7.1 I17; KVM tdx_offline_cpu(): "delete all TDs first"',
        holds: (s) => {
          if (!s.kernel.hkids_in_use) return true;
          for (let q = 0; q < topo.packages; q++) if (!pkgHasOnline(s, q)) return false;
          return true;
        },
      },
      {
        name: 'I21',
        description: 'module exclusivity: no two LPs inside TDH.SYS.INIT/CONFIG/KEY.CONFIG/SHUTDOWN at once, nor one of them with LP.INIT',
        source: 'digest 7.1 I21; tdh_sys_*.c global lock (losers get TDX_SYS_BUSY)',
        holds: (s) => {
          let excl = 0;
          let shared = 0;
          for (let c = 0; c < N_CPU; c++) {
            const l = s.cpu.at(c).inSeam;
            if (EXCLUSIVE_LEAVES.has(l)) excl++;
            else if (SHARED_LEAVES.has(l)) shared++;
          }
          return excl <= 1 && (excl === 0 || shared === 0);
        },
      },
    ],
    transitionProperties: [
      {
        name: 'I1',
        description: 'VMX before SEAMCALL: a CPU issues a SEAMCALL only in VMX operation (else #UD, -EACCES)',
        source: 'digest 7.1 I1; [S1] "SEAMCALL requires ... VMXON"; tdx.c sc_retry_prerr()',
        holds: (s, a) => {
          const x = issued(s, a.name, a.actor);
          return x === undefined || s.cpu.at(x[1]).vmxOn;
        },
      },
      {
        name: 'I2',
        description: 'LP gate: a CPU issues no SEAMCALL but TDH.SYS.INIT/LP.INIT before its own TDH.SYS.LP.INIT',
        source: 'digest 7.1 I2; [DOC] per-CPU init first; [MOD] TDX_SYS_LP_INIT_NOT_DONE',
        holds: (s, a) => {
          const x = issued(s, a.name, a.actor);
          return x === undefined || BEFORE_LP_INIT_LEAVES.has(x[0]) || s.tdx_module.lp_is_init.get(x[1]);
        },
      },
      {
        name: 'I4',
        description: 'global init at most once: the kernel issues TDH.SYS.INIT only while no result is cached (sysinit_done)',
        source: 'digest 7.1 I4; tdx.c try_init_module_global(); [U-v10] tdx_module_state',
        holds: (s, a) => issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_INIT) < 0 || !s.kernel.sysinit_done,
      },
      {
        name: 'I5',
        description: 'LP.INIT after SYS.INIT: TDH.SYS.LP.INIT is issued only after a successful, cached TDH.SYS.INIT',
        source: 'digest 7.1 I5; tdx.c tdx_cpu_enable(); [MOD] LP.INIT needs exactly SYSINIT_DONE',
        holds: (s, a) =>
          issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_LP_INIT) < 0 || (s.kernel.sysinit_done && s.kernel.sysinit_ret === Errno['0']),
      },
      {
        name: 'I6',
        description: `every LP before CONFIG: TDH.SYS.CONFIG is issued only when every platform LP did LP.INIT${p.allLpsRequired ? '' : ' (vacuous: all_lps_required=false, the [ASSUMPTION] of digest 10.4 turned off)'}`,
        source: 'digest 7.1 I6; tdh_sys_config.c num_of_init_lps < num_of_lps; [TGLX22]; [K22]',
        holds: (s, a) => !p.allLpsRequired || issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_CONFIG) < 0 || tdx.allLpsInitialized(s.tdx_module),
      },
      {
        name: 'I7',
        description: 'TDMR/PAMT well-formed at CONFIG: count, 1 GiB alignment, order, reserved areas, PAMT size and placement, CMR coverage',
        source: 'digest 7.1 I7 and 3.4; tdh_sys_config.c; tdx.c construct_tdmrs()',
        holds: (s, a) => issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_CONFIG) < 0 || outcome(s).configError === undefined,
      },
      {
        name: 'I8',
        description: 'coverage at CONFIG: every online region is in tdx_memlist and the TDMRs cover all of tdx_memlist',
        source: 'digest 7.1 I8; [S1] "all pages in the page allocator are TDX memory"; tdx.c build_tdx_memlist()',
        holds: (s, a) => {
          if (issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_CONFIG) < 0) return true;
          for (let r = 0; r < MAX_REGIONS; r++) if (s.mem.get(r) === Mem.online && !s.memlist.get(r)) return false;
          return outcome(s).coverageError === undefined;
        },
      },
      {
        name: 'I9',
        description: 'KEY.CONFIG once per package and serially; SYS_READY exactly when every package is configured',
        source: 'digest 7.1 I9; tdx.c config_global_keyid() "cannot run concurrently"; tdh_sys_key_config.c',
        holds: (s, a, n) => {
          const c = issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_KEY_CONFIG);
          if (c >= 0) {
            if (s.tdx_module.pkg_config_bitmap.get(topo.pkgOf[c]!)) return false; // (a): a second KEY.CONFIG on a package
            for (let d = 0; d < N_CPU; d++) if (d !== c && s.cpu.at(d).inSeam === SeamcallLeaf.TDH_SYS_KEY_CONFIG) return false; // (b)
          }
          const st = n.tdx_module.sys_state; // (c)
          if (st === SysState.SYS_READY) return tdx.allPackagesConfigured(n.tdx_module);
          if (st === SysState.SYSCONFIG_DONE) return !tdx.allPackagesConfigured(n.tdx_module);
          return true;
        },
      },
      {
        name: 'I10',
        description: 'WBINVD before KEY.CONFIG: no KeyID-0 PAMT lines are left in any cache when the module starts using the global KeyID',
        source: 'digest 7.1 I10; tdx.c config_global_keyid(): wbinvd_on_all_cpus()',
        holds: (s, a) => issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_KEY_CONFIG) < 0 || !s.kernel.cache_keyid0,
      },
      {
        name: 'I11',
        description: 'TDMR.INIT only when ready and until done: issued in SYS_READY; TDX_MODULE_INITIALIZED only once every TDMR is initialized',
        source: 'digest 7.1 I11; tdx.c init_tdmr(); tdh_sys_tdmr_init.c',
        holds: (s, a, n) => {
          if (issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_TDMR_INIT) >= 0 && s.tdx_module.sys_state !== SysState.SYS_READY) return false;
          const becameInit = !initialized(s) && n.kernel.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED;
          return !becameInit || a.name.startsWith('seamldr_install_module') || tdx.allTdmrsInitialized(n.tdx_module);
        },
      },
      {
        name: 'I13',
        description: 'no retry: after an init attempt ended, tdx_enable() issues no TDH.SYS.INIT, CONFIG, KEY.CONFIG or TDMR.INIT',
        source: 'digest 7.1 I13; tdx.c tdx_enable() TDX_MODULE_ERROR -> -EINVAL; [KVX] __init; [U-v7] ERROR after shutdown (D17)',
        holds: (s, a) => {
          if (!s.kernel.init_attempted || s.kernel.step === InitStep.idle) return true;
          const x = issued(s, a.name, a.actor);
          return x === undefined || !INIT_LEAVES.has(x[0]);
        },
      },
      {
        name: 'I14',
        description: `PAMTs go back to the allocator only after a WBINVD following the module's last use${p.erratum ? ', and after the erratum reset' : ''}`,
        source: 'digest 7.1 I14; tdx.c err_reset_pamts: wbinvd_on_all_cpus(), tdmrs_quirk_reset_pamt_all()',
        holds: (s, a) => {
          if (a.name !== 'tdmrs_free_pamt_all') return true;
          return !s.kernel.cache_private && !(p.erratum && s.kernel.pamt === Pamt.private);
        },
      },
      {
        name: 'I19',
        description: `kexec without DISABLE (expected): TDH.SYS.INIT on a module past SYSINIT_PENDING fails, so the new kernel fails at the first step${p.disableSupported ? '' : ' (DISABLE unsupported: the [ASSUMPTION] of 3.9 off)'}`,
        source: 'digest 7.1 I19; [S1] "it will fail immediately at the first step"; [MOD] TDX_SYS_INIT_NOT_PENDING; [DIS]',
        holds: (s, a, n) =>
          issuedLeaf(s, a.name, a.actor, SeamcallLeaf.TDH_SYS_INIT) < 0 ||
          s.tdx_module.sys_state === SysState.SYSINIT_PENDING ||
          n.kernel.sysinit_ret !== Errno['0'],
      },
    ],
    isEndState: (s) => quiescent(s),
    // D25's migration target (the next CPU) breaks the symmetry; D21's offline LP is distinct
    symmetry: v === 'D25' ? [] : cpuSymmetry(topo, v === 'D21' ? [CALLER, N_CPU - 1] : [CALLER]),
  };
}

export const init: Spec = {
  name: 'init',
  file: import.meta.url,
  description: 'TDX module bring-up: tdx_cpu_enable, init_tdx_module (TDMRs, PAMTs, global KeyID, TDMR.INIT), CPU/memory hotplug, TDs, kexec',
  params: [
    { name: 'cpus', type: 'int', min: 1, max: 8, default: 4, description: 'platform LPs (all present at boot); CPU 0 calls tdx_enable()' },
    { name: 'packages', type: 'int', min: 1, max: 4, default: 2, description: 'packages; CPUs spread evenly, each package a contiguous run' },
    {
      name: 'era',
      type: 'enum',
      values: ERAS,
      default: '2026',
      description: '2026: core-driven init at subsys_initcall [KVX] with TDH.SYS.DISABLE at kexec [DIS]; 2022: KVM-driven tdx_enable() at kvm_intel load (seed 001, [KUP])',
    },
    {
      name: 'variant',
      type: 'enum',
      values: VARIANTS,
      default: 'reference',
      description:
        'known-bad designs (digest 8): D20 retry after failure; D21 a platform CPU offline at init; D22 KEY.CONFIG on all CPUs at once; D23 no WBINVD before KEY.CONFIG; D23-free no WBINVD before freeing PAMTs; D25 LP init on a migrating task; D26 no memory notifier; D27 offline the last CPU of a package with TDs; D34 tdx_enable() after an update reset the state (needs update=true; era=2022, where tdx_enable() can run again)',
    },
    { name: 'layout', type: 'enum', values: LAYOUTS, default: 'family', description: 'family: one platform per distinct behaviour of every layout of up to 3 regions in 8 GiB (512 MiB grid, max_tdmrs 3, max_reserved 4); small: one layout, real limits' },
    { name: 'tdmr_chunks', type: 'int', min: 1, max: 4, default: 2, description: 'TDH.SYS.TDMR.INIT calls per TDMR' },
    { name: 'fail_alloc', type: 'bool', default: true, description: 'inject -ENOMEM at build_tdx_memlist, alloc_tdmr_list and the PAMT allocation' },
    { name: 'fail_module', type: 'bool', default: true, description: 'inject module errors: TDH.SYS.INIT, LP.INIT consistency, missing features, KEY.CONFIG entropy, TDMR.INIT' },
    { name: 'cpu_hotplug', type: 'bool', default: true, description: 'logical CPU online/offline (cpuhp callbacks)' },
    { name: 'mem_hotplug', type: 'bool', default: true, description: 'memory hot-add, online and offline of movable memory' },
    { name: 'tds', type: 'bool', default: true, description: 'KVM creates and destroys a TD (an HKID in use)' },
    { name: 'kexec', type: 'bool', default: true, description: 'one kexec into a new kernel (with TDH.SYS.DISABLE in era 2026 once init succeeded)' },
    { name: 'update', type: 'bool', default: false, description: 'an abstract TD-preserving update (SHUTDOWN, then install or fail) after init; D34 needs it' },
    { name: 'erratum', type: 'bool', default: true, description: 'X86_BUG_TDX_PW_MCE: PAMTs are reset (MOVDIR64B) before they are freed' },
    {
      name: 'all_lps_required',
      type: 'bool',
      default: true,
      description: '[ASSUMPTION] (digest 10.4): TDH.SYS.CONFIG and UPDATE need LP.INIT on every platform LP',
    },
    {
      name: 'disable_supported',
      type: 'bool',
      default: true,
      description: '[ASSUMPTION] (digest 3.9, 10.10): TDH.SYS.DISABLE exists and returns the module to SYSINIT_PENDING',
    },
  ],
  build: (p) =>
    initModel({
      cpus: p['cpus'] as number,
      packages: Math.min(p['packages'] as number, p['cpus'] as number),
      era: p['era'] as Era,
      variant: p['variant'] as Variant,
      layout: p['layout'] as LayoutChoice,
      tdmrChunks: p['tdmr_chunks'] as number,
      failAlloc: p['fail_alloc'] as boolean,
      failModule: p['fail_module'] as boolean,
      cpuHotplug: p['cpu_hotplug'] as boolean,
      memHotplug: p['mem_hotplug'] as boolean,
      tds: p['tds'] as boolean,
      kexec: p['kexec'] as boolean,
      update: p['update'] as boolean,
      erratum: p['erratum'] as boolean,
      allLpsRequired: p['all_lps_required'] as boolean,
      disableSupported: p['disable_supported'] as boolean,
    }),
  expectations: [
    { name: 'reference (2026: core-driven init, DISABLE at kexec)', params: {}, expect: { verdict: 'pass' } },
    { name: 'reference with an update after init', params: { update: true }, expect: { verdict: 'pass' } },
    { name: 'reference, one layout with the real limits', params: { layout: 'small' }, expect: { verdict: 'pass' } },
    { name: '2022: KVM-driven tdx_enable(), CPUs stay online', params: { era: '2022', cpu_hotplug: false }, expect: { verdict: 'pass' } },
    {
      name: '2022: a CPU offlined before kvm_intel loads',
      params: { era: '2022' },
      expect: { verdict: 'violation', property: 'I6', traceLength: 12 },
      note: 'the 2022 design meets D21 through userspace: an LP offlined before tdx_enable() never does LP.INIT, so CONFIG fails ([TGLX22]; digest 3.1 [DERIVED])',
    },
    { name: 'D20 retry after failure', params: { variant: 'D20' }, expect: { verdict: 'violation', property: 'I13', traceLength: 21 } },
    { name: 'D21 a platform CPU offline at init', params: { variant: 'D21' }, expect: { verdict: 'violation', property: 'I6', traceLength: 13 } },
    { name: 'D22 KEY.CONFIG on all CPUs at once', params: { variant: 'D22' }, expect: { verdict: 'violation', property: 'I9', traceLength: 18 } },
    { name: 'D23 no WBINVD before KEY.CONFIG', params: { variant: 'D23' }, expect: { verdict: 'violation', property: 'I10', traceLength: 16 } },
    { name: 'D23 no WBINVD before freeing PAMTs', params: { variant: 'D23-free' }, expect: { verdict: 'violation', property: 'I14', traceLength: 20 } },
    { name: 'D25 LP init on a migrating task', params: { variant: 'D25' }, expect: { verdict: 'violation', property: 'I3', traceLength: 4 } },
    { name: 'D26 onlining non-TDX memory', params: { variant: 'D26' }, expect: { verdict: 'violation', property: 'I15', traceLength: 27 } },
    { name: 'D27 offlining the last CPU of a package with TDs', params: { variant: 'D27' }, expect: { verdict: 'violation', property: 'I17', traceLength: 26 } },
    {
      name: 'D34 tdx_enable() after an update reset the state',
      params: { variant: 'D34', era: '2022', update: true, cpu_hotplug: false },
      expect: { verdict: 'violation', property: 'I13', traceLength: 28 },
    },
    { name: 'D34 under 2026 (tdx_enable() is __init)', params: { variant: 'D34', update: true }, expect: { verdict: 'pass' } },
  ],
};
