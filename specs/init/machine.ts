// The machine one check runs on, and the kernel it runs: the CPUs and packages, the TDX module,
// the platforms (memory layouts), the era and the variant; with the views over a state that
// steps and properties share.

import { Errno, TdxModuleStatus } from '../../model/kernel.js';
import { SeamcallLeaf, type Leaf } from '../../model/leaf.js';
import { SysState, TdxModule } from '../../model/module.js';
import { TdxStatus, type Status } from '../../model/status.js';
import { topology, type Topology } from '../../model/topology.js';
import { MAX_REGIONS, platforms, type Outcome, type Passed, type Platform } from './layouts.js';
import type { InitParams } from './spec.js';
import { Cpuhp, InitResult, InitStep, KEYID_PARTITIONING, Kexec, Mem, Update, type N, type S } from './state.js';

export const VARIANTS = ['reference', 'D17', 'D20', 'D21', 'D22', 'D23', 'D23-free', 'D24', 'D25', 'D26', 'D27', 'D34', 'keyconfig-retry'] as const;
export type Variant = (typeof VARIANTS)[number];
export const ERAS = ['2026', '2022'] as const;
export type Era = (typeof ERAS)[number];

/** The CPU that calls tdx_enable(); task-context steps run here. */
export const CALLER = 0;

export class Machine {
  readonly topo: Topology;
  readonly tdx: TdxModule;
  readonly plats: readonly Platform[];
  readonly cpus: number;
  readonly variant: Variant;
  readonly era2026: boolean;
  /** Spread into a step that runs once per CPU. */
  readonly eachCpu: { readonly actors: number };

  constructor(readonly p: InitParams) {
    // more packages than CPUs would leave a package with none
    this.topo = topology(p.cpus, Math.min(p.packages, p.cpus));
    this.plats = platforms(p.layout);
    // the module holds as many TDMRs as the longest list any platform can build
    const maxTdmrs = Math.max(...this.plats.map((pl) => Math.min(pl.layout.maxTdmrs, pl.layout.regions.length)));
    this.tdx = new TdxModule(this.topo, {
      tdmrs: maxTdmrs,
      tdmrChunks: p.tdmr_chunks,
      disableSupported: p.disable_supported,
      allLpsRequired: p.all_lps_required,
      countSysInit: true,
    });
    this.cpus = p.cpus;
    this.variant = p.variant;
    this.era2026 = p.era === '2026';
    this.eachCpu = { actors: p.cpus };
  }

  /** D21: the last CPU is a platform LP that never comes online (maxcpus=, SMT off). */
  bootOnline(c: number): boolean {
    return !(this.variant === 'D21' && c === this.cpus - 1);
  }

  /** A SEAMCALL from `cpu` into the module, in the next state. */
  call(n: N, cpu: number, leaf: Leaf, args: { tdmrs?: number; tdmrsValid?: boolean; tdmr?: number; keyid?: number; inject?: Status } = {}): Status {
    if (args.keyid !== undefined) n.ghost.config_keyid = args.keyid;
    if (this.variant !== 'D24') n.cpu.at(cpu).cache_state_incoherent = true; // __seamcall_dirty_cache(): before the SEAMCALL
    const st = this.seamcallOnly(n, cpu, leaf, args);
    if (this.variant === 'D24') n.cpu.at(cpu).cache_state_incoherent = true;
    return st;
  }

  /** The SEAMCALL instruction alone: once it entered SEAM, the module may have left private-KeyID lines in this CPU's cache. */
  seamcallOnly(n: N, cpu: number, leaf: Leaf, args: { tdmrs?: number; tdmrsValid?: boolean; tdmr?: number; inject?: Status } = {}): Status {
    const st = this.tdx.seamcall(n.tdx_module, cpu, leaf, { vmxOn: n.cpu.at(cpu).vmxOn, ...args });
    if (st !== TdxStatus.TDX_SEAMCALL_UD && st !== TdxStatus.TDX_SEAMCALL_VMFAILINVALID) n.cpu.at(cpu).private_lines = true;
    return st;
  }

