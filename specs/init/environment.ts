// What may interleave with the bring-up: CPU hotplug through the cpuhp callbacks, memory
// hotplug, a TD holding an HKID, one kexec into a new kernel, and (for D34) an abstract
// TD-preserving update.

import { Errno, TdxModuleStatus } from '../../model/kernel.js';
import { P_SEAMLDR } from '../../model/lanes.js';
import { SeamcallLeaf } from '../../model/leaf.js';
import { TdxStatus } from '../../model/status.js';
import { MAX_REGIONS } from './layouts.js';
import { CALLER, type Machine } from './machine.js';
import { Cpuhp, flushIfIncoherent, InitStep, Kexec, MEM_LOCKED, Mem, Pamt, Update, type N, type S } from './state.js';
import { onCaller, onCpu, type Step } from './step.js';

export function environmentSteps(m: Machine): Step[] {
  const p = m.p;
  return [
    ...(p.cpu_hotplug ? cpuHotplug(m) : []),
    ...(p.mem_hotplug ? memoryHotplug(m) : []),
    ...(p.tds ? tds(m) : []),
    ...(p.kexec ? kexec(m) : []),
    ...(p.update ? update(m) : []),
  ];
}

/** The CPU goes offline: its teardown flushes the cache if flagged (tdx_offline_cpu() or, 2022, KVM's tdx_disable_virtualization_cpu()), then VMXOFF. */
function offline(n: N, c: number): void {
  flushIfIncoherent(n, c);
  n.cpu.at(c).hp = Cpuhp.offline;
  n.cpu.at(c).vmxOn = false;
}

function cpuHotplug(m: Machine): Step[] {
  return [
    {
      name: 'cpu_up',
      fairness: 'none', // userspace (sysfs): may never online a CPU
      ...m.eachCpu,
      context: 'task (sysfs online)',
      source: 'cpuhp: logical online runs the VMX, then the TDX online callback (digest 3.7)',
      guard: (s, c) => s.cpu.at(c).hp === Cpuhp.offline && m.bootOnline(c) && m.userspace(s) && m.quiescent(s),
      effect: (s, n, c) => {
        n.cpu.at(c).hp = m.registered(s) ? Cpuhp.vmxon_pending : Cpuhp.online;
      },
    },
    {
      name: 'cpuhp rollback: VMXOFF, offline',
      // weak (the default): the cpuhp core rolls a failed online back by itself
      ...m.eachCpu,
      context: 'cpuhp',
      source: 'cpuhp: a failed tdx_cpu_enable() fails the online; teardown callbacks run (digest 3.7, I16)',
      guard: (s, c) => s.cpu.at(c).hp === Cpuhp.tdx_cpu_enable_failed && s.kernel.step === InitStep.idle,
      effect: (_s, n, c) => offline(n, c),
    },
    {
      name: 'cpu_down',
      fairness: 'none',
      ...m.eachCpu,
      context: 'task (sysfs offline)',
      source: 'tdx_offline_cpu(): -EBUSY for the last online CPU of a package while HKIDs are in use; then VMXOFF (digest 3.7)',
      guard: (s, c) => {
        if (c === CALLER || s.cpu.at(c).hp !== Cpuhp.online || !m.userspace(s) || !m.quiescent(s)) return false;
        if (m.variant === 'D27' || !m.registered(s) || !m.tdExists(s)) return true;
        for (const d of m.topo.cpusOf[m.topo.pkgOf[c]!]!) if (d !== c && m.online(s, d)) return true;
        return false;
      },
      effect: (_s, n, c) => offline(n, c),
    },
  ];
}

