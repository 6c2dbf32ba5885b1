// Inside stop_machine(): multi_cpu_stop()'s phases that matter (every CPU in its stopper, IRQs
// off before the callback runs, nobody leaves before everyone returned) and, per CPU, the loop
// of do_seamldr_install_module() with ack_state() (seamldr.c; digest 4.6-4.8).
//
// One step = one read of update_ctrl.state plus that state's work and its ack_state(): under
// lockstep no other CPU runs a SEAMCALL in between, so only the ack is observable. SEAMLDR.INSTALL
// is split at SEAMRET because seamldr_lock, the P-SEAMLDR (U7) and the current VMCS are observable.

import { CurrentVmcs } from '../../model/cpu.js';
import { Errno, tdxCpuEnable, TdxModuleStatus } from '../../model/kernel.js';
import { SeamcallLeaf } from '../../model/leaf.js';
import { SysState, type TdxModule } from '../../model/module.js';
import { ModuleUpdateState as U } from '../../model/seamldr.js';
import { TdxStatus, type Status } from '../../model/status.js';
import type { Design } from './design.js';
import { allStoppersRunning, inUpdate, Loop, onlineCount, seamldrLocked, Stopper, Task, FwUpload, type Env, type N, type S } from './state.js';
import { CPU, P_SEAMLDR, TDX_MODULE, type Step } from './step.js';

/**
 * A state whose work is one kernel call, on the lead CPU or on every CPU at once, followed by
 * ack_state(). CPU_INSTALL (serial, under seamldr_lock) and DONE have actions of their own.
 * To add an update step: name it in ModuleUpdateState (model/seamldr.ts) and add it to WORK.
 */
interface Work {
  readonly state: number;
  readonly who: 'lead' | 'every';
  /** The action's name in traces: the kernel function or SEAMCALL. */
  readonly name: string;
  readonly leaf: number;
  readonly description: string;
  readonly source: string;
  /** Does the work on CPU `c` against the next state; true if it failed. `inject`: a fault, or TDX_SUCCESS. */
  readonly run: (s: S, n: N, c: number, inject: Status) => boolean;
  /** A failure outside the kernel's control that the environment may inject. */
  readonly fault?: { readonly status: Status; readonly description: string; readonly source: string };
}

