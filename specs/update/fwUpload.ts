// The write path: userspace's tool writes an image to /sys/class/firmware/tdx_module, and
// seamldr_install_module() freezes the online set, initialises update_ctrl and runs the step
// machine in stop_machine() (seamldr.c, tdx-host.c; digest 4.2-4.6).

import { TdxModuleStatus } from '../../model/kernel.js';
import { ModuleUpdateState as U } from '../../model/seamldr.js';
import type { Design } from './design.js';
import { FailedAt, FwUpload, Stopper, Task, type Env, type N, type S } from './state.js';
import { ENVIRONMENT, type Step } from './step.js';
import type { UpdateCtrl } from './updateCtrl.js';

export function fwUpload(d: Design, env: Env, ctrl: UpdateCtrl): Step[] {
  const task = { context: 'task' } as const;

  /**
   * What the tool checks before writing: `version` reads (-ENXIO after a fatal update: stop),
   * the fw_upload device exists, and num_remaining_updates > 0 if it reads it first.
   */
  const mayWrite = (s: S): boolean =>
    s.fw_upload.phase === FwUpload.IDLE &&
    s.fw_upload.writes_left > 0 &&
    s.kernel.tdx_module_status === TdxModuleStatus.TDX_MODULE_INITIALIZED &&
    !(d.erratumGate && s.seamret_invd_vmcs) &&
    !(env.slot_check && s.seamldr.num_remaining_updates === 0);

  const write =
    (imageOk: boolean): Step['effect'] =>
    (s, n) => {
      n.fw_upload.writes_left = s.fw_upload.writes_left - 1;
      if (d.kernelSlotCheck && s.seamldr.num_remaining_updates === 0) return; // -ENOSPC: nothing started
      n.fw_upload.phase = FwUpload.WRITTEN;
      n.fw_upload.image_ok = imageOk;
      if (d.leadAtWrite) n.update_ctrl.lead = firstOnline(s);
    };

  /** init_state(), and the ghost record of the attempt starts. */
  const initState = (s: S, n: N): void => {
    ctrl.initState(n);
    n.attempt.slots_before = s.seamldr.num_remaining_updates;
  };

  const steps: Step[] = [
    {
      name: 'fw_upload write',
      ...task,
      ...ENVIRONMENT,
      description: 'userspace writes a compatible image; seamldr_install_module() validates the header and builds seamldr_params',
      source: 'tdx-host.c: tdx_fw_write(); seamldr.c: seamldr_install_module(); [U-RFC] p19 -ENOSPC',
      guard: mayWrite,
      effect: write(true),
    },
  ];
  if (!env.version_check) {
    steps.push({
      name: 'fw_upload write: incompatible image',
      ...task,
      ...ENVIRONMENT,
      description: "userspace skips mapping_file.json and writes an image that cannot import this module's handoff",
      source: 'digest 4.3: Z-stream only, minimum version per image, enforced by userspace',
      guard: mayWrite,
      effect: write(false),
    });
  }
  /**
   * D12: the update takes the KVM entry lock once no vCPU thread is inside KVM_RUN. D11: it takes
   * the write lock once no reader holds it (no vCPU in guest mode, no SEAMLDR.INFO in flight).
   */
  const mayStart = (s: S): boolean => {
    if (s.fw_upload.phase !== FwUpload.WRITTEN) return false;
    for (let v = 0; v < s.vcpu.length; v++) {
      if (d.kvmEntryLock && s.vcpu.at(v).cpu !== -1) return false;
      if (d.seamcallRwlock && s.vcpu.at(v).guest) return false;
    }
    for (let c = 0; c < s.cpu.length; c++) if (d.seamcallRwlock && s.cpu.at(c).task === Task.SEAMLDR_INFO) return false;
    return true;
  };
  if (d.cpusReadLock) {
    steps.push({
      name: 'cpus_read_lock, init_state, stop_machine_cpuslocked',
      ...task,
      source: 'seamldr.c: seamldr_install_module()',
      guard: mayStart,
      effect: (s, n) => {
        initState(s, n);
        n.fw_upload.phase = FwUpload.STOP_MACHINE;
      },
    });
  } else {
    steps.push(
      {
        name: 'init_state',
        ...task,
        description: 'D8: update_ctrl initialised while CPUs may still come and go',
        source: 'seamldr.c: init_state() without cpus_read_lock() ([U-v7] changelog)',
        guard: (s) => s.fw_upload.phase === FwUpload.WRITTEN,
        effect: (s, n) => {
          initState(s, n);
          n.fw_upload.phase = FwUpload.STATE_INIT;
        },
      },
      {
        name: 'stop_machine',
        ...task,
        description: 'stop_machine() takes cpus_read_lock() itself',
        source: 'kernel/stop_machine.c: stop_machine()',
        guard: (s) => s.fw_upload.phase === FwUpload.STATE_INIT,
        effect: (_s, n) => {
          n.fw_upload.phase = FwUpload.STOP_MACHINE;
        },
      },
    );
  }
  steps.push({
    name: 'stop_machine returns, cpus_read_unlock',
    ...task,
    description: 'every stopper is done; the write returns 0 or the error of a failed step',
    source: 'seamldr.c: seamldr_install_module(); kernel/stop_machine.c',
    guard: (s) => {
      if (s.fw_upload.phase !== FwUpload.STOP_MACHINE) return false;
      for (let c = 0; c < s.cpu.length; c++) if (s.cpu.at(c).online && s.cpu.at(c).stopper !== Stopper.DONE) return false;
      return true;
    },
    effect: (_s, n) => {
      for (let c = 0; c < env.cpus; c++) n.cpu.at(c).stopper = Stopper.NONE;
      n.fw_upload.phase = FwUpload.IDLE;
      n.fw_upload.image_ok = true;
      n.fw_upload.done_ret = false; // stop_machine()'s cpu_stop_done is a local
      for (let c = 0; c < env.cpus; c++) n.cpu.at(c).read_lock_spin = false; // D11: write_unlock()
      // update_ctrl keeps what the attempt left: only init_state() resets it. The ghost ends here.
      const g = n.attempt;
      g.failed_at = FailedAt.NONE;
      g.shutdown_issued = false;
      g.update_issued = false;
      g.shutdown_hv = 0;
      g.slots_before = 0;
      for (let c = 0; c < env.cpus; c++) {
        g.done.set(c, U.START);
        g.installs.set(c, 0);
      }
    },
  });
  return steps;
}

function firstOnline(s: S): number {
  for (let c = 0; c < s.cpu.length; c++) if (s.cpu.at(c).online) return c;
  return 0;
}
