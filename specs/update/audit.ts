// What `tdxmc audit update` may leave alive at the defaults, each survivor with the reason no
// property should kill it (checker/spec.ts AuditLine). Grouped by reason.

import { because, type AcceptedMutant } from '../../checker/spec.js';

const ghost =
  "a ghost (state.ts `attempt`, the module's count of TDH.SYS.INIT): the properties' bookkeeping of what happened, written by the model after the action, not by the kernel's code; skipping it blinds a property (U6, U24, I4) rather than introducing a kernel bug";
const ghostReset =
  "a dead value: the ghost's reset when stop_machine() returns only keeps states canonical; the next attempt writes the field before any property reads it (init_state() sets slots_before, TDH.SYS.SHUTDOWN sets shutdown_hv in the step U16 reads it)";
const failureCount =
  'num_failed is a count read only for its zero-ness (seamldr.c: ack_state() `!ctrl->num_failed`, the loop test `!READ_ONCE(update_ctrl.num_failed)`): a failure counted twice stops the update exactly as once';
const cachedError =
  "the new module's failed TDH.SYS.INIT is counted once either way: every other CPU's tdx_cpu_enable() returns the error try_init_module_global() cached and counts it (with 3 CPUs), and a cached error exists only after the first failure was counted; num_failed's zero-ness is all ack_state() reads";
const localReset =
  "a dead value: curstate and ret are locals of do_seamldr_install_module(); the CPU leaves the loop in the same step, and the only `ret` a failed attempt can leave set with a next attempt possible is the lead's refused TDH.SYS.SHUTDOWN, which the next attempt's TDH.SYS.SHUTDOWN rewrites before its ack reads it";
const d14 =
  "the new module's extra feature is read only by D14's full tdx_sysinfo refresh: the reference reads the version alone ([U-v9]), so U14 holds either way; the D14 expectation (U14, 21 steps) needs the feature and fails in CI if it is lost";
const noKeyConfig =
  "the module's per-package key configuration: this spec issues no TDH.SYS.CONFIG or TDH.SYS.KEY.CONFIG (U1 keeps them out of the update), and no leaf it issues reads the bitmap (model/module.ts: the TD-management leaves check SYS_READY and LP init); the new module's configuration comes with the handoff, which U16.handoff follows";
const deadModule =
  "what a dead new module looks like: the same CPU's TDH.SYS.INIT succeeded and its TDH.SYS.LP.INIT failed, so the attempt fails and TDX is unusable until reboot (U12, R5) whether the module is SYSINIT_PENDING or SYSINIT_DONE; R7 still reaches SYSINIT_DONE where another CPU ran TDH.SYS.INIT";
const tdDeath =
  "KVM's reaction to a module gone after an update failed past SHUTDOWN (TDX unusable until reboot: U12, R5): whether the TD is marked killed and where its vCPU thread is afterwards no update property is about; U13 requires the TD alive after every successful update";
const env =
  "environment (userspace's writes and sysfs readers, KVM's TD build and vCPU threads, IRQ and NMI handlers): nothing requires it to happen (fairness none)";
const envWrite =
  'the action then changes nothing visible to the kernel: the same as the environment not acting (the build not started or not finished, the thread not leaving, the reader not reading), which is legal';
const budget =
  "userspace's budget of writes (a bound on the environment, not kernel state): a userspace that writes more often is legal, and the loader's slots still bound the updates (U21)";
const irqGuard =
  "in the merged era the current VMCS is KVM's on every CPU at every moment (U17), so a VMREAD in IRQ context is harmless wherever it lands; the guard matters in the RFC era, whose configurations (D1 RFC: V8, 3 steps) kill an IRQ handler in the save/restore window";
const vmExitAnywhere =
  "VM exit's effect does not depend on the CPU it is scheduled on, and on a vCPU not in guest mode it changes nothing: ignoring the guard adds no state and no transition to another state";
const platform =
  "each initial state is one platform: leaving out the erratum platform (X86_BUG_SEAMRET_INVD_VMCS, where no update can start) checks fewer platforms, a weaker configuration rather than a model bug; the expectation 'erratum platform at 4 CPUs' checks that platform alone";

