// U1-U26, V8 and I3 (digest 7) as invariants over states and properties of transitions. U23
// and U24 (termination, progress) are also deadlock freedom: a CPU spinning for ever with IRQs
// off leaves no action enabled. Each property reads state and the action's metadata only.

import type { ActionRef, Invariant, TransitionProperty } from '../../checker/model.js';
import { declareProperties, invariant, transition } from '../../checker/spec.js';
import { CurrentVmcs } from '../../model/cpu.js';
import { TdxModuleStatus } from '../../model/kernel.js';
import { SeamcallLeaf } from '../../model/leaf.js';
import { SysState } from '../../model/module.js';
import { ModuleUpdateState as U, UPDATE_LEAVES } from '../../model/seamldr.js';
import type { Design } from './design.js';
import { FwUpload, inSeamldr, inStepMachine, inVmcsRestoreWindow, Loop, Stopper, Task, updateRunning, vcpuOn, type Schema, type S } from './state.js';
import { PERF_NMI, type Step } from './step.js';

type Inv = Invariant<Schema>;
type Trans = TransitionProperty<Schema>;

const shutDown = (s: S, n: S): boolean => s.tdx_module.sys_state === SysState.SYS_READY && n.tdx_module.sys_state === SysState.SYS_SHUTDOWN;
const everyCpu = (s: S, p: (c: number) => boolean): boolean => {
  for (let c = 0; c < s.cpu.length; c++) if (!p(c)) return false;
  return true;
};
const attempting = (s: S): boolean => s.fw_upload.phase === FwUpload.STATE_INIT || s.fw_upload.phase === FwUpload.STOP_MACHINE;
/** The CPU finished SEAMLDR.INSTALL in this attempt (acknowledged CPU_INSTALL or went past it). */
const installed = (s: S, c: number): boolean => {
  const cpu = s.cpu.at(c);
  return cpu.cur > U.CPU_INSTALL || (cpu.cur === U.CPU_INSTALL && cpu.loop === Loop.SPIN);
};