function memoryHotplug(m: Machine): Step[] {
  /** Memory hotplug may run: userspace exists, init_tdx_module() does not hold get_online_mems(), no kexec under way. */
  const memOpen = (s: S): boolean => m.userspace(s) && !MEM_LOCKED.has(s.kernel.step) && !m.kexecShutdown(s);
  const regions = { actors: MAX_REGIONS, actorKind: 'region' } as const;
  return [
    {
      name: 'add_memory',
      fairness: 'none', // the platform (ACPI) and userspace: memory may never be added, onlined or offlined
      ...regions,
      context: 'task (ACPI hot-add)',
      source: 'add_memory(): the region joins memblock (ARCH_KEEP_MEMBLOCK), offline',
      guard: (s, r) => memOpen(s) && s.mem.get(r) === Mem.absent && m.regionKind(s, r) === 'hotplug',
      effect: (_s, n, r) => n.mem.set(r, Mem.offline),
    },
    {
      name: 'online_pages',
      fairness: 'none',
      ...regions,
      context: 'task (sysfs online)',
      source:
        m.variant === 'D26'
          ? 'digest D26: no memory notifier'
          : 'tdx.c: tdx_memory_notifier(MEM_GOING_ONLINE): refuse memory outside tdx_memlist once it is non-empty',
      guard: (s, r) => memOpen(s) && s.mem.get(r) === Mem.offline && (m.variant === 'D26' || m.memlistEmpty(s) || s.memlist.get(r)),
      effect: (_s, n, r) => n.mem.set(r, Mem.online),
    },
    {
      name: 'offline_pages',
      fairness: 'none',
      ...regions,
      context: 'task (sysfs offline)',
      source: 'memory offline of a ZONE_MOVABLE block (no PAMT lives there)',
      guard: (s, r) => memOpen(s) && s.mem.get(r) === Mem.online && m.regionKind(s, r) !== 'boot',
      effect: (_s, n, r) => n.mem.set(r, Mem.offline),
    },
  ];
}

function tds(m: Machine): Step[] {
  return [
    {
      name: 'tdx_guest_keyid_alloc',
      fairness: 'none', // KVM's users: a TD may never be created or destroyed
      context: 'task (KVM_CREATE_VM)',
      source: 'KVM __tdx_td_init(): "All packages need to have online CPU to create TD"; tdx_guest_keyid_alloc()',
      guard: (s) => m.initialized(s) && !m.tdExists(s) && s.kernel.tdx_nr_guest_keyids > 0 && m.quiescent(s) && m.allPackagesOnline(s),
      effect: (s, n) => {
        // ida_alloc_range(start, start + nr - 1): the lowest free guest KeyID, and no TD holds one yet
        n.kernel.td_hkid = s.kernel.tdx_guest_keyid_start;
      },
    },
    ...vcpuSeamcall(m),
    {
      name: 'tdx_guest_keyid_free',
      fairness: 'none',
      context: 'task (TD destroyed)',
      source: 'KVM tdx_mmu_release_hkid(): per-package cache write-back, then the HKID is freed',
      guard: (s) => m.tdExists(s) && m.quiescent(s),
      effect: (_s, n) => {
        n.kernel.td_hkid = -1;
      },
    },
  ];
}

/**
 * A vCPU of the TD enters it on a CPU other than the caller (which is the one that runs kexec):
 * sc_retry() -> __seamcall_dirty_cache() writes cache_state_incoherent, then issues TDH.VP.ENTER
 * (D24: the other way round). Two steps, so that kexec's NMI stop can land between them.
 */
