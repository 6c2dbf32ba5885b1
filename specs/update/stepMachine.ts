// Inside stop_machine(): multi_cpu_stop()'s phases that matter (every CPU in its stopper, IRQs
// off before the callback runs, nobody leaves before everyone returned) and, per CPU, the loop
// of do_seamldr_install_module() with ack_state() (seamldr.c; digest 4.6-4.8).
//
// One step = one read of update_ctrl.state plus that state's work and its ack_state(): under
// lockstep no other CPU runs a SEAMCALL in between, so only the ack is observable. SEAMLDR.INSTALL
// is split at SEAMRET because seamldr_lock, the P-SEAMLDR (U7) and the current VMCS are observable.

import { Errno, tdxCpuEnable, TdxModuleStatus } from '../../model/kernel.js';
import { SeamcallLeaf } from '../../model/leaf.js';
import { SysState, type TdxModule } from '../../model/module.js';
import { ModuleUpdateState as U, UpdateCtrlState } from '../../model/seamldr.js';
import { TdxStatus, type Status } from '../../model/status.js';
import type { Design } from './design.js';
import { allStoppersRunning, FailedAt, FwUpload, inUpdate, irqsOn, Loop, seamldrLocked, Stopper, Task, Vmcs, type Env, type N, type S } from './state.js';
import { CPU, ENVIRONMENT, P_SEAMLDR, TDX_MODULE, type Step } from './step.js';
import type { UpdateCtrl } from './updateCtrl.js';

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
  /** Does the work on CPU `c` against the next state; true if it failed. `fault`: the injected failure, if any. */
  readonly run: (s: S, n: N, c: number, fault: Fault | undefined) => boolean;
  /** Failures outside the kernel's control that the environment may inject. */
  readonly faults: readonly Fault[];
}

/** A module answer the environment may inject into one SEAMCALL of a step. */
interface Fault {
  readonly status: Status;
  /** The SEAMCALL that fails (a step may issue more than one). */
  readonly leaf: number;
  /** The action's name after the step's, when the status alone is ambiguous. */
  readonly label?: string;
  /** Where the injection can take effect at all (the SEAMCALL is issued). */
  readonly possible?: (s: S, c: number) => boolean;
  readonly description: string;
  readonly source: string;
}
const inject = (f: Fault | undefined, leaf: number): Status | undefined => (f !== undefined && f.leaf === leaf ? f.status : undefined);

