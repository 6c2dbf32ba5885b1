// The live machine around an update: TD vCPUs in and out of guest mode, KVM's SEAMCALLs from task
// and IRQ context, a TD build (compat-sensitive), sysfs readers, SEAMLDR.INFO, IRQ and NMI
// handlers that execute VMX instructions, and CPU hotplug. Each handler arrives whenever its
// context allows; a handler that only reads is one step with no effect on the state.

import { Errno, tdxCpuEnable } from '../../model/kernel.js';
import { SeamcallLeaf } from '../../model/leaf.js';
import type { TdxModule } from '../../model/module.js';
import { TdxStatus } from '../../model/status.js';
import type { Design } from './design.js';
import { free, hotplugLocked, idle, interruptible, writeLocked, irqsOn, onlineCount, seamldrLocked, Task, vcpuOn, Vmcs, type Env, type S } from './state.js';
import { CPU, ENVIRONMENT, P_SEAMLDR, PERF_NMI, TDX_MODULE, type Step } from './step.js';

/** The arguments of a SEAMCALL from KVM, which runs with VMX on: one object, not one per call. */
const VMX_ON = { vmxOn: true } as const;

export function liveMachine(d: Design, env: Env, tdx: TdxModule): Step[] {
  const perCpu = { ...CPU, actors: env.cpus } as const;
  const ok = (st: number): boolean => st === TdxStatus.TDX_SUCCESS;
  /** D12: KVM's ioctls wait while the update holds the entry lock; D11: task-context SEAMCALLs wait for the write lock. */
  const entryLocked = (s: S): boolean => (d.kvmEntryLock && hotplugLocked(s)) || writeLocked(s, d);
  const steps: Step[] = [];
  /** A TD vCPU associated with this LP is wanted elsewhere, and an IPI handler can run here. */
  const flushPending = (s: S, c: number): boolean => {
    if (!irqsOn(s, c, d)) return false;
    for (let v = 0; v < s.vcpu.length; v++) if (s.vcpu.at(v).assoc === c && s.vcpu.at(v).cpu !== c) return true;
    return false;
  };

  for (let v = 0; v < env.vcpus; v++) {
    const vcpu = `vCPU ${v}`;
    steps.push(
      {
        name: `KVM_RUN ${vcpu}: vcpu_load`,
        ...ENVIRONMENT,
        ...perCpu,
        context: 'task',
        description:
          'the vCPU thread runs KVM_RUN on this CPU (kvm_running_vcpu); a TD vCPU associated with another LP is flushed there first: smp_call_function_single(wait=1), preemption off until it answers',
        source: 'virt/kvm/kvm_main.c: vcpu_load() (get_cpu()); arch/x86/kvm/vmx/tdx.c: tdx_vcpu_load(), tdx_flush_vp_on_cpu()',
        guard: (s, c) => idle(s, c) && s.vcpu.at(v).cpu === -1 && !s.td_killed && !entryLocked(s),
        effect: (s, n, c) => {
          n.vcpu.at(v).cpu = c;
          const lp = s.vcpu.at(v).assoc;
          if (lp !== -1 && lp !== c) n.cpu.at(c).task = Task.IPI_WAIT;
        },
      },
      {
        name: `TDH.VP.ENTER ${vcpu}`,
        ...ENVIRONMENT,
        ...perCpu,
        context: 'task',
        target: TDX_MODULE,
        leaf: SeamcallLeaf.TDH_VP_ENTER,
        description: 'enter guest mode; the vCPU becomes associated with this LP (fails, and KVM kills the TD, if the module is gone)',
        source: 'arch/x86/kvm/vmx/tdx.c: tdx_vcpu_run()',
        guard: (s, c) => s.vcpu.at(v).cpu === c && !s.vcpu.at(v).guest && free(s, c) && s.cpu.at(c).task === Task.IDLE && !writeLocked(s, d),
        effect: (_s, n, c) => {
          if (!ok(tdx.seamcall(n.tdx_module, c, SeamcallLeaf.TDH_VP_ENTER, VMX_ON))) {
            // KVM_BUG_ON: an unexpected TDH.VP.ENTER error kills the TD; KVM_RUN returns -EIO.
            n.td_killed = true;
            n.vcpu.at(v).cpu = -1;
            return;
          }
          n.vcpu.at(v).guest = true;
          n.vcpu.at(v).assoc = c;
        },
      },
      {
        name: `VM exit ${vcpu}`,
        // Not the environment's choice: the stopper's wake-up IPI kicks the vCPU out of guest mode.
        ...perCpu,
        context: 'task',
        description: 'TDH.VP.ENTER returns (an interrupt, a reschedule IPI)',
        source: 'arch/x86/kvm/vmx/tdx.c: tdx_vcpu_run()',
        guard: (s, c) => s.vcpu.at(v).cpu === c && s.vcpu.at(v).guest,
        effect: (_s, n) => {
          n.vcpu.at(v).guest = false;
        },
      },
      {
        name: `KVM_RUN ${vcpu}: vcpu_put`,
        ...ENVIRONMENT,
        ...perCpu,
        context: 'task',
        description: 'the vCPU thread is scheduled out or returns to userspace',
        source: 'virt/kvm/kvm_main.c: vcpu_put(), kvm_sched_out()',
        guard: (s, c) => s.vcpu.at(v).cpu === c && !s.vcpu.at(v).guest && free(s, c) && s.cpu.at(c).task === Task.IDLE,
        effect: (_s, n) => {
          n.vcpu.at(v).cpu = -1;
        },
      },
    );
  }

  steps.push(
    {
      name: 'IPI: TDH.VP.FLUSH',
      ...perCpu,
      context: 'irq',
      target: TDX_MODULE,
      leaf: SeamcallLeaf.TDH_VP_FLUSH,
      description:
        'the old LP of a vCPU flushes it in the IPI handler, releasing the CPU that waits in vcpu_load (or, with the vCPU loaded nowhere, as KVM does before offline or VMXOFF)',
      source: 'arch/x86/kvm/vmx/tdx.c: tdx_flush_vp() via smp_call_function_single(); tdx_disable_virtualization_cpu()',
      guard: (s, c) => flushPending(s, c) && !writeLocked(s, d),
      effect: (s, n, c) => {
        for (let v = 0; v < s.vcpu.length; v++) {
          const waiter = s.vcpu.at(v).cpu;
          if (s.vcpu.at(v).assoc !== c || waiter === c) continue;
          tdx.seamcall(n.tdx_module, c, SeamcallLeaf.TDH_VP_FLUSH, VMX_ON);
          n.vcpu.at(v).assoc = -1;
          if (waiter !== -1) n.cpu.at(waiter).task = Task.IDLE; // csd_lock_wait() returns
        }
      },
    },
    {
      name: 'IRQ: KVM VMREAD',
      ...ENVIRONMENT,
      ...perCpu,
      context: 'irq',
      vmx: true,
      description: 'KVM may VMREAD/VMWRITE the current VMCS from IRQ context',
      source: 'Sean Christopherson, RFC 03/20 thread: "KVM is allowed to do VMREAD/VMWRITE in IRQ context"',
      guard: (s, c) => irqsOn(s, c, d),
      effect: () => {},
    },
    {
      name: PERF_NMI,
      ...ENVIRONMENT,
      ...perCpu,
      context: 'nmi',
      vmx: true,
      description: d.nmiVmreadAnywhere
        ? 'D3: a perf NMI callback VMREADs wherever the NMI lands'
        : "KVM's perf callback VMREADs only when the NMI hit KVM's run loop (kvm_running_vcpu)",
      source: 'Sean Christopherson, RFC 00/20 thread (2025-07-11): only "when KVM knows the NMI occurred in KVM\'s run loop"',
      guard: (s, c) => interruptible(s, c) && (d.nmiVmreadAnywhere || vcpuOn(s, c)),
      effect: () => {},
    },
  );
  if (d.otherNmiVmread) {
    steps.push({
      name: 'NMI: VMREAD in another handler',
      ...ENVIRONMENT,
      ...perCpu,
      context: 'nmi',
      vmx: true,
      description: "D2: an NMI (or #MC) handler that is not KVM's perf callback runs a VMX instruction wherever it lands",
      source: '[U-v7] cover: VMCS save/restore rejected as unsafe against NMI and #MC',
      guard: interruptible,
      effect: () => {},
    });
  }

  if (d.seamcallRwlock) {
    steps.push({
      name: 'IPI: TDH.VP.FLUSH: read_lock spins',
      ...perCpu,
      context: 'irq',
      description: "D11: the flush IPI handler's read_lock() spins, IRQs off, while the update holds the write lock",
      source: 'kernel/locking/qrwlock.c: queued_read_lock_slowpath() (an IRQ-context reader waits for an active writer)',
      guard: (s, c) => flushPending(s, c) && writeLocked(s, d),
      effect: (_s, n, c) => {
        n.cpu.at(c).read_lock_spin = true;
      },
    });
  }

  if (env.td_build) {
    // Every TD-management leaf gets the same answer from the dispatcher (SYS_READY, LP initialized),
    // so TDH.MNG.KEY.CONFIG stands for the build's SEAMCALLs.
    const build = (starts: boolean): Step => ({
      name: starts ? 'KVM_TDX_INIT_VM' : 'KVM_TDX_FINALIZE_VM',
      ...ENVIRONMENT,
      ...perCpu,
      context: 'task',
      target: TDX_MODULE,
      leaf: SeamcallLeaf.TDH_MNG_KEY_CONFIG,
      description: starts ? "a TD build's first SEAMCALL: a compat-sensitive flow begins" : "the build's last SEAMCALL: the flow ends",
      source: 'Documentation/virt/kvm/x86/intel-tdx.rst; digest 1.5, 4.3',
      guard: (s, c) => s.td_build !== starts && idle(s, c) && !entryLocked(s),
      effect: (_s, n, c) => {
        const st = tdx.seamcall(n.tdx_module, c, SeamcallLeaf.TDH_MNG_KEY_CONFIG, VMX_ON);
        n.td_build = starts && ok(st);
      },
    });
    steps.push(build(true), build(false));
  }

  steps.push(
    {
      name: 'SEAMLDR.INFO',
      ...ENVIRONMENT,
      ...perCpu,
      context: 'task',
      target: P_SEAMLDR,
      leaf: SeamcallLeaf.SEAMLDR_INFO,
      description: d.vmcsSaveRestore
        ? '[U-RFC] get_seamldr_info(): VMPTRST, IRQs off, enter the P-SEAMLDR'
        : 'sysfs seamldr_version / num_remaining_updates: take seamldr_lock, enter the P-SEAMLDR',
      source: 'seamldr.c: seamldr_get_info(), seamldr_call(); tdx-host.c',
      guard: (s, c) => idle(s, c) && !(d.erratumGate && s.seamret_invd_vmcs) && !(d.infoTakesLock && seamldrLocked(s, d)) && !writeLocked(s, d),
      effect: (_s, n, c) => {
        n.cpu.at(c).task = Task.SEAMLDR_INFO;
      },
    },
    {
      name: 'SEAMRET from SEAMLDR.INFO',
      ...perCpu,
      context: 'task',
      target: P_SEAMLDR,
      description: 'the loader returns; the current VMCS is lost on SEAMRET_INVD_VMCS CPUs',
      source: 'seamldr.c: seamldr_call(); digest 1.1',
      guard: (s, c) => s.cpu.at(c).task === Task.SEAMLDR_INFO,
      effect: (s, n, c) => {
        const cpu = n.cpu.at(c);
        if (s.seamret_invd_vmcs) cpu.currentVmcs = Vmcs.INVALID;
        cpu.task = d.vmcsSaveRestore && s.seamret_invd_vmcs ? Task.INFO_VMPTRLD : Task.IDLE;
      },
    },
  );
  /** A task-context step that only moves the CPU's task from `from` (IDLE: an idle CPU) to `to`. */
  const taskStep = (name: string, description: string, source: string, from: number, to: number): Step => ({
    name,
    ...perCpu,
    context: 'task',
    description,
    source,
    guard: (s, c) => (from === Task.IDLE ? idle(s, c) : s.cpu.at(c).task === from),
    effect: (_s, n, c) => {
      if (from === Task.INFO_VMPTRLD) n.cpu.at(c).currentVmcs = Vmcs.KVM; // the one VMPTRST saved
      n.cpu.at(c).task = to;
    },
  });
  if (d.vmcsSaveRestore) {
    steps.push(
      taskStep(
        'VMPTRLD after SEAMLDR.INFO',
        '[U-RFC] seamldr_call(): restore the saved current VMCS, then IRQs back on',
        'RFC 03/20 seamldr_call(): VMPTRST/VMPTRLD under guard(irqsave)',
        Task.INFO_VMPTRLD,
        Task.IDLE,
      ),
    );
  }
  if (d.versionLocksOutUpdates) {
    steps.push(
      {
        ...ENVIRONMENT,
        ...taskStep(
          'sysfs version: seamldr_lock_module_update',
          'a reader of `version` disables preemption, so no update can start under it',
          'seamldr.c: seamldr_lock_module_update(); tdx-host.c: version_show()',
          Task.IDLE,
          Task.VERSION,
        ),
      },
      taskStep(
        'sysfs version: seamldr_unlock_module_update',
        'the reader has the version (or -ENXIO) and enables preemption',
        'seamldr.c: seamldr_unlock_module_update()',
        Task.VERSION,
        Task.IDLE,
      ),
    );
  }

  if (env.hotplug) {
    const mayGo = (s: S, c: number): boolean => (c !== 0 || d.leadAtWrite) && onlineCount(s) > 1;
    steps.push(
      {
        name: 'cpu_down',
        ...ENVIRONMENT,
        ...perCpu,
        context: 'task',
        hotplug: true,
        description: 'the CPU goes offline (its TD vCPUs were flushed first); tdx_lp_initialized survives',
        source: 'kernel/cpu.c: cpu_down(); tdx.c: tdx_offline_cpu()',
        guard: (s, c) => {
          if (!idle(s, c) || hotplugLocked(s) || !mayGo(s, c)) return false;
          for (let v = 0; v < s.vcpu.length; v++) if (s.vcpu.at(v).assoc === c) return false;
          return true;
        },
        effect: (_s, n, c) => {
          n.cpu.at(c).online = false;
        },
      },
      {
        name: 'cpu_up: tdx_cpu_enable',
        ...ENVIRONMENT,
        ...perCpu,
        context: 'task',
        hotplug: true,
        target: TDX_MODULE,
        leaf: SeamcallLeaf.TDH_SYS_LP_INIT,
        description: 'the CPU comes online; the TDX cpuhp callback runs tdx_cpu_enable() and a failure fails the online',
        source: 'tdx.c: tdx_online_cpu(), tdx_cpu_enable(); digest 3.7',
        guard: (s, c) => !s.cpu.at(c).online && !hotplugLocked(s),
        effect: (_s, n, c) => {
          if (tdxCpuEnable(n.kernel, n.cpu.at(c), tdx, n.tdx_module, c) === Errno['0']) n.cpu.at(c).online = true;
        },
      },
    );
  }
  return steps;
}
