// U1-U26, V8 and I3 (digest 7) as invariants over states and properties of transitions, and the
// states a fault-free run must be able to reach (R1-R5). The properties read the module's and
// the loader's state and the ghost record of what each CPU executed (`attempt`); the kernel's
// own bookkeeping appears only where a property is about the kernel's belief matching the
// module (U12, U15, I3) or about what the update reports (U13's premise). U23 (termination) is
// liveness on fair paths; U23.wait is its safety side, a wait-for cycle with IRQs off.

import type { ActionRef, Invariant, LivenessProperty, ReachabilityTarget, TransitionProperty } from '../../checker/model.js';
import { declareProperties, eventually, invariant, target, transition } from '../../checker/spec.js';
import { Errno, TdxModuleStatus } from '../../model/kernel.js';
import { SeamcallLeaf } from '../../model/leaf.js';
import { SysState } from '../../model/module.js';
import { ModuleUpdateState as U, UPDATE_LEAVES, UpdateCtrlState } from '../../model/seamldr.js';
import type { Design } from './design.js';
import { FailedAt, FwUpload, inSeamldr, inVmcsRestoreWindow, Loop, Stopper, Task, vcpuOn, Vmcs, type Env, type Schema, type S } from './state.js';
import { PERF_NMI, type Step } from './step.js';

type Inv = Invariant<Schema>;
type Trans = TransitionProperty<Schema>;
type Target = ReachabilityTarget<Schema>;
type Live = LivenessProperty<Schema>;

const shutDown = (s: S, n: S): boolean => s.tdx_module.sys_state === SysState.SYS_READY && n.tdx_module.sys_state === SysState.SYS_SHUTDOWN;
const everyCpu = (s: S, p: (c: number) => boolean): boolean => {
  for (let c = 0; c < s.cpu.length; c++) if (!p(c)) return false;
  return true;
};
const someCpu = (s: S, p: (c: number) => boolean): boolean => {
  for (let c = 0; c < s.cpu.length; c++) if (p(c)) return true;
  return false;
};
/**
 * upd.running (digest 7), stated apart from the model's own test: some CPU has started this
 * attempt's update work, and some online CPU has not yet returned from the callback.
 * Loops rather than someCpu: every step judges it, and a predicate would be a closure per call.
 */
const running = (s: S): boolean => {
  if (s.fw_upload.phase !== FwUpload.STOP_MACHINE) return false;
  let started = false;
  for (let c = 0; c < s.cpu.length && !started; c++) started = s.attempt.done.get(c) !== U.START || s.cpu.at(c).loop !== Loop.SPIN;
  if (!started) return false;
  for (let c = 0; c < s.cpu.length; c++) {
    const cpu = s.cpu.at(c);
    if (cpu.online && cpu.stopper !== Stopper.EXIT && cpu.stopper !== Stopper.DONE) return true;
  }
  return false;
};
const someStopperAt = (s: S, st: number): boolean => {
  for (let c = 0; c < s.cpu.length; c++) if (s.cpu.at(c).stopper === st) return true;
  return false;
};
const noLpInitialized = (s: S): boolean => {
  for (let c = 0; c < s.cpu.length; c++) if (s.cpu.at(c).tdx_lp_initialized) return false;
  return true;
};
const attempting = (s: S): boolean => s.fw_upload.phase === FwUpload.STATE_INIT || s.fw_upload.phase === FwUpload.STOP_MACHINE;
const kernelUnchanged = (s: S, n: S): boolean =>
  n.kernel.tdx_module_status === s.kernel.tdx_module_status &&
  n.kernel.sysinit_done === s.kernel.sysinit_done &&
  everyCpu(s, (c) => n.cpu.at(c).tdx_lp_initialized === s.cpu.at(c).tdx_lp_initialized);
/** CPU b waits in vcpu_load for an IPI answer: where the stopper of the CPU it waits for is; undefined if it waits for none. */
const awaitedStopper = (s: S, b: number): number | undefined => {
  if (s.cpu.at(b).task !== Task.IPI_WAIT) return undefined;
  for (let v = 0; v < s.vcpu.length; v++) {
    const lp = s.vcpu.at(v).assoc;
    if (s.vcpu.at(v).cpu === b && lp >= 0) return s.cpu.at(lp).stopper;
  }
  return undefined;
};
/** stop_machine()'s stopper thread holds the CPU (MULTI_STOP_PREPARE until it restores IRQs). */
const stopperHolds = (s: S, c: number): boolean => {
  const st = s.cpu.at(c).stopper;
  return st === Stopper.PREPARE || st === Stopper.IRQS_OFF || st === Stopper.EXIT;
};
const inGuest = (s: S): boolean => {
  for (let v = 0; v < s.vcpu.length; v++) if (s.vcpu.at(v).guest) return true;
  return false;
};