export function stepMachine(d: Design, env: Env, tdx: TdxModule): Step[] {
  const sm = { ...CPU, actors: env.cpus, context: 'stop_machine' } as const;

  /** The state this CPU's READ_ONCE(update_ctrl.state) returns; D4 has no global state, only its own next step. */
  const next = (s: S, c: number): number => (d.perStepAck ? s.update_ctrl.state : Math.min(s.cpu.at(c).cur + 1, U.DONE));

  /** tdx_module_shutdown()'s reset of the kernel's init state after a successful shutdown ([U-v10]). */
  const resetKernelState = (n: N): void => {
    n.kernel.tdx_module_status = TdxModuleStatus.TDX_MODULE_UNINITIALIZED;
    n.kernel.sysinit_done = false;
    n.kernel.sysinit_ret = Errno['0'];
    for (let c = 0; c < env.cpus; c++) if (d.resetAllCpus || n.cpu.at(c).online) n.cpu.at(c).tdx_lp_initialized = false;
  };

  const WORK: readonly Work[] = [
    {
      state: U.SHUTDOWN,
      who: 'lead',
      name: 'TDH.SYS.SHUTDOWN',
      leaf: SeamcallLeaf.TDH_SYS_SHUTDOWN,
      description: 'lead CPU: shut the old module down (handoff version read fresh), reset the kernel init state, ack_state',
      source: 'tdx.c: tdx_module_shutdown(); tdh_sys_shutdown.c',
      run: (s, n, c, inject) => {
        const st = tdx.seamcall(n.tdx_module, c, SeamcallLeaf.TDH_SYS_SHUTDOWN, {
          vmxOn: true,
          compatSensitive: d.avoidCompatSensitive && s.td_build,
          inject,
        });
        if (st === TdxStatus.TDX_SUCCESS) resetKernelState(n);
        return st !== TdxStatus.TDX_SUCCESS;
      },
      fault: {
        status: TdxStatus.TDX_SYS_BUSY,
        description: 'the module refuses the shutdown (another LP busy in SEAM, an operand error): injected',
        source: 'tdh_sys_shutdown.c: revert to SYS_READY with TDX_SYS_BUSY',
      },
    },
    {
      state: U.CPU_INIT,
      who: 'every',
      name: 'tdx_cpu_enable',
      leaf: SeamcallLeaf.TDH_SYS_LP_INIT,
      description: 'every CPU, concurrently: TDH.SYS.INIT once (cached), TDH.SYS.LP.INIT here, ack_state',
      source: 'tdx.c: tdx_cpu_enable(), try_init_module_global()',
      run: (_s, n, c, inject) => tdxCpuEnable(n.kernel, n.cpu.at(c), tdx, n.tdx_module, c, inject) !== Errno['0'],
      fault: {
        status: TdxStatus.TDX_INCONSISTENT_MSR,
        description: "TDH.SYS.LP.INIT fails one of the LP's consistency checks: injected",
        source: 'tdh_sys_lp_init.c; digest 4.10',
      },
    },
    {
      state: U.RUN_UPDATE,
      who: 'lead',
      name: 'TDH.SYS.UPDATE',
      leaf: SeamcallLeaf.TDH_SYS_UPDATE,
      description: 'lead CPU: the new module imports the handoff and becomes SYS_READY; the loader has one update fewer; ack_state',
      source: 'tdx.c: tdx_module_run_update(); tdh_sys_update.c; seed 002 (num_remaining_updates)',
      run: (s, n, c, inject) => {
        const st = tdx.seamcall(n.tdx_module, c, SeamcallLeaf.TDH_SYS_UPDATE, { vmxOn: true, handoffSupported: s.fw_upload.image_ok, inject });
        if (st !== TdxStatus.TDX_SUCCESS) return true;
        n.kernel.tdx_module_status = TdxModuleStatus.TDX_MODULE_INITIALIZED;
        n.seamldr.num_remaining_updates = s.seamldr.num_remaining_updates - 1;
        return false;
      },
      fault: {
        status: TdxStatus.TDX_SYS_INVALID_HANDOFF,
        description: 'the new module rejects the handoff data: injected',
        source: 'tdh_sys_update.c; digest 4.1, 4.10',
      },
    },
  ];

  type Kind = Work | 'ack' | 'install' | 'leave';
  /** What CPU `c` does on reading state `st` (the switch in do_seamldr_install_module()). */
  const kind = (s: S, c: number, st: number): Kind => {
    if (st === U.CPU_INSTALL) return 'install';
    if (st === U.DONE) return 'leave';
    const w = WORK.find((x) => x.state === st);
    return w !== undefined && (w.who === 'every' || c === s.update_ctrl.lead) ? w : 'ack';
  };

  /** At the top of a pass, about to read a state it has not seen, whose work is `k`. */
  const reads = (s: S, c: number, k: Kind): boolean => {
    if (!inUpdate(s, c) || s.cpu.at(c).loop !== Loop.SPIN) return false;
    const st = next(s, c);
    return st !== s.cpu.at(c).cur && kind(s, c, st) === k;
  };

  /** ack_state(): the last CPU to acknowledge moves every CPU to the next state. */
  const ack = (n: N, failed: boolean): void => {
    const u = n.update_ctrl;
    if (failed) u.failed = true; // D4 too: stop_machine() still returns the callback's error
    if (!d.perStepAck) return;
    u.num_ack = u.num_ack + 1;
    if (u.num_ack < onlineCount(n)) return;
    u.num_ack = 0;
    if (d.abort === 'leave' && u.failed) return; // the state stays where the failure happened
    u.state = d.abort === 'fastForward' && u.failed ? U.DONE : u.state + 1;
  };

  /** End of a step's work: acknowledge with its result, or (D7) vanish without a word on failure. */
  const finish = (n: N, c: number, failed: boolean): void => {
    if (failed && !d.failurePublished) n.cpu.at(c).stopper = Stopper.EXIT;
    else ack(n, failed);
  };

  /** SEAMRET from SEAMLDR.INSTALL; `ok` is the loader's answer. */
  const seamret =
    (ok: (s: S) => boolean): Step['effect'] =>
    (s, n, c) => {
      const cpu = n.cpu.at(c);
      const success = ok(s);
      // The first successful INSTALL of an attempt loads the new module ([ASSUMPTION], digest 10.1).
      if (success && s.tdx_module.sys_state !== SysState.SYSINIT_PENDING) tdx.install(n.tdx_module);
      if (s.seamret_invd_vmcs) cpu.currentVmcs = CurrentVmcs.INVALID;
      if (d.vmcsSaveRestore && s.seamret_invd_vmcs) {
        cpu.loop = success ? Loop.VMPTRLD : Loop.VMPTRLD_FAILED; // still holding seamldr_lock
        return;
      }
      cpu.loop = Loop.SPIN;
      finish(n, c, !success);
    };

  /** One WORK entry as an action: read the state, do the work (with `inject`), ack_state(). */
  const workStep = (w: Work, inject: Status): Step => ({
    name: inject === TdxStatus.TDX_SUCCESS ? w.name : `${w.name}: ${TdxStatus.names[inject]}`,
    ...sm,
    target: TDX_MODULE,
    leaf: w.leaf,
    ...(inject === TdxStatus.TDX_SUCCESS ? { description: w.description, source: w.source } : { fault: true, ...w.fault! }),
    guard: (s, c) => reads(s, c, w),
    effect: (s, n, c) => {
      n.cpu.at(c).cur = w.state;
      finish(n, c, w.run(s, n, c, inject));
    },
  });

  const steps: Step[] = [
    {
      name: 'stop_machine: stopper preempts',
      ...sm,
      description: 'cpu_stopper_thread runs on this CPU once its task may be preempted; a vCPU thread is scheduled out',
      source: 'kernel/stop_machine.c: stop_machine_cpuslocked(), multi_cpu_stop() MULTI_STOP_PREPARE',
      guard: (s, c) => {
        const cpu = s.cpu.at(c);
        if (s.fw_upload.phase !== FwUpload.STOP_MACHINE || !cpu.online || cpu.stopper !== Stopper.NONE) return false;
        if (cpu.task !== Task.IDLE) return false; // preemption is disabled there
        for (let v = 0; v < s.vcpu.length; v++) if (s.vcpu.at(v).cpu === c && s.vcpu.at(v).guest) return false;
        return true;
      },
      effect: (_s, n, c) => {
        n.cpu.at(c).stopper = Stopper.PREPARE;
        // kvm_sched_out(): the vCPU thread stays in KVM_RUN but kvm_running_vcpu is cleared.
        for (let v = 0; v < n.vcpu.length; v++) if (n.vcpu.at(v).cpu === c) n.vcpu.at(v).cpu = -1;
      },
    },
    {
      name: 'multi_cpu_stop: local_irq_disable',
      ...sm,
      source: 'kernel/stop_machine.c: multi_cpu_stop() MULTI_STOP_DISABLE_IRQ, once every CPU acknowledged PREPARE',
      guard: (s, c) => s.cpu.at(c).stopper === Stopper.PREPARE && allStoppersRunning(s),
      effect: (_s, n, c) => {
        n.cpu.at(c).stopper = Stopper.IRQS_OFF;
      },
    },
    {
      name: 'ack_state',
      ...sm,
      description: 'a CPU with no work in this state acknowledges it',
      source: 'seamldr.c: do_seamldr_install_module(), ack_state()',
      guard: (s, c) => reads(s, c, 'ack'),
      effect: (s, n, c) => {
        n.cpu.at(c).cur = next(s, c);
        ack(n, false);
      },
    },
    {
      name: 'SEAMLDR.INSTALL',
      ...sm,
      target: P_SEAMLDR,
      leaf: SeamcallLeaf.SEAMLDR_INSTALL,
      description: 'every CPU, serially: take seamldr_lock and enter the P-SEAMLDR',
      source: 'seamldr.c: seamldr_install(), seamldr_call(), seamldr_lock',
      guard: (s, c) => reads(s, c, 'install') && !seamldrLocked(s, d),
      effect: (_s, n, c) => {
        n.cpu.at(c).cur = U.CPU_INSTALL;
        n.cpu.at(c).loop = Loop.SEAMLDR_INSTALL;
      },
    },
    {
      name: 'SEAMRET from SEAMLDR.INSTALL',
      ...sm,
      target: P_SEAMLDR,
      description: 'the loader answers (it fails with no updates left); the current VMCS is lost on SEAMRET_INVD_VMCS CPUs',
      source: 'seamldr.c: seamldr_call(); digest 1.1, 4.4',
      guard: (s, c) => inUpdate(s, c) && s.cpu.at(c).loop === Loop.SEAMLDR_INSTALL,
      effect: seamret((s) => s.seamldr.num_remaining_updates > 0),
    },
    ...WORK.map((w) => workStep(w, TdxStatus.TDX_SUCCESS)),
    {
      name: 'return from do_seamldr_install_module',
      ...sm,
      description: 'leave the loop: on reading DONE, or ([U-v9]+) at the loop test once num_failed != 0',
      source: 'seamldr.c: while (curstate != MODULE_UPDATE_DONE && !READ_ONCE(update_ctrl.num_failed))',
      guard: (s, c) => reads(s, c, 'leave') || (d.abort === 'leave' && s.update_ctrl.failed && inUpdate(s, c) && s.cpu.at(c).loop === Loop.SPIN),
      effect: (_s, n, c) => {
        n.cpu.at(c).stopper = Stopper.EXIT; // the ack of DONE moves to DONE+1, which nobody reads
      },
    },
    {
      name: 'multi_cpu_stop: local_irq_restore',
      ...sm,
      source: 'kernel/stop_machine.c: multi_cpu_stop() MULTI_STOP_EXIT, once every CPU returned from the callback',
      guard: (s, c) => {
        if (s.cpu.at(c).stopper !== Stopper.EXIT) return false;
        for (let o = 0; o < s.cpu.length; o++) {
          const st = s.cpu.at(o).stopper;
          if (s.cpu.at(o).online && st !== Stopper.EXIT && st !== Stopper.DONE) return false;
        }
        return true;
      },
      effect: (_s, n, c) => {
        const cpu = n.cpu.at(c);
        cpu.stopper = Stopper.DONE;
        cpu.cur = U.START; // curstate is a local of the callback
      },
    },
  ];
  if (d.vmcsSaveRestore) {
    steps.push({
      name: 'VMPTRLD',
      ...sm,
      description: '[U-RFC] seamldr_call(): restore the saved current VMCS, release seamldr_lock, ack_state',
      source: 'RFC 03/20 seamldr_call(): VMPTRST/VMPTRLD under guard(irqsave)',
      guard: (s, c) => inUpdate(s, c) && (s.cpu.at(c).loop === Loop.VMPTRLD || s.cpu.at(c).loop === Loop.VMPTRLD_FAILED),
      effect: (s, n, c) => {
        n.cpu.at(c).currentVmcs = CurrentVmcs.VALID;
        n.cpu.at(c).loop = Loop.SPIN;
        finish(n, c, s.cpu.at(c).loop === Loop.VMPTRLD_FAILED);
      },
    });
  }
  if (!env.faults) return steps;
  return [
    ...steps,
    {
      name: 'SEAMRET from SEAMLDR.INSTALL: error',
      ...sm,
      fault: true,
      target: P_SEAMLDR,
      description: 'the P-SEAMLDR fails the install (bad signature, loader error): injected',
      source: 'seamldr.c: seamldr_install(); digest 4.10',
      guard: (s, c) => inUpdate(s, c) && s.cpu.at(c).loop === Loop.SEAMLDR_INSTALL,
      effect: seamret(() => false),
    },
    ...WORK.filter((w) => w.fault !== undefined).map((w) => workStep(w, w.fault!.status)),
  ];
}