  // ---- CPUs ----------------------------------------------------------------------------------
  online(s: S, c: number): boolean {
    return s.cpu.at(c).hp !== Cpuhp.offline;
  }

  /** A CPU is inside its cpuhp callbacks, or failed in them and waits for the rollback. */
  transient(s: S): boolean {
    for (let c = 0; c < this.cpus; c++) {
      const h = s.cpu.at(c).hp;
      if (h !== Cpuhp.offline && h !== Cpuhp.online) return true;
    }
    return false;
  }

  inSeamAny(s: S): boolean {
    for (let c = 0; c < this.cpus; c++) if (s.cpu.at(c).inSeam !== SeamcallLeaf.NONE) return true;
    return false;
  }

  anyVmxOn(s: S): boolean {
    for (let c = 0; c < this.cpus; c++) if (s.cpu.at(c).vmxOn) return true;
    return false;
  }

  allOnlineVmxOn(s: S): boolean {
    for (let c = 0; c < this.cpus; c++) if (this.online(s, c) && !s.cpu.at(c).vmxOn) return false;
    return true;
  }

  pkgHasOnline(s: S, pkg: number): boolean {
    for (const c of this.topo.cpusOf[pkg]!) if (this.online(s, c)) return true;
    return false;
  }

  /** Every package has an online CPU: the per-package cache write-back of a TD's HKID can run. */
  allPackagesOnline(s: S): boolean {
    for (let q = 0; q < this.topo.packages; q++) if (!this.pkgHasOnline(s, q)) return false;
    return true;
  }

  // ---- the kernel ----------------------------------------------------------------------------
  /** The module, not the kernel, is ready for TDs: SYS_READY with every package configured and every TDMR initialized. */
  moduleReady(s: S): boolean {
    const t = s.tdx_module;
    return t.sys_state === SysState.SYS_READY && t.num_tdmrs > 0 && this.tdx.allPackagesConfigured(t) && this.tdx.allTdmrsInitialized(t);
  }

  initialized(s: S): boolean {
    return s.kernel.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED;
  }

  /** TDH.SYS.INIT ran and succeeded (its result is cached): TDH.SYS.LP.INIT may follow. */
  sysinitOk(s: S): boolean {
    return s.kernel.sysinit_done && s.kernel.sysinit_ret === Errno['0'];
  }

  /** Between [DIS]'s TDH.SYS.DISABLE and machine_kexec: kernel state is stale by design and nothing issues SEAMCALLs. */
  kexecShutdown(s: S): boolean {
    return s.kernel.kexec === Kexec.syscore_shutdown;
  }

  /** The TDX cpuhp callbacks are registered: during tdx_enable and after it succeeded (also across an update). */
  registered(s: S): boolean {
    return s.kernel.step !== InitStep.idle || this.initialized(s) || s.kernel.update !== Update.none;
  }

  /** Userspace-driven events: 2026 initializes at subsys_initcall, before userspace exists. */
  userspace(s: S): boolean {
    return !this.era2026 || s.kernel.init_attempted;
  }

  /** No tdx_enable, cpuhp operation, SEAMCALL, kexec or update step in flight, and no vCPU halfway through a SEAMCALL wrapper. */
  quiescent(s: S): boolean {
    return s.kernel.vcpu < 0 && this.quiescentButVcpu(s);
  }

  /** As quiescent, but a vCPU may be halfway through its SEAMCALL wrapper: kexec's NMI stop lands there too. */
  quiescentButVcpu(s: S): boolean {
    // the per-CPU loops last
    return s.kernel.step === InitStep.idle && !this.kexecShutdown(s) && s.kernel.update !== Update.shut_down && !this.transient(s) && !this.inSeamAny(s);
  }

