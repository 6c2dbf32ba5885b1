// vmx: who owns VMX operation on each CPU, and whether every SEAMCALL client (KVM, the TDX core,
// tdx_tsm) keeps it while it needs it: KVM-owned VMXON before 2026, the refcounted
// virtualization core after (digest 5, 7.3; seed 002).

import type { Model } from '../../checker/model.js';
import { defineSpec, param, type ParamValues } from '../../checker/spec.js';
import { TDX_MODULE } from '../../model/lanes.js';
import { TdxModule } from '../../model/module.js';
import { cpuSymmetry, topology } from '../../model/topology.js';
import { vmxActions } from './actions.js';
import { ownership } from './ownership.js';
import { PROPERTIES, vmxInvariants, vmxLiveness, vmxTargets, vmxTransitionProperties } from './properties.js';
import { VMX_AUDIT_ACCEPTED } from './audit.js';
import { VMX_WITNESSES } from './witnesses.js';
import { Crash, DESIGNS, Hp, MODULE_OPTIONS, Pm, VARIANTS, vmxSchema, type Schema } from './schema.js';

export function vmxModel(cfg: VmxConfig): Model<Schema> {
  const topo = topology(cfg.cpus, Math.min(cfg.packages, cfg.cpus));
  const tdx = new TdxModule(topo, MODULE_OPTIONS);
  const own = ownership(cfg.design, cfg.variant);
  const actions = vmxActions(cfg, own, tdx);
  return {
    schema: vmxSchema(cfg.cpus, tdx),
    init: [
      (n) => {
        n.td_vcpu = -1;
        n.crash_cpu = -1;
        tdx.load(n.tdx_module);
        // Every CPU is up (smp_init); refcount starts at subsys_initcall, in tdx_enable().
        for (let c = 0; c < cfg.cpus; c++) n.cpu.at(c).hp = Hp.ONLINE;
      },
    ],
    // An action that issues a SEAMCALL calls the TDX module (reports draw its lane); the model has no P-SEAMLDR.
    actions: actions.map((a) => (a.issues === undefined ? a : { ...a, target: (s, c) => (a.issues!(s, c).length > 0 ? TDX_MODULE : undefined) })),
    invariants: vmxInvariants(cfg.cpus, cfg.design, own, tdx.topology),
    transitionProperties: vmxTransitionProperties(topo, cfg.design, own, actions),
    targets: vmxTargets(cfg, own),
    liveness: vmxLiveness(cfg.cpus, own),
    isEndState: (s) => s.pm === Pm.HALTED || s.crash === Crash.KEXEC,
    symmetry: cpuSymmetry(topo, [0]),
  };
}

const params = {
  cpus: param.int(1, 4, 2, 'CPUs; CPU 0 is the boot CPU and never goes offline'),
  packages: param.int(
    1,
    2,
    1,
    'packages, CPUs spread evenly (at most one per CPU); with 2, a secondary package can lose its last online CPU (tdx_offline_cpu -EBUSY)',
  ),
  design: param.oneOf(
    DESIGNS,
    'refcount',
    'refcount: x86_virt_get_ref()/put_ref() with the TDX core as owner (2026); kvm: KVM owns VMXON and brings TDX up (before 2026)',
  ),
  variant: param.oneOf(
    VARIANTS,
    'reference',
    "reference (KVM-owned: tdx_tsm lives from tdx_enable() to tdx_cleanup(), Dan's design); D18 (KVM-owned only; refcount builds the reference): kvm_intel unload leaves tdx_tsm bound; D19: the tdx_tsm device is removed at every VMXOFF and re-added at VMXON; suspend_retry: a suspend whose CPU offline tdx_offline_cpu refuses (-EBUSY) tries again instead of aborting",
  ),
  hotplug: param.bool(true, 'the administrator takes secondary CPUs offline and online'),
  suspend: param.bool(true, 'system suspend and resume (theoretical with TDX: S3 is disabled, digest 3.10)'),
  shutdown: param.bool(true, 'normal power-off'),
  crash: param.bool(true, 'panic and the crash NMI shootdown (outside the safety properties, V6; D35)'),
  signal_exit: param.bool(
    true,
    "KVM_RUN returns to userspace once a signal is pending (vcpu_run(), the freezer's signal); false: a vCPU may stay in guest mode for ever",
  ),
};
export type VmxConfig = ParamValues<typeof params>;

export const vmx = defineSpec({
  name: 'vmx',
  file: import.meta.url,
  description: 'VMXON ownership: KVM-owned (pre-2026) or the refcounted virtualization core, with KVM, TDs, tdx_tsm, cpuhp, suspend, power-off and crash',
  params,
  properties: PROPERTIES,
  build: vmxModel,
  witnesses: VMX_WITNESSES,
  audit: { floor: 1, accepted: VMX_AUDIT_ACCEPTED },
  expectations: [
    {
      name: 'refcounted core',
      params: { design: 'refcount' },
      expect: { verdict: 'pass' },
      note: 'includes D35: SEAMCALLs on CPUs the crash shootdown has not stopped yet, after TDH.SYS.DISABLE (excluded by V6)',
    },
    { name: 'KVM-owned VMXON', params: { design: 'kvm' }, expect: { verdict: 'pass' } },
    {
      name: 'D18 KVM-owned: kvm_intel unload under a live tdx_tsm',
      params: { design: 'kvm', variant: 'D18' },
      expect: { verdict: 'violation', property: 'V4', traceLength: 4 },
    },
    {
      name: 'D19 KVM-owned: remove tdx_tsm at every VMXOFF',
      params: { design: 'kvm', variant: 'D19' },
      expect: { verdict: 'violation', property: 'TsmBound', traceLength: 5 },
    },
    {
      name: 'D19 on the refcounted core',
      params: { design: 'refcount', variant: 'D19' },
      expect: { verdict: 'violation', property: 'TsmBound', traceLength: 7 },
      note: 'five boot steps (tdx_enable at subsys_initcall), then CPU 1 offline',
    },
    {
      name: 'two packages: the -EBUSY offline refusal',
      params: { design: 'refcount', packages: 2 },
      expect: { verdict: 'pass' },
    },
    {
      name: 'KVM-owned, two packages, three CPUs',
      params: { design: 'kvm', packages: 2, cpus: 3 },
      expect: { verdict: 'pass' },
    },
    {
      name: 'suspend_retry: a refused CPU offline retried for ever',
      params: { design: 'refcount', packages: 2, variant: 'suspend_retry' },
      expect: { verdict: 'violation', property: 'PmCompletes', traceLength: 11 },
      note: 'a livelock, not a bad state: every safety property holds, but freeze_secondary_cpus() meets -EBUSY for the last CPU of a package under a TD and tries again for ever',
    },
    {
      name: 'KVM_RUN ignores the pending signal',
      params: { design: 'kvm', signal_exit: false },
      expect: { verdict: 'violation', property: 'KvmRunReturns', traceLength: 4 },
      note: 'every safety property holds (freeze_processes waits), but a vCPU may stay in guest mode for ever, so the freezer never gets its turn',
    },
    {
      name: 'one CPU, no hotplug, suspend, power-off or crash',
      params: { cpus: 1, hotplug: false, suspend: false, shutdown: false, crash: false },
      expect: { verdict: 'pass' },
    },
  ],
});