export const UPDATE_AUDIT_ACCEPTED: readonly AcceptedMutant[] = [
  ...because(
    ghost,
    'TDH.SYS.SHUTDOWN without its write of attempt.failed_at',
    'TDH.SYS.SHUTDOWN without its write of attempt.shutdown_issued',
    'TDH.SYS.SHUTDOWN: TDX_SYS_BUSY without its write of attempt.shutdown_issued',
    'TDH.SYS.UPDATE without its write of attempt.update_issued',
    'TDH.SYS.UPDATE: TDX_SYS_INVALID_HANDOFF without its write of attempt.update_issued',
    'tdx_cpu_enable without its write of tdx_module.sysinit_calls',
    'tdx_cpu_enable writes tdx_module.sysinit_calls -1',
    'tdx_cpu_enable: TDX_INCONSISTENT_MSR without its write of tdx_module.sysinit_calls',
    'tdx_cpu_enable: TDX_INCONSISTENT_MSR writes tdx_module.sysinit_calls -1',
  ),
  ...because(
    ghostReset,
    'stop_machine returns, cpus_read_unlock without its write of attempt.shutdown_hv',
    'stop_machine returns, cpus_read_unlock writes attempt.shutdown_hv +1',
    'stop_machine returns, cpus_read_unlock without its write of attempt.slots_before',
    'stop_machine returns, cpus_read_unlock writes attempt.slots_before +1',
  ),
  ...because(
    failureCount,
    'TDH.SYS.SHUTDOWN writes update_ctrl.num_failed +1',
    'TDH.SYS.SHUTDOWN: TDX_SYS_BUSY writes update_ctrl.num_failed +1',
    'SEAMRET from SEAMLDR.INSTALL: error writes update_ctrl.num_failed +1',
    'tdx_cpu_enable writes update_ctrl.num_failed +1',
    'tdx_cpu_enable: TDX_INCONSISTENT_MSR writes update_ctrl.num_failed +1',
    'tdx_cpu_enable: TDH.SYS.INIT: TDX_OPERAND_INVALID writes update_ctrl.num_failed +1',
    'TDH.SYS.UPDATE: TDX_SYS_INVALID_HANDOFF writes update_ctrl.num_failed +1',
  ),
  ...because(
    cachedError,
    'tdx_cpu_enable without its write of update_ctrl.num_failed',
    'tdx_cpu_enable writes update_ctrl.num_failed -1',
    'tdx_cpu_enable without its write of cpu[].ret',
    'tdx_cpu_enable: TDH.SYS.INIT: TDX_OPERAND_INVALID without its write of update_ctrl.num_failed',
    'tdx_cpu_enable: TDH.SYS.INIT: TDX_OPERAND_INVALID writes update_ctrl.num_failed -1',
  ),
  ...because(
    localReset,
    'ack_state(DONE), return from do_seamldr_install_module without its write of cpu[].cur',
    'multi_cpu_stop: local_irq_restore without its write of cpu[].ret',
  ),
  ...because(d14, 'SEAMRET from SEAMLDR.INSTALL without its write of module_info.features'),
  ...because(
    noKeyConfig,
    'SEAMRET from SEAMLDR.INSTALL without its write of tdx_module.pkg_config_bitmap[]',
    'TDH.SYS.UPDATE without its write of tdx_module.pkg_config_bitmap[]',
  ),
  ...because(deadModule, 'tdx_cpu_enable: TDX_INCONSISTENT_MSR without its write of tdx_module.sys_state'),
  ...because(
    tdDeath,
    'TDH.VP.ENTER vCPU 0 without its write of td_killed',
    'TDH.VP.ENTER vCPU 0 without its write of vcpu[].cpu',
    'TDH.VP.ENTER vCPU 0 writes vcpu[].cpu +1',
  ),
  ...because(
    env,
    'drop-action KVM_RUN vCPU 0: vcpu_put',
    'stutter KVM_RUN vCPU 0: vcpu_put',
    'drop-action IRQ: KVM VMREAD',
    'drop-action NMI: perf VMREAD(GUEST_RIP)',
    'drop-action KVM_TDX_INIT_VM',
    'stutter KVM_TDX_INIT_VM',
    'drop-action KVM_TDX_FINALIZE_VM',
    'stutter KVM_TDX_FINALIZE_VM',
    'drop-action SEAMLDR.INFO',
    'stutter SEAMLDR.INFO',
    'drop-action sysfs version: seamldr_lock_module_update',
    'stutter sysfs version: seamldr_lock_module_update',
  ),
  ...because(
    envWrite,
    'KVM_RUN vCPU 0: vcpu_put without its write of vcpu[].cpu',
    'KVM_TDX_INIT_VM without its write of td_build',
    'KVM_TDX_FINALIZE_VM without its write of td_build',
    'SEAMLDR.INFO without its write of cpu[].task',
    'sysfs version: seamldr_lock_module_update without its write of cpu[].task',
  ),
  ...because(budget, 'fw_upload write without its write of fw_upload.writes_left', 'fw_upload write writes fw_upload.writes_left +1'),
  ...because(irqGuard, 'ignore-guard IRQ: KVM VMREAD'),
  ...because(vmExitAnywhere, 'ignore-guard VM exit vCPU 0'),
  ...because(platform, 'drop initial state 0'),
];