export function stepMachine(d: Design, env: Env, tdx: TdxModule, ctrl: UpdateCtrl): Step[] {
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
      description: d.freshHandoffVersion
        ? 'lead CPU: shut the old module down (handoff version read fresh), reset the kernel init state, ack_state'
        : 'D16: lead CPU: shut the old module down with the handoff version cached at boot, reset the kernel init state, ack_state',
      source: 'tdx.c: tdx_module_shutdown() (get_tdx_sys_info_handoff()); tdh_sys_shutdown.c',
      run: (s, n, c, fault) => {
        const hv = d.freshHandoffVersion ? s.module_hv : 0;
        n.attempt.shutdown_hv = hv;
        const st = tdx.seamcall(n.tdx_module, c, SeamcallLeaf.TDH_SYS_SHUTDOWN, {
          vmxOn: true,
          hvValid: hv === s.module_hv,
          compatSensitive: d.avoidCompatSensitive && s.td_build,
          inject: inject(fault, SeamcallLeaf.TDH_SYS_SHUTDOWN),
        });
        if (st === TdxStatus.TDX_SUCCESS) resetKernelState(n);
        return st !== TdxStatus.TDX_SUCCESS;
      },
      faults: [
        {
          status: TdxStatus.TDX_SYS_BUSY,
          leaf: SeamcallLeaf.TDH_SYS_SHUTDOWN,
          description: 'the module refuses the shutdown (another LP busy in SEAM, an operand error): injected',
          source: 'tdh_sys_shutdown.c: revert to SYS_READY with TDX_SYS_BUSY',
        },
      ],
    },
    {
      state: U.CPU_INIT,
      who: 'every',
      name: 'tdx_cpu_enable',
      leaf: SeamcallLeaf.TDH_SYS_LP_INIT,
      description: 'every CPU, concurrently: TDH.SYS.INIT once (cached), TDH.SYS.LP.INIT here, ack_state',
      source: 'tdx.c: tdx_cpu_enable(), try_init_module_global()',
      run: (_s, n, c, fault) =>
        tdxCpuEnable(n.kernel, n.cpu.at(c), tdx, n.tdx_module, c, inject(fault, SeamcallLeaf.TDH_SYS_LP_INIT), inject(fault, SeamcallLeaf.TDH_SYS_INIT)) !==
        Errno['0'],
      faults: [
        {
          status: TdxStatus.TDX_INCONSISTENT_MSR,
          leaf: SeamcallLeaf.TDH_SYS_LP_INIT,
          description: "TDH.SYS.LP.INIT fails one of the LP's consistency checks: injected",
          source: 'tdh_sys_lp_init.c; digest 4.10',
        },
        {
          status: TdxStatus.TDX_OPERAND_INVALID,
          leaf: SeamcallLeaf.TDH_SYS_INIT,
          label: 'TDH.SYS.INIT: TDX_OPERAND_INVALID',
          // Only the first tdx_cpu_enable() of the new module issues TDH.SYS.INIT; the others get its cached result.
          possible: (s, c) => !s.kernel.sysinit_done && !s.cpu.at(c).tdx_lp_initialized,
          description: 'the new module fails TDH.SYS.INIT (a platform check): injected; try_init_module_global() caches the error for every CPU',
          source: 'tdx.c: try_init_module_global() (sysinit_done, sysinit_ret); tdh_sys_init.c; digest 3.2, 4.10',
        },
      ],
    },
    {
      state: U.RUN_UPDATE,
      who: 'lead',
      name: 'TDH.SYS.UPDATE',
      leaf: SeamcallLeaf.TDH_SYS_UPDATE,
      description: d.fullSysinfoRefresh
        ? 'D14: lead CPU: the new module imports the handoff and becomes SYS_READY; all of tdx_sysinfo is read again; ack_state'
        : "lead CPU: the new module imports the handoff and becomes SYS_READY; tdx_sysinfo's version is read again; the loader has one update fewer; ack_state",
      source: 'tdx.c: tdx_module_run_update(), get_tdx_sys_info_version(); tdh_sys_update.c; seed 002 (num_remaining_updates)',
      run: (s, n, c, fault) => {
        const st = tdx.seamcall(n.tdx_module, c, SeamcallLeaf.TDH_SYS_UPDATE, {
          vmxOn: true,
          handoffSupported: s.fw_upload.image_ok,
          inject: inject(fault, SeamcallLeaf.TDH_SYS_UPDATE),
        });
        if (st !== TdxStatus.TDX_SUCCESS) return true;
        n.kernel.tdx_module_status = TdxModuleStatus.TDX_MODULE_INITIALIZED;
        n.seamldr.num_remaining_updates = s.seamldr.num_remaining_updates - 1;
        n.module_hv = Math.min(s.module_hv + 1, env.updates);
        // get_tdx_sys_info_version(&tdx_sysinfo.version): the version only ([U-v9] "refreshing the full structure would be risky").
        n.tdx_sysinfo.version_update = s.module_info.version_update;
        if (d.fullSysinfoRefresh) n.tdx_sysinfo.features = s.module_info.features;
        return false;
      },
      faults: [
        {
          status: TdxStatus.TDX_SYS_INVALID_HANDOFF,
          leaf: SeamcallLeaf.TDH_SYS_UPDATE,
          description: 'the new module rejects the handoff data: injected',
          source: 'tdh_sys_update.c; digest 4.1, 4.10',
        },
      ],
    },
  ];

  type Kind = Work | 'ack' | 'install' | 'done';
  /** The first WORK entry of each update_ctrl state, by state: `kind` runs in guards. */
  const workOf: (Work | undefined)[] = UpdateCtrlState.names.map((_, st) => WORK.find((x) => x.state === st));
  /** What CPU `c` does on reading state `st` (the switch in do_seamldr_install_module(); DONE+1 and beyond: default). */
  const kind = (s: S, c: number, st: number): Kind => {
    if (st === U.CPU_INSTALL) return 'install';
    if (st === U.DONE) return 'done';
    const w = workOf[st];
    return w !== undefined && (w.who === 'every' || c === s.update_ctrl.lead) ? w : 'ack';
  };

  /** At the top of a pass, about to read a state it has not seen, whose work is `k`. */
  const reads = (s: S, c: number, k: Kind): boolean => {
    const cpu = s.cpu.at(c);
    // Cheapest first: a CPU whose stopper is not past local_irq_disable() is not in the loop (inUpdate).
    if (cpu.loop !== Loop.SPIN || cpu.stopper !== Stopper.IRQS_OFF) return false;
    const st = next(s, c);
    // inUpdate last: it reads every CPU's stopper.
    return st !== cpu.cur && kind(s, c, st) === k && inUpdate(s, c);
  };

  /** A step of this CPU's stopper that only moves it to `to`. */
  const stopperStep = (name: string, source: string, guard: Step['guard'], to: number): Step => ({
    name,
    ...sm,
    source,
    guard,
    effect: (_s, n, c) => {
      n.cpu.at(c).stopper = to;
    },
  });

  /** `ret = <the step's call>`; the ghost keeps the attempt's first failure. */
  const result = (n: N, c: number, step: number, failed: boolean): void => {
    n.cpu.at(c).ret = failed;
    if (failed && n.attempt.failed_at === FailedAt.NONE) n.attempt.failed_at = step;
  };

  /** End of a pass: ack_state(&update_ctrl, ret) with this CPU's `ret`, stale if the pass had no work; D7 vanishes on failure. */
  const finish = (n: N, c: number, step: number, failedNow: boolean): void => {
    if (failedNow && !d.failurePublished) {
      n.cpu.at(c).stopper = Stopper.EXIT;
      return;
    }
    n.attempt.done.set(c, Math.min(step, U.DONE));
    ctrl.ackState(n, n.cpu.at(c).ret);
  };

  /** SEAMRET from SEAMLDR.INSTALL; `ok` is the loader's answer. */
  const seamret =
    (ok: (s: S) => boolean): Step['effect'] =>
    (s, n, c) => {
      const cpu = n.cpu.at(c);
      const success = ok(s);
      // The first successful INSTALL of an attempt loads the new module ([ASSUMPTION], digest 10.1).
      if (success && s.tdx_module.sys_state !== SysState.SYSINIT_PENDING) {
        tdx.install(n.tdx_module);
        n.module_info.version_update = Math.min(s.module_info.version_update + 1, env.updates);
        n.module_info.features = true;
      }
      if (success) n.attempt.installs.set(c, Math.min(s.attempt.installs.get(c) + 1, 2));
      result(n, c, U.CPU_INSTALL, !success);
      if (s.seamret_invd_vmcs) cpu.currentVmcs = Vmcs.INVALID;
      if (d.vmcsSaveRestore && s.seamret_invd_vmcs) {
        cpu.loop = success ? Loop.VMPTRLD : Loop.VMPTRLD_FAILED; // still holding seamldr_lock
        return;
      }
      cpu.loop = Loop.SPIN;
      finish(n, c, U.CPU_INSTALL, !success);
    };

  /** One WORK entry as an action: read the state, do the work (with `fault` injected, if given), ack_state(). */
  const workStep = (w: Work, fault?: Fault): Step => ({
    name: fault === undefined ? w.name : `${w.name}: ${fault.label ?? TdxStatus.names[fault.status]}`,
    ...sm,
    target: TDX_MODULE,
    leaf: w.leaf,
    ...(fault === undefined
      ? { description: w.description, source: w.source }
      : { fault: true, ...ENVIRONMENT, description: fault.description, source: fault.source }),
    starts: () => w.state,
    guard: (s, c) => reads(s, c, w) && (fault?.possible?.(s, c) ?? true),
    effect: (s, n, c) => {
      n.cpu.at(c).cur = w.state;
      if (w.leaf === SeamcallLeaf.TDH_SYS_SHUTDOWN) n.attempt.shutdown_issued = true;
      if (w.leaf === SeamcallLeaf.TDH_SYS_UPDATE) n.attempt.update_issued = true;
      const failed = w.run(s, n, c, fault);
      result(n, c, w.state, failed);
      finish(n, c, w.state, failed);
    },
  });

  const steps: Step[] = [
    {
      name: 'stop_machine: stopper preempts',
      ...sm,
      // The SCHED_FIFO stopper takes the CPU at the next preemption point (a reader's preempt_enable(),
      // a vCPU's exit from guest mode), however often the task re-enters: strong fairness.
      fairness: 'strong',
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
    stopperStep(
      'multi_cpu_stop: local_irq_disable',
      'kernel/stop_machine.c: multi_cpu_stop() MULTI_STOP_DISABLE_IRQ, once every CPU acknowledged PREPARE',
      (s, c) => s.cpu.at(c).stopper === Stopper.PREPARE && allStoppersRunning(s),
      Stopper.IRQS_OFF,
    ),
    {
      name: 'ack_state',
      ...sm,
      description: "a CPU with no work in this state acknowledges it with its `ret` (the last step's result)",
      source: 'seamldr.c: do_seamldr_install_module(), ack_state()',
      starts: next,
      guard: (s, c) => reads(s, c, 'ack'),
      effect: (s, n, c) => {
        n.cpu.at(c).cur = next(s, c);
        finish(n, c, next(s, c), false);
      },
    },
    {
      name: 'SEAMLDR.INSTALL',
      ...sm,
      target: P_SEAMLDR,
      leaf: SeamcallLeaf.SEAMLDR_INSTALL,
      description: 'every CPU, serially: take seamldr_lock and enter the P-SEAMLDR',
      source: 'seamldr.c: seamldr_install(), seamldr_call(), seamldr_lock',
      starts: () => U.CPU_INSTALL,
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
    ...WORK.map((w) => workStep(w)),
    {
      name: 'ack_state(DONE), return from do_seamldr_install_module',
      ...sm,
      description: 'every CPU acknowledges DONE (the last ack writes DONE+1) and leaves the loop',
      source: 'seamldr.c: do_seamldr_install_module(): ack_state() after every state change; while (curstate != MODULE_UPDATE_DONE ...)',
      starts: () => U.DONE,
      guard: (s, c) => reads(s, c, 'done'),
      effect: (_s, n, c) => {
        n.cpu.at(c).cur = U.DONE;
        finish(n, c, U.DONE, false);
        n.cpu.at(c).stopper = Stopper.EXIT;
      },
    },
    stopperStep(
      'return from do_seamldr_install_module',
      '[U-v9]+ seamldr.c: leave the loop at its test once num_failed != 0: while (curstate != MODULE_UPDATE_DONE && !READ_ONCE(update_ctrl.num_failed))',
      (s, c) => d.abort === 'leave' && s.update_ctrl.num_failed !== 0 && inUpdate(s, c) && s.cpu.at(c).loop === Loop.SPIN,
      Stopper.EXIT,
    ),
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
        // cpu_stopper_thread(): if (ret) done->ret = ret. curstate and ret are locals of the callback.
        if (cpu.ret) n.fw_upload.done_ret = true;
        cpu.ret = false;
        cpu.cur = U.START;
      },
    },
  ];
  if (!d.rendezvous) {
    steps.push(
      stopperStep(
        'step IPI handler returns',
        "D11-D13: this CPU acknowledged the step; IRQs back on, its tasks run until the next step (digest 8, reviewers' alternatives to stop_machine)",
        (s, c) => inUpdate(s, c) && s.cpu.at(c).loop === Loop.SPIN && s.cpu.at(c).cur === s.update_ctrl.state && s.update_ctrl.num_failed === 0,
        Stopper.BETWEEN,
      ),
      {
        name: 'IPI: next update step',
        ...sm,
        description: 'D11-D13: the writer sends the next step (or the abort) to every CPU; a vCPU in guest mode exits first',
        source: 'digest 8 D11-D13; kernel/smp.c on_each_cpu()',
        guard: (s, c) =>
          s.cpu.at(c).stopper === Stopper.BETWEEN && (s.update_ctrl.state !== s.cpu.at(c).cur || s.update_ctrl.num_failed !== 0) && irqsOn(s, c, d),
        effect: (_s, n, c) => {
          n.cpu.at(c).stopper = Stopper.IRQS_OFF;
          for (let v = 0; v < n.vcpu.length; v++) if (n.vcpu.at(v).cpu === c) n.vcpu.at(v).guest = false;
        },
      },
    );
  }
  if (d.vmcsSaveRestore) {
    steps.push({
      name: 'VMPTRLD',
      ...sm,
      description: '[U-RFC] seamldr_call(): restore the saved current VMCS, release seamldr_lock, ack_state',
      source: 'RFC 03/20 seamldr_call(): VMPTRST/VMPTRLD under guard(irqsave)',
      guard: (s, c) => inUpdate(s, c) && (s.cpu.at(c).loop === Loop.VMPTRLD || s.cpu.at(c).loop === Loop.VMPTRLD_FAILED),
      effect: (s, n, c) => {
        n.cpu.at(c).currentVmcs = Vmcs.KVM; // the one VMPTRST saved
        n.cpu.at(c).loop = Loop.SPIN;
        finish(n, c, U.CPU_INSTALL, s.cpu.at(c).loop === Loop.VMPTRLD_FAILED);
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
      ...ENVIRONMENT,
      target: P_SEAMLDR,
      description: 'the P-SEAMLDR fails the install (bad signature, loader error): injected',
      source: 'seamldr.c: seamldr_install(); digest 4.10',
      guard: (s, c) => inUpdate(s, c) && s.cpu.at(c).loop === Loop.SEAMLDR_INSTALL,
      effect: seamret(() => false),
    },
    ...WORK.flatMap((w) => w.faults.map((f) => workStep(w, f))),
  ];
}
