// update: the TD-preserving TDX module update through the P-SEAMLDR on a live host (digest 4,
// 7.2, 7.3 V8, 8; seeds 000, 002, 003). fw_upload write, cpus_read_lock(), stop_machine() and
// the step-locked state machine of seamldr.c, with TDs, KVM, sysfs readers, IRQs and NMIs around it.

import type { Model } from '../../checker/model.js';
import { andThen, dropAction, mutateAction } from '../../checker/mutate.js';
import { defineSpec, param, type ParamValues } from '../../checker/spec.js';
import { Errno, TdxModuleStatus } from '../../model/kernel.js';
import { SysState, type TdxModule } from '../../model/module.js';
import { ModuleUpdateState as U } from '../../model/seamldr.js';
import { cpuSymmetry } from '../../model/topology.js';
import { design, ERAS, PLATFORMS, VARIANTS, type Design } from './design.js';
import { fwUpload } from './fwUpload.js';
import { liveMachine } from './liveMachine.js';
import { properties, PROPERTIES } from './properties.js';
import { FwUpload, Loop, readsNew, Stopper, Task, tdxModule, Vmcs, updateSchema, type Schema } from './state.js';
import { UPDATE_AUDIT_ACCEPTED } from './audit.js';
import type { Step } from './step.js';
import { stepMachine } from './stepMachine.js';
import { updateCtrl, type UpdateCtrl } from './updateCtrl.js';

/** What a step of the model is written against: the design choices, parameters, module and update_ctrl of this build. */
export interface UpdateParts {
  readonly design: Design;
  readonly env: UpdateParams;
  readonly tdx: TdxModule;
  readonly ctrl: UpdateCtrl;
}
/** Changes the model's list of steps (insert, replace, reorder, drop); the properties judge the list it returns. */
export type StepEdit = (steps: readonly Step[], parts: UpdateParts) => readonly Step[];

export function updateModel(env: UpdateParams, edit?: StepEdit): Model<Schema> {
  const d = design(env);
  const tdx = tdxModule(env);
  const ctrl = updateCtrl(d, env);
  const steps = [...fwUpload(d, env, ctrl), ...stepMachine(d, env, tdx, ctrl), ...liveMachine(d, env, tdx)];
  const actions = edit === undefined ? steps : edit(steps, { design: d, env, tdx, ctrl });
  const platforms = env.platform === 'both' ? [true, false] : [env.platform === 'invd_vmcs'];
  return {
    schema: updateSchema(env, tdx),
    // A running host: the module initialized at boot on every CPU, KVM with a VMCS loaded everywhere.
    init: platforms.map((invd) => (n) => {
      n.seamret_invd_vmcs = invd;
      tdx.load(n.tdx_module);
      n.tdx_module.sys_state = SysState.SYS_READY;
      n.tdx_module.sysinit_calls = 1; // the boot kernel's tdx_cpu_enable()
      for (let c = 0; c < env.cpus; c++) n.tdx_module.lp_is_init.set(c, true);
      n.tdx_module.pkg_config_bitmap.set(0, true);
      n.kernel.tdx_module_status = TdxModuleStatus.TDX_MODULE_INITIALIZED;
      n.kernel.sysinit_done = true;
      n.kernel.sysinit_ret = Errno['0'];
      n.seamldr.num_remaining_updates = env.slots;
      n.fw_upload.writes_left = env.updates;
      n.fw_upload.image_ok = true;
      for (let v = 0; v < env.vcpus; v++) {
        n.vcpu.at(v).cpu = -1;
        n.vcpu.at(v).assoc = -1;
      }
      for (let c = 0; c < env.cpus; c++) {
        const cpu = n.cpu.at(c);
        cpu.online = true;
        cpu.currentVmcs = Vmcs.KVM;
        cpu.tdx_lp_initialized = true;
      }
    }),
    actions,
    ...properties(d, env, actions),
    // Legal ends: no update in flight. A CPU stuck inside stop_machine() is a deadlock, or a livelock that U23 finds.
    isEndState: (s) => s.fw_upload.phase === FwUpload.IDLE,
    // CPU 0 is the lead; under D28 the lowest online CPU leads, so CPU numbers matter.
    symmetry: d.leadAtWrite ? [] : [...cpuSymmetry(tdx.topology, [0]), ...(env.vcpus > 1 ? [{ index: 'vcpu', from: 0, to: env.vcpus }] : [])],
  };
}

type M = Model<Schema>;