/** Every property, declared once: `tdxmc list`, reports and the README read these. */
export const PROPERTIES = declareProperties({
  U2: invariant(
    'no vCPU is in guest mode while the update runs',
    'seed 003 (Chao Gao, 12 Mar 2026): "all TD vCPUs must remain out of guest mode during updates"',
  ),
  U3: invariant(
    'while the update runs, every online CPU is in its stopper with IRQs off',
    'kernel/stop_machine.c: multi_cpu_stop(); seamldr.c: stop_machine_cpuslocked(..., cpu_online_mask)',
  ),
  U5: invariant(
    'lockstep: a CPU is in step k+1 only once every CPU acknowledged step k (or the update aborted to DONE)',
    'seed 003: "The state advances only after all CPUs acknowledge completing their work in the current state"',
  ),
  U6: invariant(
    'the lead CPU, which alone does SHUTDOWN and RUN_UPDATE, is online throughout the attempt',
    'seamldr.c: "Use CPU 0 because it is always online"; [U-RFC] cpumask_first(cpu_online_mask)',
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
  U8: transition('a successful TDH.SYS.UPDATE follows SEAMLDR.INSTALL on every platform LP', '[U-v2]: the P-SEAMLDR needs SEAMLDR.INSTALL on every LP'),
  U9: transition(
    'TDH.SYS.UPDATE is issued only once every online CPU has LP-initialized the new module',
    'seamldr.c: RUN_UPDATE after CPU_INIT; tdh_sys_update.c',
  ),
  U10: transition(
    'once a step failed, update_ctrl.state never moves on to a later working step (jumping to DONE is fine)',
    '[U-RFC] p11, [U-v3], seamldr.c ack_state(); digest 8 clarification: U10 read by work',
  ),
  U11: transition(
    'SEAMLDR.INSTALL never runs over a live module: after a failed SHUTDOWN the old module keeps its TDs',
    '[U-v7] (Chao Gao): the early abort at SHUTDOWN is what keeps a racing TD build recoverable',
  ),
  U13: transition(
    'an update that reports success leaves the new module SYS_READY, the kernel initialized and every online CPU LP-initialized',
    'seamldr.c, tdx.c: tdx_module_run_update(); digest 4.9',
  ),
  U16: transition(
    'the old module is shut down only for an image whose module accepts its handoff version (Z-stream, minimum version)',
    'seed 000: "TD-Preserving updates are restricted to Z-stream releases" and the minimum-version file; tdh_sys_update.c',
  ),
  U17: transition(
    'a P-SEAMLDR call returns with the current VMCS it was entered with',
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
    'progress: a step fails only by an injected fault or the compat-sensitive refusal, so a clean update reaches DONE',
    'seamldr.c; digest 7.2 U24, 8 clarification (D9: loss of progress)',
  ),
  U26: transition(
    'no TDH.SYS.INIT or TDH.SYS.LP.INIT against the new module before every CPU finished SEAMLDR.INSTALL',
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
});

export function properties(d: Design, actions: readonly Step[]): { invariants: Inv[]; transitionProperties: Trans[] } {
  const step = (a: ActionRef): Step => actions[a.action]!;
  const is = (a: ActionRef, name: string): boolean => a.name === name;

  const invariants: Inv[] = [
    {
      ...PROPERTIES.U2,
      holds: (s) => !updateRunning(s) || noGuest(s),
    },
    {
      ...PROPERTIES.U3,
      holds: (s) =>
        !updateRunning(s) || everyCpu(s, (c) => !s.cpu.at(c).online || s.cpu.at(c).stopper === Stopper.IRQS_OFF || s.cpu.at(c).stopper === Stopper.EXIT),
    },
    {
      ...PROPERTIES.U5,
      holds: (s) =>
        everyCpu(s, (a) =>
          everyCpu(s, (b) => {
            if (!inStepMachine(s, a) || !inStepMachine(s, b)) return true;
            const ca = s.cpu.at(a).cur;
            const cb = s.cpu.at(b).cur;
            return ca <= cb || (s.cpu.at(b).loop === Loop.SPIN && (ca === cb + 1 || ca === U.DONE));
          }),
        ),
    },
    {
      ...PROPERTIES.U6,
      holds: (s) => !attempting(s) || s.cpu.at(s.update_ctrl.lead).online,
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
        const st = s.tdx_module.sys_state;
        if (s.fw_upload.phase !== FwUpload.STOP_MACHINE || (st !== SysState.SYS_SHUTDOWN && st !== SysState.SYSINIT_PENDING)) return true;
        return !s.kernel.sysinit_done && everyCpu(s, (c) => !s.cpu.at(c).tdx_lp_initialized);
      },
    },
    {
      ...PROPERTIES.I3,
      holds: (s) => attempting(s) || everyCpu(s, (c) => !s.cpu.at(c).tdx_lp_initialized || s.tdx_module.lp_is_init.get(c)),
    },
  ];
  // Declared for every era, so the property list does not depend on parameters: vacuous where the design lacks it.
  invariants.push({
    ...PROPERTIES.U20,
    holds: (s) => !d.versionLocksOutUpdates || !updateRunning(s) || everyCpu(s, (c) => s.cpu.at(c).task !== Task.VERSION),
  });

  /** A step failed for the first time in this transition (RFC: the failure waits in `ret` for VMPTRLD). */
  const newFailure = (s: S, a: ActionRef, n: S): boolean => {
    if (a.actor < 0) return false; // the writer's own steps never fail an update step
    const before = s.cpu.at(a.actor).loop;
    if (before === Loop.VMPTRLD_FAILED) return false; // published now, failed at SEAMRET
    return n.cpu.at(a.actor).loop === Loop.VMPTRLD_FAILED || (!s.update_ctrl.failed && n.update_ctrl.failed);
  };

  const transitionProperties: Trans[] = [
    {
      ...PROPERTIES.U1,
      holds: (s, a) => {
        const st = step(a);
        return st.leaf === undefined || !updateRunning(s) || (UPDATE_LEAVES.has(st.leaf) && st.context === 'stop_machine');
      },
    },
    {
      ...PROPERTIES.U4,
      holds: (s, a) => !step(a).hotplug || !attempting(s),
    },
    {
      ...PROPERTIES.U8,
      holds: (s, a, n) =>
        step(a).leaf !== SeamcallLeaf.TDH_SYS_UPDATE ||
        n.tdx_module.sys_state !== SysState.SYS_READY ||
        everyCpu(s, (c) => s.cpu.at(c).online && installed(s, c)),
    },
    {
      ...PROPERTIES.U9,
      holds: (s, a) => step(a).leaf !== SeamcallLeaf.TDH_SYS_UPDATE || everyCpu(s, (c) => !s.cpu.at(c).online || s.tdx_module.lp_is_init.get(c)),
    },
    {
      ...PROPERTIES.U10,
      holds: (s, _a, n) =>
        !s.update_ctrl.failed || n.fw_upload.phase !== FwUpload.STOP_MACHINE || n.update_ctrl.state === s.update_ctrl.state || n.update_ctrl.state === U.DONE,
    },
    {
      ...PROPERTIES.U11,
      holds: (s, a) => !is(a, 'SEAMLDR.INSTALL') || s.tdx_module.sys_state === SysState.SYS_SHUTDOWN || s.tdx_module.sys_state === SysState.SYSINIT_PENDING,
    },
    {
      ...PROPERTIES.U13,
      holds: (s, a, n) =>
        !is(a, 'stop_machine returns, cpus_read_unlock') ||
        s.update_ctrl.failed ||
        (n.tdx_module.sys_state === SysState.SYS_READY &&
          n.kernel.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED &&
          everyCpu(n, (c) => !n.cpu.at(c).online || (n.cpu.at(c).tdx_lp_initialized && n.tdx_module.lp_is_init.get(c)))),
    },
    {
      ...PROPERTIES.U16,
      holds: (s, _a, n) => !shutDown(s, n) || s.fw_upload.image_ok,
    },
    {
      ...PROPERTIES.U17,
      holds: (s, a, n) => {
        if (a.actor < 0) return true;
        const wasIn = inSeamldr(s, a.actor) || inVmcsRestoreWindow(s, a.actor);
        const isIn = inSeamldr(n, a.actor) || inVmcsRestoreWindow(n, a.actor);
        return !wasIn || isIn || n.cpu.at(a.actor).currentVmcs === CurrentVmcs.VALID;
      },
    },
    {
      ...PROPERTIES.U21,
      holds: (s, a) => !is(a, 'SEAMLDR.INSTALL') || s.seamldr.num_remaining_updates > 0,
    },
    {
      ...PROPERTIES.U22,
      holds: (s, _a, n) => !shutDown(s, n) || !s.td_build,
    },
    {
      ...PROPERTIES.U24,
      holds: (s, a, n) => !newFailure(s, a, n) || step(a).fault === true || (a.name === 'TDH.SYS.SHUTDOWN' && d.avoidCompatSensitive && s.td_build),
    },
    {
      ...PROPERTIES.U26,
      holds: (s, a) =>
        step(a).leaf !== SeamcallLeaf.TDH_SYS_LP_INIT || step(a).context !== 'stop_machine' || everyCpu(s, (c) => !s.cpu.at(c).online || installed(s, c)),
    },
    {
      ...PROPERTIES.V8,
      holds: (s, a) => !step(a).vmx || s.cpu.at(a.actor).currentVmcs === CurrentVmcs.VALID,
    },
    {
      ...PROPERTIES['V8.nmi'],
      holds: (s, a) => !is(a, PERF_NMI) || vcpuOn(s, a.actor),
    },
  ];
  transitionProperties.push({
    ...PROPERTIES.U19,
    holds: (s, a) => !d.vmcsSaveRestore || step(a).context !== 'irq' || !inVmcsRestoreWindow(s, a.actor),
  });
  return { invariants, transitionProperties };
}

function noGuest(s: S): boolean {
  for (let v = 0; v < s.vcpu.length; v++) if (s.vcpu.at(v).guest) return false;
  return true;
}