  // ---- ghosts ------------------------------------------------------------------------------
  /**
   * The ghosts' bookkeeping after every action, read from the program counter and the module,
   * not from the kernel's flags: a tdx_enable() attempt returns when the caller's step goes back
   * to idle (2022's cpuhp failure is KVM giving up before tdx_enable(), so not an attempt); a
   * kexec (from its first step, before [DIS]'s TDH.SYS.DISABLE) notes whether the module was
   * ready (kept until the new kernel's attempt has ended), and starts a new kernel, whose
   * TDH.SYS.INIT count starts again (I4 is per kernel too).
   */
  recordGhosts(s: S, n: N): void {
    const from = s.kernel.step;
    if (from !== InitStep.idle && n.kernel.step === InitStep.idle && (this.era2026 || from !== InitStep.cpuhp_setup_state))
      n.ghost.init = this.moduleReady(n) ? InitResult.ready : InitResult.failed;
    if (s.kernel.kexec === Kexec.none && n.kernel.kexec !== Kexec.none) n.ghost.kexec_from_ready = this.moduleReady(s);
    // R2 is judged in the state where the new kernel's attempt ended: later states need not remember
    else if (s.ghost.init !== InitResult.none && s.kernel.kexec === Kexec.rebooted) n.ghost.kexec_from_ready = false;
    if (s.kernel.kexec !== Kexec.rebooted && n.kernel.kexec === Kexec.rebooted) {
      n.ghost.init = InitResult.none;
      n.tdx_module.sysinit_calls = 0;
      // a module TDH.SYS.DISABLE reset holds no global KeyID any more
      if (n.tdx_module.sys_state === SysState.SYSINIT_PENDING) n.ghost.config_keyid = -1;
    }
  }

  // ---- KeyIDs ------------------------------------------------------------------------------
  /**
   * What the kernel computes at boot from MSR_IA32_MKTME_KEYID_PARTITIONING (tdx.c:
   * record_keyid_partitioning(): TDX KeyIDs start after the last MKTME KeyID; tdx_init(): the
   * first is the global KeyID, the rest are for guests); no TD and no vCPU yet.
   */
  bootKeyids(n: N): void {
    const start = KEYID_PARTITIONING.nr_mktme_keyids + 1;
    n.kernel.tdx_global_keyid = start;
    n.kernel.tdx_guest_keyid_start = start + 1;
    n.kernel.tdx_nr_guest_keyids = KEYID_PARTITIONING.nr_tdx_keyids - 1;
    n.kernel.td_hkid = -1;
    n.kernel.vcpu = -1;
  }

  tdExists(s: S): boolean {
    return s.kernel.td_hkid >= 0;
  }

  // ---- memory --------------------------------------------------------------------------------
  /** What construct_tdmrs() and TDH.SYS.CONFIG make of the regions present and online now. */
  outcome(s: S): Outcome {
    return this.plats[s.layout]!.outcome(this.regionsAtLeast(s, Mem.offline), this.regionsAtLeast(s, Mem.online));
  }

  /** What the module makes of the kernel's TDMR list at TDH.SYS.CONFIG: the first nr_consumed_tdmrs entries. */
  passed(s: S): Passed {
    return this.plats[s.layout]!.passed(this.regionsAtLeast(s, Mem.offline), this.regionsAtLeast(s, Mem.online), s.kernel.nr_tdmrs);
  }

  /** Bit r set: region r is at least `least` (absent < offline < online). */
  private regionsAtLeast(s: S, least: number): number {
    let m = 0;
    for (let r = 0; r < MAX_REGIONS; r++) if (s.mem.get(r) >= least) m |= 1 << r;
    return m;
  }

  regionKind(s: S, r: number) {
    return this.plats[s.layout]!.layout.regions[r]?.kind;
  }

  memlistEmpty(s: S): boolean {
    for (let r = 0; r < MAX_REGIONS; r++) if (s.memlist.get(r)) return false;
    return true;
  }

  /** Every online region is TDX memory: it lies in tdx_memlist. */
  onlineInMemlist(s: S): boolean {
    for (let r = 0; r < MAX_REGIONS; r++) if (s.mem.get(r) === Mem.online && !s.memlist.get(r)) return false;
    return true;
  }
}