/** Every property, declared once: `tdxmc list`, reports and the README read these. */
export const PROPERTIES = declareProperties({
  U2: invariant(
    'no vCPU is in guest mode while the update runs',
    'seed 003 (Chao Gao, 12 Mar 2026): "all TD vCPUs must remain out of guest mode during updates"',
  ),
  'U2.run': invariant(
    "no CPU held by its stopper thread is in KVM's run loop: the stopper preempted the vCPU thread and kvm_sched_out() cleared kvm_running_vcpu, so KVM's perf NMI callback (V8.nmi) never VMREADs inside the step machine (vacuous in D11-D13, whose step IPIs interrupt the vCPU thread without scheduling it out)",
    'virt/kvm/kvm_main.c: kvm_sched_out() (kvm_running_vcpu = NULL); kernel/stop_machine.c: the SCHED_FIFO stopper; Sean Christopherson, RFC 00/20 thread (2025-07-11)',
  ),
  VcpuAssoc: transition(
    'a TD vCPU is associated with at most one LP: TDH.VP.ENTER runs it only where it is associated or nowhere and associates it there, a vCPU in guest mode is associated with its CPU, and only TDH.VP.FLUSH on that LP dissociates it',
    'digest 1.5 ("TDH.VP.FLUSH on the old LP breaks the association"); arch/x86/kvm/vmx/tdx.c: tdx_vcpu_load(), tdx_flush_vp_on_cpu()',
  ),
  U3: invariant(
    'while the update runs, every online CPU is in its stopper with IRQs off',
    'kernel/stop_machine.c: multi_cpu_stop(); seamldr.c: stop_machine_cpuslocked(..., cpu_online_mask)',
  ),
  U5: transition(
    'lockstep: a CPU starts the work (or, with none, the acknowledgement) of step k+1 only after every online CPU finished step k, and step k did not fail (the [U-RFC] abort to DONE excepted)',
    'seed 003: "The state advances only after all CPUs acknowledge completing their work in the current state"; digest 7.2 U5',
  ),
  'U5.ack': invariant(
    "while a CPU is in the step loop, update_ctrl.num_ack is the number of CPUs that finished and acknowledged update_ctrl.state, a failed step's included: the [U-RFC] abort to DONE fires on it (vacuous in D4, which has no acknowledgement)",
    'seamldr.c: ack_state() (num_ack++ for every result, __set_target_state() resets it); [U-RFC] p11; digest 7.2 U5 ("numAck has wrapped")',
  ),
  'U16.handoff': invariant(
    'the handoff data is single-use: it exists only while no module is SYS_READY (TDH.SYS.SHUTDOWN writes it, the new module consumes it in TDH.SYS.UPDATE)',
    'tdh_sys_shutdown.c, tdh_sys_update.c; digest 4.1 (the new module imports the handoff)',
  ),
  U6: transition(
    'TDH.SYS.SHUTDOWN and TDH.SYS.UPDATE are each issued at most once an attempt, by the lead CPU, which stays online throughout the attempt',
    'seamldr.c: is_lead_cpu, "Use CPU 0 because it is always online"; [U-RFC] cpumask_first(cpu_online_mask); digest 7.2 U6',
  ),
  U7: invariant(
    'at most one CPU is inside the P-SEAMLDR (INSTALL or INFO)',
    'seamldr.c: seamldr_lock, "the hardware only allows a single CPU to interact with P-SEAMLDR"',
  ),
  U12: invariant(
    'the kernel treats the module as initialized exactly when it is SYS_READY: a failure after SHUTDOWN leaves TDX unusable until reboot',
    'seed 000 (RFC cover): "recovery ... requires a reboot"; seamldr.c; tdx-host.c version_show() -ENXIO',
  ),
  U15: invariant(
    "between a successful SHUTDOWN and CPU_INIT, sysinit_done and every possible CPU's tdx_lp_initialized are clear",
    'tdx.c: tdx_module_shutdown() reset ([U-v7]: for_each_possible_cpu); digest 4.9',
  ),
  'U23.wait': invariant(
    'no wait-for cycle with IRQs off: no CPU that has not joined stop_machine waits, preemption off, for an IPI answer from a CPU whose stopper has disabled IRQs, and no CPU the update still needs spins with IRQs off on a lock the update holds',
    'kernel/stop_machine.c: multi_cpu_stop() MULTI_STOP_PREPARE before MULTI_STOP_DISABLE_IRQ; kernel/smp.c: smp_call_function_single(wait=1)',
  ),
  U23: eventually(
    'termination: once the fw_upload write started an update, stop_machine() returns on every fair path (faults, hotplug, TDs, readers and NMIs may never act)',
    'digest 7.2 U23: "each online CPU eventually leaves the loop, and stop_machine returns"; [U-v7] rationale for cpus_read_lock',
  ),
  I4: invariant(
    'each module incarnation receives at most one TDH.SYS.INIT, successful or not: after an update every CPU but the first gets the cached result (a module TDH.SYS.SHUTDOWN left dead is exempt)',
    'digest 7.1 I4; tdx.c try_init_module_global(): sysinit_done caches success and failure; tdx_module_shutdown() clears it for the new module',
  ),
  I3: invariant(
    'outside an update, a CPU the kernel thinks LP-initialized is LP-initialized in the module',
    'digest 7.1 I3; tdx.c: tdx_cpu_enable() skips LP.INIT when tdx_lp_initialized is set',
  ),
  U20: invariant(
    'no `version` reader is between seamldr_lock_module_update() and the unlock while the update runs (vacuous in the RFC era, whose reader does not lock out updates)',
    'seamldr.c: "stop_machine() does not interrupt preemption-disabled regions"',
  ),
  U1: transition(
    "while the update runs, the only SEAMCALLs are the update's own leaves, issued from the stopper",
    'seed 003: "During updates, only update-related SEAMCALLs are permitted"; [U-v10] cover #2',
  ),
  U4: transition(
    'no CPU comes or goes between init_state() and the return of stop_machine()',
    '[U-v7] changelog: "hold cpus_read_lock() before updates to prevent CPU hotplug race"',
  ),
  U8: transition(
    'a successful TDH.SYS.UPDATE follows exactly one successful SEAMLDR.INSTALL on every platform LP in this attempt',
    '[U-v2]: the P-SEAMLDR needs SEAMLDR.INSTALL on every LP; seamldr.c CPU_INSTALL; digest 7.2 U8',
  ),
  U9: transition(
    'TDH.SYS.UPDATE is issued only once every online CPU has LP-initialized the new module',
    'seamldr.c: RUN_UPDATE after CPU_INIT; tdh_sys_update.c',
  ),
  U10: transition(
    'once a step failed, no CPU starts the work of a later step (reaching DONE without work is fine)',
    '[U-RFC] p11, [U-v3], seamldr.c ack_state(); digest 8 clarification: U10 read by work',
  ),
  U11: transition(
    "SEAMLDR.INSTALL never runs over a live module, and a refused TDH.SYS.SHUTDOWN changes none of the kernel's init state: the old module keeps its TDs",
    '[U-v7] (Chao Gao): the early abort at SHUTDOWN is what keeps a racing TD build recoverable',
  ),
  U13: transition(
    "stop_machine() returns an error exactly when a call of the attempt failed, and an update whose stop_machine() returns 0 installed a new module, left it SYS_READY, used one loader slot, left the kernel initialized with the new module's version and every online CPU LP-initialized in kernel and module, and killed no TD",
    'seamldr.c, tdx.c: tdx_module_run_update(); kernel/stop_machine.c cpu_stopper_thread(); digest 4.9, 7.2 U13',
  ),
  U14: transition(
    'no tdx_sysinfo field but the version changes: consumers set up their TDX support from the features read at boot',
    '[U-v9]/[U-v10] 21/25 changelog: "that consumer could observe and use the newly reported features without having performed the setup"; digest 7.2 U14',
  ),
  U16: transition(
    "TDH.SYS.SHUTDOWN is passed the running module's own handoff version, and succeeds only for an image whose module accepts it (Z-stream, minimum version)",
    'seed 000: "TD-Preserving updates are restricted to Z-stream releases" and the minimum-version file; [U-v10] tdx_module_shutdown() reads module_hv fresh; tdh_sys_shutdown.c, tdh_sys_update.c',
  ),
  U17: transition(
    'a P-SEAMLDR call leaves the current VMCS it was entered with, as seen on its return to the caller and by every VMX instruction on that CPU',
    'RFC 03/20: "SEAMRET from the P-SEAMLDR clears the current VMCS"; [U-v7] erratum gating',
  ),
  U21: transition(
    'no SEAMLDR.INSTALL with num_remaining_updates = 0: someone must check before SHUTDOWN destroys the old module',
    'seed 002 ABI: "Once it reaches zero, further TD-Preserving updates will fail"; [U-RFC] p19',
  ),
  U22: transition(
    'TDH.SYS.SHUTDOWN does not succeed while a TD build (compat-sensitive) is in progress',
    '[U-v7]/[U-v10]: TDX_SYS_SHUTDOWN_AVOID_COMPAT_SENSITIVE, TDX_UPDATE_COMPAT_SENSITIVE -> -EBUSY',
  ),
  U24: transition(
    'progress: the first failed call of an attempt is an injected fault or the compat-sensitive refusal of TDH.SYS.SHUTDOWN, so a clean update reaches DONE',
    'seamldr.c; digest 7.2 U24, 8 clarification (D9: loss of progress)',
  ),
  U26: transition(
    'no TDH.SYS.INIT or TDH.SYS.LP.INIT inside the update before every online CPU installed the new module (SEAMLDR.INSTALL succeeded there)',
    'seed 003: no guarantee that all CPUs complete step A before any begins step B without lockstep',
  ),
  V8: transition(
    'no VMREAD/VMWRITE while the current VMCS is invalid',
    'RFC 03/20 (Chao Gao): VMX instructions in IRQ context must not meet a NULL current-VMCS; SDM VMREAD',
  ),
  'V8.nmi': transition(
    "KVM's perf NMI callback runs VMREAD only when the NMI hit KVM's run loop on that CPU (kvm_running_vcpu)",
    'Sean Christopherson, RFC 00/20 thread (2025-07-11): "only when KVM knows the NMI occurred in KVM\'s run loop"',
  ),
  U19: transition(
    '[U-RFC] no IRQ handler runs between SEAMRET from the P-SEAMLDR and the VMPTRLD that restores the VMCS (vacuous in the merged era, which has no such window)',
    'RFC 03/20: "Disable interrupts to prevent KVM code from interfering with P-SEAMLDR SEAMCALLs"',
  ),
  R1: target(
    'an update reaches DONE (update_ctrl at DONE+1, a loader slot used) and then a TD vCPU runs on the new module',
    'seamldr.c do_seamldr_install_module(); digest 4.9 (TDs survive the update)',
  ),
  R2: target(
    'a second update succeeds after the first: init_state() starts it from the DONE+1 the first one left',
    'seamldr.c: init_state() is the only reset of update_ctrl; seed 002 (num_remaining_updates)',
  ),
  R3: target(
    'a refused TDH.SYS.SHUTDOWN (busy module or a TD build) aborts the attempt with the old module SYS_READY',
    '[U-v7] (Chao Gao): the early abort at SHUTDOWN keeps the machine recoverable; digest 4.10',
  ),
  R4: target(
    "a vCPU's vcpu_load waits on the TDH.VP.FLUSH IPI while another CPU's stopper already runs: the rendezvous the PREPARE barrier protects",
    'kernel/stop_machine.c multi_cpu_stop(); arch/x86/kvm/vmx/tdx.c tdx_flush_vp_on_cpu()',
  ),
  R5: target(
    'a step failing after SHUTDOWN leaves TDX unusable until reboot: the kernel uninitialized and the module not SYS_READY',
    'seed 000: "recovery ... requires a reboot"; digest 4.10',
  ),
  R6: target(
    'an injected SEAMLDR.INSTALL failure is reached and every CPU leaves the step machine (stop_machine() can return its error)',
    'seamldr.c: do_seamldr_install_module() CPU_INSTALL, ack_state(); digest 4.10',
  ),
  R7: target(
    'an injected TDH.SYS.LP.INIT failure is reached (the new module SYSINIT_DONE) and every CPU leaves the step machine',
    'tdx.c: tdx_cpu_enable(); seamldr.c CPU_INIT; digest 4.10',
  ),
  R8: target(
    "an injected TDH.SYS.INIT failure is reached: the new module stays SYSINIT_PENDING, the kernel caches the error for every CPU's tdx_cpu_enable(), and every CPU leaves the step machine",
    'tdx.c: try_init_module_global() (sysinit_done, sysinit_ret: "failure is cached too"); digest 3.2, 4.10',
  ),
  R9: target(
    'an injected TDH.SYS.UPDATE rejection of the handoff is reached and every CPU leaves the step machine',
    'tdx.c: tdx_module_run_update(); seamldr.c RUN_UPDATE; digest 4.10',
  ),
  R10: target(
    'a busy module refuses TDH.SYS.SHUTDOWN with no TD build in progress (the old module stays SYS_READY)',
    'tdh_sys_shutdown.c: TDX_SYS_BUSY; [U-v7] early abort at SHUTDOWN; digest 4.10',
  ),
});