/** The injected failures after SHUTDOWN, by the reachability target that needs each. */
const LATER_FAULTS = {
  R6: 'SEAMRET from SEAMLDR.INSTALL: error',
  R7: 'tdx_cpu_enable: TDX_INCONSISTENT_MSR',
  R8: 'tdx_cpu_enable: TDH.SYS.INIT: TDX_OPERAND_INVALID',
  R9: 'TDH.SYS.UPDATE: TDX_SYS_INVALID_HANDOFF',
} as const;
type Guard = M['actions'][number]['guard'];
const guard = (m: M, name: string, g: (old: Guard) => Guard): M => mutateAction(m, name, { guard: g });

/** The parameters, declared once: a variant built on the update (specs/update/index.ts) takes the same ones. */
export const params = {
  cpus: param.int(1, 64, 3, 'platform LPs (CPUs); CPU 0 is the lead'),
  vcpus: param.int(0, 2, 1, 'vCPUs of the running TD'),
  era: param.oneOf(
    ERAS,
    'merged',
    'merged: [U-v10]/torvalds seamldr.c (erratum gating, abort via num_failed, AVOID_COMPAT_SENSITIVE, no kernel slot check); rfc: [U-RFC] (VMCS save/restore with IRQs off, abort by fast-forward to DONE, kernel -ENOSPC slot check, no AVOID_COMPAT_SENSITIVE)',
  ),
  variant: param.oneOf(VARIANTS, 'reference', 'a known-bad design mutation (digest 8), applied to the era'),
  updates: param.int(1, 3, 2, 'fw_upload writes userspace makes, one after another'),
  slots: param.int(0, 3, 2, 'num_remaining_updates at boot'),
  faults: param.bool(true, 'steps may fail: SHUTDOWN busy, INSTALL error, LP.INIT check, UPDATE rejects the handoff'),
  td_build: param.bool(true, 'a TD build (compat-sensitive) may be between its first and last SEAMCALL', { aliases: ['tdBuild'] }),
  hotplug: param.bool(false, 'CPUs 1.. may go offline and come back when the hotplug lock allows'),
  platform: param.oneOf(
    PLATFORMS,
    'both',
    'whether SEAMRET from the P-SEAMLDR invalidates the current VMCS (X86_BUG_SEAMRET_INVD_VMCS); both: one initial state each',
  ),
  slot_check: param.bool(true, 'userspace reads num_remaining_updates and does not write at 0', { aliases: ['slotCheck'] }),
  version_check: param.bool(true, 'userspace applies mapping_file.json (Z-stream, minimum version) before writing', { aliases: ['versionCheck'] }),
  all_lps: param.bool(true, 'TDH.SYS.UPDATE needs every platform LP LP-initialized (tdh_sys_update.c); false: a relaxed module [ASSUMPTION, digest 10.2]', {
    aliases: ['allLps'],
  }),
};
export type UpdateParams = ParamValues<typeof params>;

