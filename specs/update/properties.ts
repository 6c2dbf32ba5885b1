// U1-U26, V8 and I3 (digest 7) as invariants over states and properties of transitions. U23
// and U24 (termination, progress) are also deadlock freedom: a CPU spinning for ever with IRQs
// off leaves no action enabled. Each property reads state and the action's metadata only.

import type { ActionRef, Invariant, TransitionProperty } from '../../checker/model.js';
import { CurrentVmcs } from '../../model/cpu.js';
import { TdxModuleStatus } from '../../model/kernel.js';
import { SeamcallLeaf } from '../../model/leaf.js';
import { SysState } from '../../model/module.js';
import { ModuleUpdateState as U, UPDATE_LEAVES } from '../../model/seamldr.js';
import type { Design } from './design.js';
import {
  FwUpload,
  inSeamldr,
  inStepMachine,
  inVmcsRestoreWindow,
  Loop,
  Stopper,
  Task,
  updateRunning,
  vcpuOn,
  type Schema,
  type S,
} from './state.js';
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

export function properties(d: Design, actions: readonly Step[]): { invariants: Inv[]; transitionProperties: Trans[] } {
  const step = (a: ActionRef): Step => actions[a.action]!;
  const is = (a: ActionRef, name: string): boolean => a.name === name;

  const invariants: Inv[] = [
    {
      name: 'U2',
      description: 'no vCPU is in guest mode while the update runs',
      source: 'seed 003 (Chao Gao, 12 Mar 2026): "all TD vCPUs must remain out of guest mode during updates"',
      holds: (s) => !updateRunning(s) || noGuest(s),
    },
    {
      name: 'U3',
      description: 'while the update runs, every online CPU is in its stopper with IRQs off',
      source: 'kernel/stop_machine.c: multi_cpu_stop(); seamldr.c: stop_machine_cpuslocked(..., cpu_online_mask)',
      holds: (s) =>
        !updateRunning(s) ||
        everyCpu(s, (c) => !s.cpu.at(c).online || s.cpu.at(c).stopper === Stopper.IRQS_OFF || s.cpu.at(c).stopper === Stopper.EXIT),
    },
    {
      name: 'U5',
      description: 'lockstep: a CPU is in step k+1 only once every CPU acknowledged step k (or the update aborted to DONE)',
      source: 'seed 003: "The state advances only after all CPUs acknowledge completing their work in the current state"',
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
      name: 'U6',
      description: 'the lead CPU, which alone does SHUTDOWN and RUN_UPDATE, is online throughout the attempt',
      source: 'seamldr.c: "Use CPU 0 because it is always online"; [U-RFC] cpumask_first(cpu_online_mask)',
      holds: (s) => !attempting(s) || s.cpu.at(s.update_ctrl.lead).online,
    },
    {
      name: 'U7',
      description: 'at most one CPU is inside the P-SEAMLDR (INSTALL or INFO)',
      source: 'seamldr.c: seamldr_lock, "the hardware only allows a single CPU to interact with P-SEAMLDR"',
      holds: (s) => {
        let k = 0;
        for (let c = 0; c < s.cpu.length; c++) if (inSeamldr(s, c)) k++;
        return k <= 1;
      },
    },
    {
      name: 'U12',
      description: 'the kernel treats the module as initialized exactly when it is SYS_READY: a failure after SHUTDOWN leaves TDX unusable until reboot',
      source: 'seed 000 (RFC cover): "recovery ... requires a reboot"; seamldr.c; tdx-host.c version_show() -ENXIO',
      holds: (s) => (s.kernel.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED) === (s.tdx_module.sys_state === SysState.SYS_READY),
    },
    {
      name: 'U15',
      description: 'between a successful SHUTDOWN and CPU_INIT, sysinit_done and every possible CPU\'s tdx_lp_initialized are clear',
      source: 'tdx.c: tdx_module_shutdown() reset ([U-v7]: for_each_possible_cpu); digest 4.9',
      holds: (s) => {
        const st = s.tdx_module.sys_state;
        if (s.fw_upload.phase !== FwUpload.STOP_MACHINE || (st !== SysState.SYS_SHUTDOWN && st !== SysState.SYSINIT_PENDING)) return true;
        return !s.kernel.sysinit_done && everyCpu(s, (c) => !s.cpu.at(c).tdx_lp_initialized);
      },
    },
    {
      name: 'I3',
      description: 'outside an update, a CPU the kernel thinks LP-initialized is LP-initialized in the module',
      source: 'digest 7.1 I3; tdx.c: tdx_cpu_enable() skips LP.INIT when tdx_lp_initialized is set',
      holds: (s) => attempting(s) || everyCpu(s, (c) => !s.cpu.at(c).tdx_lp_initialized || s.tdx_module.lp_is_init.get(c)),
    },
  ];
  if (d.versionLocksOutUpdates) {
    invariants.push({
      name: 'U20',
      description: 'no `version` reader is between seamldr_lock_module_update() and the unlock while the update runs',
      source: 'seamldr.c: "stop_machine() does not interrupt preemption-disabled regions"',
      holds: (s) => !updateRunning(s) || everyCpu(s, (c) => s.cpu.at(c).task !== Task.VERSION),
    });
  }

  /** A step failed for the first time in this transition (RFC: the failure waits in `ret` for VMPTRLD). */
  const newFailure = (s: S, a: ActionRef, n: S): boolean => {
    if (a.actor < 0) return false; // the writer's own steps never fail an update step
    const before = s.cpu.at(a.actor).loop;
    if (before === Loop.VMPTRLD_FAILED) return false; // published now, failed at SEAMRET
    return n.cpu.at(a.actor).loop === Loop.VMPTRLD_FAILED || (!s.update_ctrl.failed && n.update_ctrl.failed);
  };

  const transitionProperties: Trans[] = [
    {
      name: 'U1',
      description: 'while the update runs, the only SEAMCALLs are the update\'s own leaves, issued from the stopper',
      source: 'seed 003: "During updates, only update-related SEAMCALLs are permitted"; [U-v10] cover #2',
      holds: (s, a) => {
        const st = step(a);
        return st.leaf === undefined || !updateRunning(s) || (UPDATE_LEAVES.has(st.leaf) && st.context === 'stop_machine');
      },
    },
    {
      name: 'U4',
      description: 'no CPU comes or goes between init_state() and the return of stop_machine()',
      source: '[U-v7] changelog: "hold cpus_read_lock() before updates to prevent CPU hotplug race"',
      holds: (s, a) => !step(a).hotplug || !attempting(s),
    },
    {
      name: 'U8',
      description: 'a successful TDH.SYS.UPDATE follows SEAMLDR.INSTALL on every platform LP',
      source: '[U-v2]: the P-SEAMLDR needs SEAMLDR.INSTALL on every LP',
      holds: (s, a, n) =>
        step(a).leaf !== SeamcallLeaf.TDH_SYS_UPDATE || n.tdx_module.sys_state !== SysState.SYS_READY || everyCpu(s, (c) => s.cpu.at(c).online && installed(s, c)),
    },
    {
      name: 'U9',
      description: 'TDH.SYS.UPDATE is issued only once every online CPU has LP-initialized the new module',
      source: 'seamldr.c: RUN_UPDATE after CPU_INIT; tdh_sys_update.c',
      holds: (s, a) =>
        step(a).leaf !== SeamcallLeaf.TDH_SYS_UPDATE || everyCpu(s, (c) => !s.cpu.at(c).online || s.tdx_module.lp_is_init.get(c)),
    },
    {
      name: 'U10',
      description: 'once a step failed, update_ctrl.state never moves on to a later working step (jumping to DONE is fine)',
      source: '[U-RFC] p11, [U-v3], seamldr.c ack_state(); digest 8 clarification: U10 read by work',
      holds: (s, _a, n) =>
        !s.update_ctrl.failed ||
        n.fw_upload.phase !== FwUpload.STOP_MACHINE ||
        n.update_ctrl.state === s.update_ctrl.state ||
        n.update_ctrl.state === U.DONE,
    },
    {
      name: 'U11',
      description: 'SEAMLDR.INSTALL never runs over a live module: after a failed SHUTDOWN the old module keeps its TDs',
      source: '[U-v7] (Chao Gao): the early abort at SHUTDOWN is what keeps a racing TD build recoverable',
      holds: (s, a) =>
        !is(a, 'SEAMLDR.INSTALL') || s.tdx_module.sys_state === SysState.SYS_SHUTDOWN || s.tdx_module.sys_state === SysState.SYSINIT_PENDING,
    },
    {
      name: 'U13',
      description: 'an update that reports success leaves the new module SYS_READY, the kernel initialized and every online CPU LP-initialized',
      source: 'seamldr.c, tdx.c: tdx_module_run_update(); digest 4.9',
      holds: (s, a, n) =>
        !is(a, 'stop_machine returns, cpus_read_unlock') ||
        s.update_ctrl.failed ||
        (n.tdx_module.sys_state === SysState.SYS_READY &&
          n.kernel.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED &&
          everyCpu(n, (c) => !n.cpu.at(c).online || (n.cpu.at(c).tdx_lp_initialized && n.tdx_module.lp_is_init.get(c)))),
    },
    {
      name: 'U16',
      description: 'the old module is shut down only for an image whose module accepts its handoff version (Z-stream, minimum version)',
      source: 'seed 000: "TD-Preserving updates are restricted to Z-stream releases" and the minimum-version file; tdh_sys_update.c',
      holds: (s, _a, n) => !shutDown(s, n) || s.fw_upload.image_ok,
    },
    {
      name: 'U17',
      description: 'a P-SEAMLDR call returns with the current VMCS it was entered with',
      source: 'RFC 03/20: "SEAMRET from the P-SEAMLDR clears the current VMCS"; [U-v7] erratum gating',
      holds: (s, a, n) => {
        if (a.actor < 0) return true;
        const wasIn = inSeamldr(s, a.actor) || inVmcsRestoreWindow(s, a.actor);
        const isIn = inSeamldr(n, a.actor) || inVmcsRestoreWindow(n, a.actor);
        return !wasIn || isIn || n.cpu.at(a.actor).currentVmcs === CurrentVmcs.VALID;
      },
    },
    {
      name: 'U21',
      description: 'no SEAMLDR.INSTALL with num_remaining_updates = 0: someone must check before SHUTDOWN destroys the old module',
      source: 'seed 002 ABI: "Once it reaches zero, further TD-Preserving updates will fail"; [U-RFC] p19',
      holds: (s, a) => !is(a, 'SEAMLDR.INSTALL') || s.seamldr.num_remaining_updates > 0,
    },
    {
      name: 'U22',
      description: 'TDH.SYS.SHUTDOWN does not succeed while a TD build (compat-sensitive) is in progress',
      source: '[U-v7]/[U-v10]: TDX_SYS_SHUTDOWN_AVOID_COMPAT_SENSITIVE, TDX_UPDATE_COMPAT_SENSITIVE -> -EBUSY',
      holds: (s, _a, n) => !shutDown(s, n) || !s.td_build,
    },
    {
      name: 'U24',
      description: 'progress: a step fails only by an injected fault or the compat-sensitive refusal, so a clean update reaches DONE',
      source: 'seamldr.c; digest 7.2 U24, 8 clarification (D9: loss of progress)',
      holds: (s, a, n) =>
        !newFailure(s, a, n) || step(a).fault === true || (a.name === 'TDH.SYS.SHUTDOWN' && d.avoidCompatSensitive && s.td_build),
    },
    {
      name: 'U26',
      description: 'no TDH.SYS.INIT or TDH.SYS.LP.INIT against the new module before every CPU finished SEAMLDR.INSTALL',
      source: 'seed 003: no guarantee that all CPUs complete step A before any begins step B without lockstep',
      holds: (s, a) =>
        step(a).leaf !== SeamcallLeaf.TDH_SYS_LP_INIT ||
        step(a).context !== 'stop_machine' ||
        everyCpu(s, (c) => !s.cpu.at(c).online || installed(s, c)),
    },
    {
      name: 'V8',
      description: 'no VMREAD/VMWRITE while the current VMCS is invalid',
      source: 'RFC 03/20 (Chao Gao): VMX instructions in IRQ context must not meet a NULL current-VMCS; SDM VMREAD',
      holds: (s, a) => !step(a).vmx || s.cpu.at(a.actor).currentVmcs === CurrentVmcs.VALID,
    },
    {
      name: 'V8.nmi',
      description: "KVM's perf NMI callback runs VMREAD only when the NMI hit KVM's run loop on that CPU (kvm_running_vcpu)",
      source: 'Sean Christopherson, RFC 00/20 thread (2025-07-11): "only when KVM knows the NMI occurred in KVM\'s run loop"',
      holds: (s, a) => !is(a, PERF_NMI) || vcpuOn(s, a.actor),
    },
  ];
  if (d.vmcsSaveRestore) {
    transitionProperties.push({
      name: 'U19',
      description: '[U-RFC] no IRQ handler runs between SEAMRET from the P-SEAMLDR and the VMPTRLD that restores the VMCS',
      source: 'RFC 03/20: "Disable interrupts to prevent KVM code from interfering with P-SEAMLDR SEAMCALLs"',
      holds: (s, a) => step(a).context !== 'irq' || !inVmcsRestoreWindow(s, a.actor),
    });
  }
  return { invariants, transitionProperties };
}

function noGuest(s: S): boolean {
  for (let v = 0; v < s.vcpu.length; v++) if (s.vcpu.at(v).guest) return false;
  return true;
}

