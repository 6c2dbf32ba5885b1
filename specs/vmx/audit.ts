// What `tdxmc audit vmx` may leave alive (at the defaults, and with design=kvm), each survivor
// with the reason no property should kill it (checker/spec.ts AuditLine).

import { because, type AcceptedMutant } from '../../checker/spec.js';

const requestSelfLoop = 'equivalent: with no request in flight it writes false over false, a self-loop on every state: the same reachable graph';

const ghostCount =
  "sysinit_calls is the module's count of TDH.SYS.INIT kept for I4 alone (a ghost, model/module.ts countSysInit): a mutant that miscounts changes no behaviour, only what I4 reads, and I4's witness shows that I4 catches a second TDH.SYS.INIT";
const frozenRecord =
  "frozen is the kernel's own record (frozen_cpus), read only by thaw_secondary_cpus(): without it a CPU suspend took offline stays offline after resume, a state the administrator's hotplug reaches as well, so no property over what the CPUs are can tell the two apart (the model keeps no record of the administrator's intent)";

const DISABLE_STEPS = ['tdx_shutdown: TDH.SYS.DISABLE', 'native_machine_crash_shutdown: TDH.SYS.DISABLE'];

export const VMX_AUDIT_ACCEPTED: readonly AcceptedMutant[] = [
  ...because(requestSelfLoop, ...['ignore-guard KVM_RUN returns', 'ignore-guard tdx_tsm request returns']),
  {
    mutant: 'drop-action kvm_destroy_vm',
    reason:
      "destroying the TD is userspace's choice (the VM fd's last close): a TD kept for ever is a legal run; what the destroy must do (flush the vCPU, never under a running KVM_RUN) is VcpuAssoc's",
  },
  {
    mutant: 'kvm_destroy_vm without its write of td',
    reason:
      'with the write skipped the step is a TDH.VP.FLUSH and the TD lives on, the same as userspace keeping it, which is legal; VcpuAssoc judges the flush',
  },
  {
    mutant: 'drop-action TDH.VP.FLUSH',
    reason:
      "the flush IPI is how the vCPU migrates; without it the vCPU stays on its CPU until KVM's teardown there flushes it, a legal schedule; VcpuAssoc judges every flush that runs",
  },
  { mutant: 'drop-action VMREAD', reason: "VMREAD changes no state: dropping it removes only steps V8 judges, and V8's witnesses show that it judges them" },
  { mutant: 'kvm_offline_cpu without its write of cpu[].frozen', reason: frozenRecord },
  {
    mutant: 'thaw_secondary_cpus: kvm_online_cpu without its write of cpu[].hp',
    reason: `${frozenRecord} (here the thaw clears the record but leaves the CPU offline)`,
  },
  ...because(
    ghostCount,
    ...[
      'tdx_online_cpu: tdx_cpu_enable without its write of tdx_module.sysinit_calls',
      'tdx_online_cpu: tdx_cpu_enable writes tdx_module.sysinit_calls -1',
      'tdx_bringup without its write of tdx_module.sysinit_calls',
      'tdx_bringup writes tdx_module.sysinit_calls -1',
      ...DISABLE_STEPS.flatMap((a) => [`${a} without its write of tdx_module.sysinit_calls`, `${a} writes tdx_module.sysinit_calls +1`]),
    ],
  ),
  {
    mutant: 'tdx_bringup without its write of sysinit_done',
    reason:
      "tdx_bringup needs every CPU online the first time, so every CPU is LP-initialized after it, and tdx_cpu_enable() returns early on an LP-initialized CPU (tdx_lp_initialized survives offline): sysinit_done is never read again, and no second TDH.SYS.INIT can follow (I4 catches one in the refcounted core's witness)",
  },
];