export const update = defineSpec({
  name: 'update',
  file: import.meta.url,
  description: 'TD-preserving TDX module update: fw_upload, stop_machine, the step-locked state machine, P-SEAMLDR, VMCS, IRQ/NMI, failures',
  params,
  properties: PROPERTIES,
  build: (p) => updateModel(p),
  // The measured score of `tdxmc audit update` (specs/update/README.md, "Audit").
  audit: { floor: 0.99, accepted: UPDATE_AUDIT_ACCEPTED },
  expectations: [
    { name: 'merged reference', params: {}, expect: { verdict: 'pass' } },
    {
      name: 'RFC era: no AVOID_COMPAT_SENSITIVE',
      params: { era: 'rfc' },
      expect: { verdict: 'violation', property: 'U22', traceLength: 10 },
      note: 'the RFC predates the flag ([U-v7]): an update during a TD build shuts the module down under it',
    },
    { name: 'RFC era without a TD build', params: { era: 'rfc', td_build: false }, expect: { verdict: 'pass' } },
    {
      name: 'RFC era: kernel -ENOSPC check',
      params: { era: 'rfc', td_build: false, slots: 0, slot_check: false },
      expect: { verdict: 'pass' },
      note: 'with no slots left and userspace not looking, [U-RFC] p19 refuses before SHUTDOWN',
    },
    {
      name: 'D1 merged: P-SEAMLDR calls without erratum gating',
      params: { variant: 'D1' },
      expect: { verdict: 'violation', property: 'U17', traceLength: 2 },
    },
    {
      name: 'D1 RFC: P-SEAMLDR calls with IRQs on',
      params: { era: 'rfc', variant: 'D1', td_build: false },
      expect: { verdict: 'violation', property: 'V8', traceLength: 3 },
      note: "an IRQ handler's VMREAD lands between SEAMRET and VMPTRLD",
    },
    {
      name: 'D2 RFC: another NMI handler VMREADs in the save/restore window',
      params: { era: 'rfc', variant: 'D2', td_build: false },
      expect: { verdict: 'violation', property: 'V8', traceLength: 3 },
    },
    {
      name: 'D2 merged: the same handler never meets an invalid VMCS',
      params: { variant: 'D2' },
      expect: { verdict: 'pass' },
    },
    {
      name: "D3: KVM's perf NMI callback VMREADs outside KVM_RUN",
      params: { variant: 'D3' },
      expect: { verdict: 'violation', property: 'V8.nmi', traceLength: 1 },
    },
    {
      name: 'D4: one callback, no per-step acknowledgement',
      params: { variant: 'D4' },
      expect: { verdict: 'violation', property: 'U5', traceLength: 10 },
      note: 'a CPU starts SEAMLDR.INSTALL before the lead finished SHUTDOWN; the same step installs over the live module (U11)',
    },
    { name: 'D5: no abort', params: { variant: 'D5' }, expect: { verdict: 'violation', property: 'U10', traceLength: 12 } },
    {
      name: 'D6: abort by fast-forward to DONE',
      params: { variant: 'D6' },
      expect: { verdict: 'pass' },
      note: 'U10 read by work: equivalent to leaving at the loop test',
    },
    {
      name: 'D7: a failing CPU neither acks nor counts its failure',
      params: { variant: 'D7' },
      expect: { verdict: 'deadlock', traceLength: 11 },
      note: 'U23: the other CPUs spin in the step loop for ever with IRQs off',
    },
    {
      name: 'D8: no cpus_read_lock around init_state and stop_machine',
      params: { variant: 'D8', hotplug: true },
      expect: { verdict: 'violation', property: 'U4', traceLength: 3 },
    },
    {
      name: 'D9: a CPU offline during the update',
      params: { hotplug: true },
      expect: { verdict: 'violation', property: 'U24', traceLength: 11 },
      note: 'the merged design has no offline check: TDH.SYS.UPDATE fails TDX_SYS_STATE_INCORRECT after SHUTDOWN',
    },
    {
      name: 'D9 with a relaxed module: the update succeeds without every LP',
      params: { hotplug: true, all_lps: false },
      expect: { verdict: 'violation', property: 'U8', traceLength: 11 },
      note: 'if the module did not need every LP, the offline CPU would still have missed SEAMLDR.INSTALL',
    },
    {
      name: 'D10: no slots left and nobody checks first',
      params: { slots: 0, slot_check: false },
      expect: { verdict: 'violation', property: 'U21', traceLength: 12 },
    },
    // D11-D13 drop stop_machine's hold on every CPU, so U3 fails first; test/update.test.ts shows what each was rejected for.
    ...(
      [
        [
          'D11',
          'an rwlock around SEAMCALLs instead of stop_machine',
          "past U3 and U20, the flush IPI handler's read_lock spins with IRQs off on a CPU the update still needs (U23.wait), then a deadlock",
        ],
        ['D12', 'lock KVM entry points instead of stop_machine', 'past U3, a sysfs SEAMLDR.INFO, which takes no KVM lock, runs inside the update (U1)'],
        [
          'D13',
          'non-update SEAMCALLs fail and retry',
          'past U3, KVM runs into the update (U1, U2), and TDH.VP.ENTER against the shut-down module kills the TD (U13)',
        ],
      ] as const
    ).map(([variant, what, note]) => ({
      name: `${variant}: ${what}`,
      params: { variant },
      expect: { verdict: 'violation' as const, property: 'U3', traceLength: 10 },
      note: `rejected ([U-v7] cover; seed 003): ${note}`,
    })),
    {
      name: 'D14: full sysinfo refresh after an update',
      params: { variant: 'D14' },
      expect: { verdict: 'violation', property: 'U14', traceLength: 21 },
      note: "rejected ([U-v9] changelog): KVM set up its TDX support from the boot features; after the refresh it sees the new module's feature it never set up",
    },
    { name: 'D15: SHUTDOWN without AVOID_COMPAT_SENSITIVE', params: { variant: 'D15' }, expect: { verdict: 'violation', property: 'U22', traceLength: 10 } },
    {
      name: 'D16: the handoff version cached at boot',
      params: { variant: 'D16' },
      expect: { verdict: 'violation', property: 'U16', traceLength: 39 },
      note: "[U-RFC]..[U-v7] passed tdx_sysinfo.handoff from boot: the second update hands the new module's TDH.SYS.SHUTDOWN the first module's version, which it refuses",
    },
    {
      name: 'D28: lead chosen without a frozen online set',
      params: { variant: 'D28', hotplug: true },
      expect: { verdict: 'violation', property: 'U6', traceLength: 3 },
    },
    {
      name: 'D29: tdx_lp_initialized reset only for online CPUs',
      params: { variant: 'D29', hotplug: true },
      expect: { verdict: 'violation', property: 'U15', traceLength: 7 },
    },
    {
      name: 'budgets run out: three writes, one slot, 2 CPUs, no vCPU',
      params: { cpus: 2, vcpus: 0, updates: 3, slots: 1 },
      expect: { verdict: 'pass' },
      note: 'after the one update userspace sees 0 slots and stops writing',
    },
    {
      name: 'three updates back to back: 1 CPU, 2 vCPUs, no faults',
      params: { cpus: 1, vcpus: 2, updates: 3, slots: 3, faults: false, platform: 'no_invd_vmcs' },
      expect: { verdict: 'pass' },
    },
    {
      name: 'erratum platform at 4 CPUs: no update can start',
      params: { cpus: 4, platform: 'invd_vmcs' },
      expect: { verdict: 'pass' },
      note: 'no fw_upload device and no seamldr_* attributes with X86_BUG_SEAMRET_INVD_VMCS',
    },
    {
      name: '6 CPUs with symmetry: one update, no TD',
      params: { cpus: 6, vcpus: 0, updates: 1, slots: 1, td_build: false, faults: false },
      options: { symmetry: true },
      expect: { verdict: 'pass' },
    },
    {
      name: '5 CPUs with symmetry: one update, faults',
      params: { cpus: 5, vcpus: 0, updates: 1, slots: 1, td_build: false },
      options: { symmetry: true },
      expect: { verdict: 'pass' },
    },
    { name: 'D33: SEAMLDR.INFO without seamldr_lock', params: { variant: 'D33' }, expect: { verdict: 'violation', property: 'U7', traceLength: 2 } },
    {
      name: 'no version policy in userspace',
      params: { version_check: false },
      expect: { verdict: 'violation', property: 'U16', traceLength: 9 },
    },
  ],
  // Test-only mutations: each writes the kernel bug its property exists to catch (test/witnesses.test.ts runs them).
  witnesses: [
    {
      property: 'U2',
      name: 'the stopper runs on a CPU whose vCPU is in guest mode (no kick out of TDH.VP.ENTER)',
      mutate: (m: M) =>
        guard(
          m,
          'stop_machine: stopper preempts',
          () => (s, c) =>
            s.fw_upload.phase === FwUpload.STOP_MACHINE && s.cpu.at(c).online && s.cpu.at(c).stopper === Stopper.NONE && s.cpu.at(c).task === Task.IDLE,
        ),
    },
    {
      property: 'U2.run',
      name: 'the stopper preempts a vCPU thread without kvm_sched_out() clearing kvm_running_vcpu',
      mutate: (m: M) =>
        andThen(m, 'stop_machine: stopper preempts', (s, n) => {
          for (let v = 0; v < n.vcpu.length; v++) n.vcpu.at(v).cpu = s.vcpu.at(v).cpu;
        }),
    },
    {
      property: 'VcpuAssoc',
      name: "vcpu_load's wait ends without TDH.VP.FLUSH dissociating the vCPU from its old LP",
      mutate: (m: M) =>
        andThen(m, 'IPI: TDH.VP.FLUSH', (s, n) => {
          for (let v = 0; v < n.vcpu.length; v++) n.vcpu.at(v).assoc = s.vcpu.at(v).assoc;
        }),
    },
    {
      property: 'U3',
      name: 'multi_cpu_stop restores IRQs without waiting for every CPU to return (MULTI_STOP_EXIT barrier dropped)',
      mutate: (m: M) => guard(m, 'multi_cpu_stop: local_irq_restore', () => (s, c) => s.cpu.at(c).stopper === Stopper.EXIT),
    },
    {
      property: 'U23.wait',
      name: 'multi_cpu_stop disables IRQs without waiting for every stopper (MULTI_STOP_PREPARE barrier dropped)',
      mutate: (m: M) => guard(m, 'multi_cpu_stop: local_irq_disable', () => (s, c) => s.cpu.at(c).stopper === Stopper.PREPARE),
    },
    {
      property: 'U23',
      name: 'D7, the spinning half: after a failed step the waiting CPUs re-read update_ctrl.state, which never advances, without testing num_failed',
      // A livelock, not a deadlock: each CPU keeps taking its spin step.
      mutate: (m: M) => mutateAction(m, 'return from do_seamldr_install_module', { effect: () => () => {} }),
    },
    {
      property: 'U20',
      name: 'the stopper preempts a `version` reader inside seamldr_lock_module_update()',
      mutate: (m: M) =>
        guard(
          m,
          'stop_machine: stopper preempts',
          (old) => (s, c) =>
            old(s, c) || (s.cpu.at(c).task === Task.VERSION && s.cpu.at(c).stopper === Stopper.NONE && s.fw_upload.phase === FwUpload.STOP_MACHINE),
        ),
    },
    {
      property: 'U1',
      name: "KVM's TDH.VP.FLUSH IPI handler runs on a CPU whose stopper has IRQs off",
      mutate: (m: M) =>
        guard(m, 'IPI: TDH.VP.FLUSH', () => (s, c) => {
          if (!s.cpu.at(c).online || s.cpu.at(c).loop !== Loop.SPIN) return false;
          for (let v = 0; v < s.vcpu.length; v++) if (s.vcpu.at(v).assoc === c && s.vcpu.at(v).cpu !== c) return true;
          return false;
        }),
    },
    {
      property: 'U5',
      name: 'ack_state() advances the state at every acknowledgement, not when num_ack == num_online_cpus()',
      mutate: (m: M) =>
        andThen(m, 'ack_state', (s, n) => {
          if (n.update_ctrl.num_failed !== 0 || n.update_ctrl.state !== s.update_ctrl.state || s.update_ctrl.state >= U.DONE) return;
          n.update_ctrl.state = s.update_ctrl.state + 1;
          n.update_ctrl.num_ack = 0;
        }),
    },
    {
      property: 'U6',
      name: 'TDH.SYS.UPDATE on every CPU (the is_lead_cpu test dropped)',
      mutate: (m: M) => guard(m, 'TDH.SYS.UPDATE', () => (s, c) => readsNew(s, c, U.RUN_UPDATE)),
    },
    {
      property: 'U8',
      name: 'SEAMLDR.INSTALL on the lead CPU only; the others just acknowledge CPU_INSTALL',
      mutate: (m: M) =>
        guard(
          guard(m, 'SEAMLDR.INSTALL', (old) => (s, c) => old(s, c) && c === s.update_ctrl.lead),
          'ack_state',
          (old) => (s, c) => old(s, c) || (c !== s.update_ctrl.lead && readsNew(s, c, U.CPU_INSTALL)),
        ),
    },
    {
      property: 'U9',
      name: 'CPU 1 skips TDH.SYS.LP.INIT on the new module (a stale tdx_lp_initialized) and acknowledges CPU_INIT',
      mutate: (m: M) =>
        andThen(m, 'tdx_cpu_enable', (_s, n, c) => {
          if (c === 1) n.tdx_module.lp_is_init.set(1, false);
        }),
    },
    {
      property: 'U11',
      name: "tdx_module_shutdown() resets the kernel's init state before TDH.SYS.SHUTDOWN, which the module refuses",
      mutate: (m: M) =>
        andThen(m, 'TDH.SYS.SHUTDOWN: TDX_SYS_BUSY', (_s, n) => {
          n.kernel.sysinit_done = false;
          for (let o = 0; o < n.cpu.length; o++) n.cpu.at(o).tdx_lp_initialized = false;
        }),
    },
    {
      property: 'U12',
      name: 'tdx_module_run_update() sets initialized although TDH.SYS.UPDATE failed',
      mutate: (m: M) =>
        andThen(m, 'TDH.SYS.UPDATE: TDX_SYS_INVALID_HANDOFF', (_s, n) => {
          n.kernel.tdx_module_status = TdxModuleStatus.TDX_MODULE_INITIALIZED;
        }),
    },
    {
      property: 'U13',
      name: "cpu_stopper_thread() drops the callback's error: stop_machine() returns 0 after a failed step",
      mutate: (m: M) =>
        andThen(m, 'multi_cpu_stop: local_irq_restore', (_s, n) => {
          n.fw_upload.done_ret = false;
        }),
    },
    {
      property: 'U13',
      name: 'init_state() does not reset num_failed: after a failed attempt the next one shuts the module down and stops',
      mutate: (m: M) =>
        andThen(m, 'cpus_read_lock, init_state, stop_machine_cpuslocked', (s, n) => {
          n.update_ctrl.num_failed = s.update_ctrl.num_failed;
        }),
    },
    {
      property: 'U13',
      name: "tdx_module_run_update() does not read the new module's version",
      mutate: (m: M) =>
        andThen(m, 'TDH.SYS.UPDATE', (s, n) => {
          n.tdx_sysinfo.version_update = s.tdx_sysinfo.version_update;
        }),
    },
    { property: 'U26', name: 'D4: one callback, no per-step acknowledgement', params: { variant: 'D4' } },
    { property: 'U19', name: 'D1 RFC: P-SEAMLDR calls with IRQs on', params: { era: 'rfc', variant: 'D1', td_build: false } },
    { property: 'I3', name: 'D29 on a relaxed module: the stale flag outlives a successful update', params: { variant: 'D29', hotplug: true, all_lps: false } },
    {
      property: 'R1',
      name: 'KVM refuses TDH.VP.ENTER once the module was updated',
      mutate: (m: M) => guard(m, 'TDH.VP.ENTER vCPU 0', (old) => (s, c) => old(s, c) && s.update_ctrl.state !== U.DONE + 1),
    },
    {
      property: 'R2',
      name: 'the write path refuses while update_ctrl holds the last attempt (it assumes stop_machine() cleared it)',
      mutate: (m: M) => guard(m, 'fw_upload write', (old) => (s, c) => old(s, c) && s.update_ctrl.state === U.START),
    },
    {
      property: 'R3',
      name: 'no TD build and the module never refuses TDH.SYS.SHUTDOWN',
      params: { td_build: false },
      mutate: (m: M) => dropAction(m, 'TDH.SYS.SHUTDOWN: TDX_SYS_BUSY'),
    },
    {
      property: 'R4',
      name: 'vcpu_load does not wait for the TDH.VP.FLUSH IPI (an asynchronous flush)',
      mutate: (m: M) =>
        andThen(m, 'KVM_RUN vCPU 0: vcpu_load', (_s, n, c) => {
          n.cpu.at(c).task = Task.IDLE;
        }),
    },
    {
      property: 'R5',
      name: 'no step after SHUTDOWN can fail',
      mutate: (m: M) => Object.values(LATER_FAULTS).reduce(dropAction<Schema>, m),
    },
    ...(['R6', 'R7', 'R8', 'R9'] as const).map((property) => ({
      property,
      name: `the fault path is dropped: ${LATER_FAULTS[property]} never happens`,
      mutate: (m: M) => dropAction(m, LATER_FAULTS[property]),
    })),
    {
      property: 'U5.ack',
      name: 'a CPU whose SEAMLDR.INSTALL failed counts its failure but not its acknowledgement (the [U-RFC] abort to DONE then never fires)',
      mutate: (m: M) =>
        andThen(m, LATER_FAULTS.R6, (s, n) => {
          n.update_ctrl.num_ack = s.update_ctrl.num_ack;
        }),
    },
    {
      property: 'U16.handoff',
      name: 'the new module keeps the handoff data after TDH.SYS.UPDATE imported it',
      mutate: (m: M) =>
        andThen(m, 'TDH.SYS.UPDATE', (_s, n) => {
          n.tdx_module.handoff_valid = true;
        }),
    },
    {
      property: 'I4',
      name: 'try_init_module_global() does not cache a failed TDH.SYS.INIT: the next CPU issues it again',
      mutate: (m: M) =>
        andThen(m, LATER_FAULTS.R8, (_s, n) => {
          n.kernel.sysinit_done = false;
        }),
    },
    {
      property: 'R10',
      name: 'the module never answers TDH.SYS.SHUTDOWN with TDX_SYS_BUSY (only the TD build makes it refuse)',
      mutate: (m: M) => dropAction(m, 'TDH.SYS.SHUTDOWN: TDX_SYS_BUSY'),
    },
    {
      property: 'U17',
      name: "[U-RFC] seamldr_call() restores another CPU's VMCS after SEAMLDR.INFO (VMPTRST's pointer kept in a global)",
      params: { era: 'rfc', td_build: false },
      mutate: (m: M) =>
        andThen(m, 'VMPTRLD after SEAMLDR.INFO', (_s, n, c) => {
          n.cpu.at(c).currentVmcs = Vmcs.OTHER;
        }),
    },
  ],
});