function vcpuSeamcall(m: Machine): Step[] {
  const d24 = m.variant === 'D24';
  const flag = (n: N, c: number): void => void (n.cpu.at(c).cache_state_incoherent = true);
  const enter = (n: N, c: number): void => void m.seamcallOnly(n, c, SeamcallLeaf.TDH_VP_ENTER);
  const vpEnter = { issues: onCpu(SeamcallLeaf.TDH_VP_ENTER) };
  return [
    {
      name: d24 ? 'tdh_vp_enter: TDH.VP.ENTER' : 'tdh_vp_enter: cache_state_incoherent = true',
      fairness: 'none', // the TD's user decides when its vCPU runs
      ...m.eachCpu,
      context: 'task (KVM_RUN, preemption off)',
      source: d24
        ? 'digest D24: the flag written after the SEAMCALL'
        : 'tdx.c: __seamcall_dirty_cache(): "needs to be done before actually making the SEAMCALL, because kexec-ing CPU could send NMI to stop remote CPUs"',
      ...(d24 ? vpEnter : {}),
      guard: (s, c) => {
        const x = s.cpu.at(c);
        return c !== CALLER && m.tdExists(s) && m.initialized(s) && x.hp === Cpuhp.online && x.vmxOn && m.quiescent(s);
      },
      effect: (_s, n, c) => {
        if (d24) enter(n, c);
        else flag(n, c);
        n.kernel.vcpu = c;
      },
    },
    {
      name: d24 ? 'tdh_vp_enter: cache_state_incoherent = true' : 'tdh_vp_enter: TDH.VP.ENTER',
      ...m.eachCpu,
      context: 'task (KVM_RUN, preemption off)',
      source: d24 ? 'digest D24' : 'tdx.c: __seamcall_dirty_cache(): func(fn, args); KVM tdx_vcpu_run() -> tdh_vp_enter()',
      ...(d24 ? {} : vpEnter),
      // once [DIS]'s tdx_shutdown() has run, this CPU's VMX reference is gone: the SEAMCALL would #UD
      guard: (s, c) => s.kernel.vcpu === c && !m.kexecShutdown(s),
      effect: (_s, n, c) => {
        if (d24) flag(n, c);
        else enter(n, c);
        n.kernel.vcpu = -1;
      },
    },
  ];
}

/** The kernel forgets TDH.SYS.INIT's cached result and every CPU's tdx_lp_initialized: tdx_cpu_enable() starts over. */
function forgetModuleInit(m: Machine, n: N): void {
  n.kernel.sysinit_done = false;
  n.kernel.sysinit_ret = Errno['0'];
  for (let c = 0; c < m.cpus; c++) n.cpu.at(c).tdx_lp_initialized = false;
}

/** The new kernel after kexec: kernel state from scratch, the module as the old kernel left it. */
function bootKernel(m: Machine, n: N): void {
  const k = n.kernel;
  k.tdx_module_status = TdxModuleStatus.TDX_MODULE_UNINITIALIZED;
  forgetModuleInit(m, n);
  k.init_attempted = false;
  k.step = InitStep.idle;
  k.key_pkg = 0;
  k.tdmr_cur = 0;
  k.nr_tdmrs = 0;
  k.pamt = Pamt.none; // the new kernel knows nothing of the old one's PAMTs (the module may still use them)
  m.bootKeyids(n);
  for (let c = 0; c < m.cpus; c++) {
    const cpu = n.cpu.at(c);
    cpu.hp = m.bootOnline(c) ? Cpuhp.online : Cpuhp.offline;
    cpu.vmxOn = false;
    cpu.inSeam = SeamcallLeaf.NONE;
    cpu.cache_state_incoherent = false; // a new kernel's per-CPU data; the caches themselves keep what the old one left
  }
  for (let r = 0; r < MAX_REGIONS; r++) {
    n.memlist.set(r, false);
    if (n.mem.get(r) !== Mem.absent) n.mem.set(r, Mem.online);
  }
}

