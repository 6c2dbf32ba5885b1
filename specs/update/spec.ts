// update: the TD-preserving TDX module update through the P-SEAMLDR on a live host (digest 4,
// 7.2, 7.3 V8, 8; seeds 000, 002, 003). fw_upload write, cpus_read_lock(), stop_machine() and
// the step-locked state machine of seamldr.c, with TDs, KVM, sysfs readers, IRQs and NMIs around it.

import type { Model } from '../../checker/model.js';
import { defineSpec, param, type ParamValues } from '../../checker/spec.js';
import { CurrentVmcs } from '../../model/cpu.js';
import { Errno, TdxModuleStatus } from '../../model/kernel.js';
import { SysState } from '../../model/module.js';
import { cpuSymmetry } from '../../model/topology.js';
import { design, ERAS, PLATFORMS, VARIANTS } from './design.js';
import { fwUpload } from './fwUpload.js';
import { liveMachine } from './liveMachine.js';
import { properties, PROPERTIES } from './properties.js';
import { FwUpload, tdxModule, updateSchema, type Schema } from './state.js';
import { stepMachine } from './stepMachine.js';

export function updateModel(env: UpdateParams): Model<Schema> {
  const d = design(env);
  const tdx = tdxModule(env);
  const actions = [...fwUpload(d, env), ...stepMachine(d, env, tdx), ...liveMachine(d, env, tdx)];
  const platforms = env.platform === 'both' ? [true, false] : [env.platform === 'invd_vmcs'];
  return {
    schema: updateSchema(env, tdx),
    // A running host: the module initialized at boot on every CPU, KVM with a VMCS loaded everywhere.
    init: platforms.map((invd) => (n) => {
      n.seamret_invd_vmcs = invd;
      tdx.load(n.tdx_module);
      n.tdx_module.sys_state = SysState.SYS_READY;
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
        cpu.currentVmcs = CurrentVmcs.VALID;
        cpu.tdx_lp_initialized = true;
      }
    }),
    actions,
    ...properties(d, actions),
    // Legal ends: no update in flight. A hang inside stop_machine() (U23) leaves nothing enabled.
    isEndState: (s) => s.fw_upload.phase === FwUpload.IDLE,
    // CPU 0 is the lead; under D28 the lowest online CPU leads, so CPU numbers matter.
    symmetry: d.leadAtWrite ? [] : [...cpuSymmetry(tdx.topology, [0]), ...(env.vcpus > 1 ? [{ index: 'vcpu', from: 0, to: env.vcpus }] : [])],
  };
}

const params = {
  cpus: param.int(1, 6, 3, 'platform LPs (CPUs); CPU 0 is the lead'),
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
  build: updateModel,
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
      expect: { verdict: 'violation', property: 'U11', traceLength: 10 },
      note: 'a CPU installs over the live module before the lead shut it down; the same step breaks U5',
    },
    { name: 'D5: no abort', params: { variant: 'D5' }, expect: { verdict: 'violation', property: 'U10', traceLength: 11 } },
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
    { name: 'D15: SHUTDOWN without AVOID_COMPAT_SENSITIVE', params: { variant: 'D15' }, expect: { verdict: 'violation', property: 'U22', traceLength: 10 } },
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
    { name: 'D33: SEAMLDR.INFO without seamldr_lock', params: { variant: 'D33' }, expect: { verdict: 'violation', property: 'U7', traceLength: 2 } },
    {
      name: 'no version policy in userspace',
      params: { version_check: false },
      expect: { verdict: 'violation', property: 'U16', traceLength: 9 },
    },
  ],
});