export function properties(
  d: Design,
  env: Env,
  actions: readonly Step[],
): { invariants: Inv[]; transitionProperties: Trans[]; targets: Target[]; liveness: Live[] } {
  /**
   * What the properties ask of each action, in one object shape for all: the steps themselves
   * differ in shape, and a field read on every transition from many shapes is a megamorphic load.
   */
  const facts = actions.map((st) => ({
    leaf: st.leaf,
    vmx: st.vmx === true,
    fault: st.fault === true,
    hotplug: st.hotplug === true,
    context: st.context,
    starts: st.starts,
  }));
  const step = (a: ActionRef) => facts[a.action]!;
  const is = (a: ActionRef, name: string): boolean => a.name === name;
  /** The update step action `a` starts on its CPU, if it starts one. */
  const started = (s: S, a: ActionRef): number | undefined => step(a).starts?.(s, a.actor);
  /** TDH.SYS.UPDATE succeeded in this transition: only it makes an initialized new module SYS_READY here. */
  /**
   * Which release runs, as the loader counts it: each successful TDH.SYS.UPDATE uses one slot and
   * makes the next release (one more handoff version and version.update) SYS_READY.
   */
  const release = (s: S): number => env.slots - s.seamldr.num_remaining_updates;
  /** `on` for a transition property: the actions declared with `p`. */
  const declared =
    (p: (st: Step) => boolean) =>
    (_a: unknown, i: number): boolean =>
      p(actions[i]!);
  const issues = (leaf: number) => declared((st) => st.leaf === leaf);
  const named = (name: string) => declared((st) => st.name === name);
  const updated = (s: S, a: ActionRef, n: S): boolean =>
    step(a).leaf === SeamcallLeaf.TDH_SYS_UPDATE && s.tdx_module.sys_state === SysState.SYSINIT_DONE && n.tdx_module.sys_state === SysState.SYS_READY;

  const invariants: Inv[] = [
    {
      ...PROPERTIES.U2,
      holds: (s) => !running(s) || !inGuest(s),
    },
    {
      ...PROPERTIES['U2.run'],
      holds: (s) => {
        if (!d.rendezvous) return true;
        for (let v = 0; v < s.vcpu.length; v++) {
          const c = s.vcpu.at(v).cpu;
          if (c >= 0 && stopperHolds(s, c)) return false;
        }
        return true;
      },
    },
    {
      ...PROPERTIES.U3,
      holds: (s) => {
        if (!running(s)) return true;
        for (let c = 0; c < s.cpu.length; c++) {
          const cpu = s.cpu.at(c);
          if (cpu.online && cpu.stopper !== Stopper.IRQS_OFF && cpu.stopper !== Stopper.EXIT) return false;
        }
        return true;
      },
    },
    {
      ...PROPERTIES.U7,
      holds: (s) => {
        let k = 0;
        for (let c = 0; c < s.cpu.length; c++) if (inSeamldr(s, c)) k++;
        return k <= 1;
      },
    },
    {
      ...PROPERTIES.U12,
      holds: (s) => (s.kernel.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED) === (s.tdx_module.sys_state === SysState.SYS_READY),
    },
    {
      ...PROPERTIES.U15,
      holds: (s) => {
        // Before CPU_INIT: the old module is shut down, or the new one has not received TDH.SYS.INIT yet.
        const st = s.tdx_module.sys_state;
        const beforeInit = st === SysState.SYS_SHUTDOWN || (st === SysState.SYSINIT_PENDING && s.tdx_module.sysinit_calls === 0);
        if (s.fw_upload.phase !== FwUpload.STOP_MACHINE || !beforeInit) return true;
        return !s.kernel.sysinit_done && noLpInitialized(s);
      },
    },
    {
      ...PROPERTIES['U23.wait'],
      holds: (s) => {
        for (let b = 0; b < s.cpu.length; b++) {
          const cpu = s.cpu.at(b);
          // D11: spinning for the update's write lock, IRQs off, while the update still needs this CPU's next step.
          if (cpu.read_lock_spin && cpu.stopper === Stopper.BETWEEN) return false;
          if (cpu.stopper !== Stopper.NONE) continue;
          const st = awaitedStopper(s, b);
          if (st === Stopper.IRQS_OFF || st === Stopper.EXIT) return false;
        }
        return true;
      },
    },
    {
      ...PROPERTIES.I4,
      // A module TDH.SYS.SHUTDOWN left dead answers a later cpu_up's TDH.SYS.INIT with TDX_SYS_SHUTDOWN: exempt, as in init's I4.
      holds: (s) => s.tdx_module.sysinit_calls <= 1 || s.tdx_module.sys_state === SysState.SYS_SHUTDOWN,
    },
    {
      ...PROPERTIES.I3,
      holds: (s) => {
        if (attempting(s)) return true;
        for (let c = 0; c < s.cpu.length; c++) if (s.cpu.at(c).tdx_lp_initialized && !s.tdx_module.lp_is_init.get(c)) return false;
        return true;
      },
    },
  ];
  // Declared for every era, so the property list does not depend on parameters: vacuous where the design lacks it.
  invariants.push({
    ...PROPERTIES['U5.ack'],
    holds: (s) => {
      // Judged while a CPU is still in the loop: the [U-RFC] last ack of DONE jumps to DONE again, resetting num_ack as every CPU leaves.
      if (!d.perStepAck || !attempting(s) || !someStopperAt(s, Stopper.IRQS_OFF)) return true;
      let acked = 0;
      for (let c = 0; c < s.cpu.length; c++) if (s.attempt.done.get(c) === s.update_ctrl.state) acked++;
      return s.update_ctrl.num_ack === acked;
    },
  });
  invariants.push({
    ...PROPERTIES['U16.handoff'],
    holds: (s) => !s.tdx_module.handoff_valid || s.tdx_module.sys_state !== SysState.SYS_READY,
  });
  invariants.push({
    ...PROPERTIES.U20,
    holds: (s) => {
      if (!d.versionLocksOutUpdates || !running(s)) return true;
      for (let c = 0; c < s.cpu.length; c++) if (s.cpu.at(c).task === Task.VERSION) return false;
      return true;
    },
  });

  const transitionProperties: Trans[] = [
    {
      ...PROPERTIES.U1,
      on: declared((st) => st.leaf !== undefined),
      holds: (s, a) => {
        const st = step(a);
        return st.leaf === undefined || !running(s) || (UPDATE_LEAVES.has(st.leaf) && st.context === 'stop_machine');
      },
    },
    {
      ...PROPERTIES.VcpuAssoc,
      holds: (s, a, n) => {
        const leaf = step(a).leaf;
        for (let v = 0; v < s.vcpu.length; v++) {
          const sv = s.vcpu.at(v);
          const nv = n.vcpu.at(v);
          const was = sv.assoc;
          const now = nv.assoc;
          const guest = nv.guest;
          const entered = guest && !sv.guest;
          if (guest && now !== nv.cpu) return false;
          if (entered && (leaf !== SeamcallLeaf.TDH_VP_ENTER || (was !== -1 && was !== a.actor) || now !== a.actor)) return false;
          if (now !== was && !entered && !(leaf === SeamcallLeaf.TDH_VP_FLUSH && was === a.actor && now === -1)) return false;
        }
        return true;
      },
    },
    {
      ...PROPERTIES.U4,
      on: declared((st) => st.hotplug === true),
      holds: (s, a) => !step(a).hotplug || !attempting(s),
    },
    {
      ...PROPERTIES.U10,
      on: declared((st) => st.starts !== undefined),
      holds: (s, a) => {
        const k = started(s, a);
        const f = s.attempt.failed_at;
        return k === undefined || f === FailedAt.NONE || k <= f || k === U.DONE;
      },
    },
    {
      ...PROPERTIES.U5,
      on: declared((st) => st.starts !== undefined),
      holds: (s, a) => {
        const k = started(s, a);
        if (k === undefined || k <= U.SHUTDOWN) return true;
        const g = s.attempt;
        if (k === U.DONE && g.failed_at !== FailedAt.NONE) return true; // [U-RFC]: the abort jumps to DONE
        if (g.failed_at === k - 1) return false;
        for (let c = 0; c < s.cpu.length; c++) if (s.cpu.at(c).online && g.done.get(c) < k - 1) return false;
        return true;
      },
    },
    {
      ...PROPERTIES.U6,
      holds: (s, a, n) => {
        if (attempting(n) && !n.cpu.at(n.update_ctrl.lead).online) return false;
        const leaf = step(a).leaf;
        if (leaf === SeamcallLeaf.TDH_SYS_SHUTDOWN) return a.actor === s.update_ctrl.lead && !s.attempt.shutdown_issued;
        if (leaf === SeamcallLeaf.TDH_SYS_UPDATE) return a.actor === s.update_ctrl.lead && !s.attempt.update_issued;
        return true;
      },
    },
    {
      ...PROPERTIES.U8,
      on: issues(SeamcallLeaf.TDH_SYS_UPDATE),
      holds: (s, a, n) => !updated(s, a, n) || everyCpu(s, (c) => s.attempt.installs.get(c) === 1),
    },
    {
      ...PROPERTIES.U9,
      on: issues(SeamcallLeaf.TDH_SYS_UPDATE),
      holds: (s, a) => step(a).leaf !== SeamcallLeaf.TDH_SYS_UPDATE || everyCpu(s, (c) => !s.cpu.at(c).online || s.tdx_module.lp_is_init.get(c)),
    },
    {
      ...PROPERTIES.U11,
      on: declared((st) => st.name === 'SEAMLDR.INSTALL' || st.leaf === SeamcallLeaf.TDH_SYS_SHUTDOWN),
      holds: (s, a, n) => {
        if (is(a, 'SEAMLDR.INSTALL')) return s.tdx_module.sys_state === SysState.SYS_SHUTDOWN || s.tdx_module.sys_state === SysState.SYSINIT_PENDING;
        const refused = step(a).leaf === SeamcallLeaf.TDH_SYS_SHUTDOWN && n.tdx_module.sys_state === SysState.SYS_READY;
        return !refused || kernelUnchanged(s, n);
      },
    },
    {
      ...PROPERTIES.U13,
      on: named('stop_machine returns, cpus_read_unlock'),
      holds: (s, a, n) =>
        !is(a, 'stop_machine returns, cpus_read_unlock') ||
        (s.fw_upload.done_ret === (s.attempt.failed_at !== FailedAt.NONE) &&
          (s.fw_upload.done_ret ||
            (someCpu(s, (c) => s.attempt.installs.get(c) > 0) &&
              n.tdx_module.sys_state === SysState.SYS_READY &&
              n.seamldr.num_remaining_updates === s.attempt.slots_before - 1 &&
              n.kernel.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED &&
              n.tdx_sysinfo.version_update === release(n) &&
              !n.td_killed &&
              everyCpu(n, (c) => !n.cpu.at(c).online || (n.cpu.at(c).tdx_lp_initialized && n.tdx_module.lp_is_init.get(c)))))),
    },
    {
      ...PROPERTIES.U14,
      holds: (s, _a, n) => n.tdx_sysinfo.features === s.tdx_sysinfo.features,
    },
    {
      ...PROPERTIES.U16,
      holds: (s, a, n) => (step(a).leaf !== SeamcallLeaf.TDH_SYS_SHUTDOWN || n.attempt.shutdown_hv === release(s)) && (!shutDown(s, n) || s.fw_upload.image_ok),
    },
    {
      ...PROPERTIES.V8,
      on: declared((st) => st.vmx === true),
      holds: (s, a) => !step(a).vmx || s.cpu.at(a.actor).currentVmcs !== Vmcs.INVALID,
    },
    {
      ...PROPERTIES['V8.nmi'],
      on: named(PERF_NMI),
      holds: (s, a) => !is(a, PERF_NMI) || vcpuOn(s, a.actor),
    },
    {
      ...PROPERTIES.U17,
      on: declared((st) => st.actors !== undefined),
      holds: (s, a, n) => {
        if (a.actor < 0) return true;
        // Before every P-SEAMLDR call the current VMCS is KVM's (KVM keeps one loaded everywhere): it must be again after.
        if (step(a).vmx && s.cpu.at(a.actor).currentVmcs !== Vmcs.KVM) return false;
        if (n.cpu.at(a.actor).currentVmcs === Vmcs.KVM) return true;
        const wasIn = inSeamldr(s, a.actor) || inVmcsRestoreWindow(s, a.actor);
        return !wasIn || inSeamldr(n, a.actor) || inVmcsRestoreWindow(n, a.actor);
      },
    },
    {
      ...PROPERTIES.U21,
      on: named('SEAMLDR.INSTALL'),
      holds: (s, a) => !is(a, 'SEAMLDR.INSTALL') || s.seamldr.num_remaining_updates > 0,
    },
    {
      ...PROPERTIES.U22,
      holds: (s, _a, n) => !shutDown(s, n) || !s.td_build,
    },
    {
      ...PROPERTIES.U24,
      holds: (s, a, n) =>
        s.attempt.failed_at !== FailedAt.NONE ||
        n.attempt.failed_at === FailedAt.NONE ||
        step(a).fault === true ||
        (step(a).leaf === SeamcallLeaf.TDH_SYS_SHUTDOWN && s.td_build),
    },
    {
      ...PROPERTIES.U26,
      on: declared((st) => (st.leaf === SeamcallLeaf.TDH_SYS_LP_INIT || st.leaf === SeamcallLeaf.TDH_SYS_INIT) && st.context === 'stop_machine'),
      holds: (s, a) =>
        (step(a).leaf !== SeamcallLeaf.TDH_SYS_LP_INIT && step(a).leaf !== SeamcallLeaf.TDH_SYS_INIT) ||
        step(a).context !== 'stop_machine' ||
        everyCpu(s, (c) => !s.cpu.at(c).online || s.attempt.installs.get(c) > 0),
    },
  ];
  transitionProperties.push({
    ...PROPERTIES.U19,
    on: declared((st) => d.vmcsSaveRestore && st.context === 'irq'),
    holds: (s, a) => !d.vmcsSaveRestore || step(a).context !== 'irq' || !inVmcsRestoreWindow(s, a.actor),
  });

  // A target is judged only where the environment allows it at all (slots, writes, vCPUs, faults).
  const updates = env.slots >= 1 && env.updates >= 1 && !(d.erratumGate && env.platform === 'invd_vmcs');
  const afterUpdates = (s: S, k: number): boolean =>
    s.fw_upload.phase === FwUpload.IDLE && s.update_ctrl.state === UpdateCtrlState['DONE+1'] && s.seamldr.num_remaining_updates === env.slots - k;
  const targets: Target[] = [];
  if (updates && env.vcpus >= 1) targets.push({ ...PROPERTIES.R1, reached: (s) => afterUpdates(s, 1) && inGuest(s) });
  if (updates && env.slots >= 2 && env.updates >= 2) targets.push({ ...PROPERTIES.R2, reached: (s) => afterUpdates(s, 2) });
  if (updates && (env.faults || (d.avoidCompatSensitive && env.td_build))) {
    targets.push({
      ...PROPERTIES.R3,
      reached: (s) => s.attempt.failed_at === FailedAt.SHUTDOWN && s.tdx_module.sys_state === SysState.SYS_READY,
    });
  }
  if (env.vcpus >= 1 && env.cpus >= 2 && updates) {
    targets.push({
      ...PROPERTIES.R4,
      reached: (s) => someCpu(s, (b) => awaitedStopper(s, b) === Stopper.PREPARE),
    });
  }
  if (updates && env.faults) {
    targets.push({
      ...PROPERTIES.R5,
      reached: (s) =>
        s.fw_upload.phase === FwUpload.IDLE &&
        s.kernel.tdx_module_status !== TdxModuleStatus.TDX_MODULE_INITIALIZED &&
        s.tdx_module.sys_state !== SysState.SYS_READY,
    });
  }
  if (updates && env.faults) {
    /** Every online CPU left the step machine and restored IRQs after a failure at `step`: stop_machine() can return it. */
    const recovered = (s: S, step: number): boolean =>
      s.fw_upload.phase === FwUpload.STOP_MACHINE &&
      s.attempt.failed_at === step &&
      everyCpu(s, (c) => !s.cpu.at(c).online || s.cpu.at(c).stopper === Stopper.DONE);
    const sys = (s: S): number => s.tdx_module.sys_state;
    targets.push(
      { ...PROPERTIES.R6, reached: (s) => recovered(s, FailedAt.CPU_INSTALL) },
      { ...PROPERTIES.R7, reached: (s) => recovered(s, FailedAt.CPU_INIT) && sys(s) === SysState.SYSINIT_DONE },
      {
        ...PROPERTIES.R8,
        reached: (s) =>
          recovered(s, FailedAt.CPU_INIT) &&
          sys(s) === SysState.SYSINIT_PENDING &&
          s.kernel.sysinit_done &&
          s.kernel.sysinit_ret !== Errno['0'] &&
          noLpInitialized(s),
      },
      { ...PROPERTIES.R9, reached: (s) => recovered(s, FailedAt.RUN_UPDATE) },
      // While a stopper still has IRQs off no task has run since the refusal, so the TD build did not end in between.
      {
        ...PROPERTIES.R10,
        reached: (s) => s.attempt.failed_at === FailedAt.SHUTDOWN && !s.td_build && sys(s) === SysState.SYS_READY && someStopperAt(s, Stopper.IRQS_OFF),
      },
    );
  }
  const liveness: Live[] = [
    // From the write's acceptance (WRITTEN) on: the kernel, not userspace, must then finish it.
    { ...PROPERTIES.U23, form: 'leadsTo', from: (s) => s.fw_upload.phase !== FwUpload.IDLE, to: (s) => s.fw_upload.phase === FwUpload.IDLE },
  ];
  return { invariants, transitionProperties, targets, liveness };
}