function kexec(m: Machine): Step[] {
  /** [DIS]'s syscore shutdown callback: tdx_enable() registers it only once init succeeded (it stays across an update). */
  const disableAtKexec = (s: S): boolean => m.era2026 && (m.initialized(s) || s.kernel.update !== Update.none);
  return [
    {
      name: 'tdx_shutdown: TDH.SYS.DISABLE',
      fairness: 'none', // kexec is a userspace request that may never come
      context: 'task (syscore shutdown)',
      source: '[DIS] tdx_shutdown(): TDH.SYS.DISABLE before WBINVD and VMXOFF (digest 3.9)',
      issues: onCaller(SeamcallLeaf.TDH_SYS_DISABLE),
      guard: (s) => s.kernel.kexec === Kexec.none && disableAtKexec(s) && m.quiescentButVcpu(s),
      effect: (_s, n) => {
        m.call(n, CALLER, SeamcallLeaf.TDH_SYS_DISABLE);
        n.kernel.kexec = Kexec.syscore_shutdown;
      },
    },
    {
      name: 'machine_kexec',
      // One action for the request (without DISABLE) and for the kernel finishing one: weak
      // fairness would force a kexec on every idle path. No liveness property needs the second
      // (tdx_enable() is never under way during kexec's shutdown).
      fairness: 'none',
      context: 'task (kexec -e)',
      source:
        'machine_kexec(): stop_this_cpu() WBINVDs the other CPUs, relocate_kernel() this one (cache_state_incoherent); the new kernel boots with the module as left ([S1] "fails at the first step")',
      // kexec -e comes from userspace: in 2026 only after the initcall's tdx_enable() returned
      guard: (s) => m.kexecShutdown(s) || (s.kernel.kexec === Kexec.none && !disableAtKexec(s) && m.userspace(s) && m.quiescentButVcpu(s)),
      effect: (_s, n) => {
        // stop_this_cpu() on the others (by IPI, or NMI wherever they are), relocate_kernel() on
        // this one: each does WBINVD if its cache_state_incoherent says so; offline CPUs flushed going down
        for (let c = 0; c < m.cpus; c++) if (m.online(n, c)) flushIfIncoherent(n, c);
        n.kernel.cache_keyid0 = false;
        n.kernel.cache_private = false;
        bootKernel(m, n);
        n.kernel.kexec = Kexec.rebooted;
      },
    },
  ];
}

function update(m: Machine): Step[] {
  return [
    {
      name: 'seamldr_install_module: TDH.SYS.SHUTDOWN',
      fairness: 'none', // an update is a userspace request; once it shut the module down, the install below is the kernel's own (weak) step
      context: 'stop_machine',
      source:
        m.variant === 'D17' || m.variant === 'D34'
          ? 'tdx.c: tdx_module_shutdown(): memset(&tdx_module_state, 0): not initialized, which a later tdx_enable() takes as "never tried"'
          : 'seamldr.c: tdx_module_shutdown() on the lead CPU; [U-v7] marks the module ERROR "to prevent re-initialization"',
      issues: onCaller(SeamcallLeaf.TDH_SYS_SHUTDOWN),
      guard: (s) => s.kernel.update === Update.none && m.initialized(s) && m.quiescent(s),
      effect: (_s, n) => {
        if (m.call(n, CALLER, SeamcallLeaf.TDH_SYS_SHUTDOWN) !== TdxStatus.TDX_SUCCESS) return;
        n.kernel.tdx_module_status = m.variant === 'D17' || m.variant === 'D34' ? TdxModuleStatus.TDX_MODULE_UNINITIALIZED : TdxModuleStatus.TDX_MODULE_ERROR;
        forgetModuleInit(m, n);
        n.kernel.update = Update.shut_down;
      },
    },
    {
      name: 'seamldr_install_module: SEAMLDR.INSTALL .. TDH.SYS.UPDATE',
      context: 'stop_machine',
      target: P_SEAMLDR,
      source: 'seamldr.c: CPU_INSTALL, CPU_INIT (tdx_cpu_enable), RUN_UPDATE; abstracted to one step here (the update spec models it)',
      guard: (s) => s.kernel.update === Update.shut_down,
      effect: (_s, n, _a, failed) => {
        n.kernel.update = Update.done;
        if (failed) return; // the old module stays SYS_SHUTDOWN: TDX is dead until reboot
        m.tdx.install(n.tdx_module);
        m.call(n, CALLER, SeamcallLeaf.TDH_SYS_INIT);
        for (let c = 0; c < m.cpus; c++) {
          if (m.online(n, c) && m.call(n, c, SeamcallLeaf.TDH_SYS_LP_INIT) === TdxStatus.TDX_SUCCESS) n.cpu.at(c).tdx_lp_initialized = true;
        }
        n.kernel.sysinit_done = true;
        if (m.call(n, CALLER, SeamcallLeaf.TDH_SYS_UPDATE) === TdxStatus.TDX_SUCCESS) n.kernel.tdx_module_status = TdxModuleStatus.TDX_MODULE_INITIALIZED;
      },
      failure: { label: 'SEAMLDR.INSTALL fails', enabled: true },
    },
  ];
}
