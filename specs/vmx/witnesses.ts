// Test-only mutations of the built vmx model: for each property, the kernel bug it exists to
// catch (test/witnesses.test.ts runs each with only its property checked). Expectations that
// name a property (D18: V4, D19: TsmBound) are witnesses too.

import type { Model } from '../../checker/model.js';
import { andThen, dropAction, mutateAction } from '../../checker/mutate.js';
import type { Witness } from '../../checker/spec.js';
import { BOOT_CPU, Crash, Hp, Kvm, Pm, type N, type S, type Schema } from './schema.js';

type VmxModel = Model<Schema>;
const inTransit = (s: S): boolean => {
  for (let c = 0; c < s.cpu.length; c++) if (s.cpu.at(c).hp !== Hp.ONLINE && s.cpu.at(c).hp !== Hp.OFFLINE) return true;
  return false;
};
/** x86_virt_put_ref() written out, for a mutation that moves or adds one. */
const putRef = (n: N, c: number): void => {
  const cpu = n.cpu.at(c);
  cpu.tdx_ref = false;
  cpu.virtualization_nr_users = cpu.virtualization_nr_users - 1;
  if (cpu.virtualization_nr_users === 0) cpu.vmxOn = false;
};

export const VMX_WITNESSES: readonly Witness<Record<string, string | number | boolean>, VmxModel>[] = [
  {
    property: 'V1',
    name: 'tdx_suspend puts the reference twice (x86_virt_put_ref without a get)',
    params: { design: 'refcount' },
    mutate: (m) =>
      mutateAction(m, 'tdx_suspend', {
        effect: (old) => (s, n, c) => {
          old(s, n, c);
          old(s, n, c);
        },
      }),
  },
  {
    property: 'V2',
    name: 'kvm_suspend does VMXOFF itself (the KVM-owned habit) while the TDX core still holds a reference',
    params: { design: 'refcount' },
    mutate: (m) =>
      andThen(m, 'kvm_suspend', (_s, n) => {
        n.cpu.at(BOOT_CPU).vmxOn = false;
      }),
  },
  {
    property: 'V3',
    name: "kvm_intel unloads under a live TD: KVM's TDH.VP.ENTER without VMX",
    params: { design: 'kvm' },
    mutate: (m) =>
      mutateAction(m, 'kvm_disable_virtualization', {
        guard: () => (s) => s.crash === Crash.NONE && s.pm === Pm.RUNNING && s.kvm !== Kvm.UNLOADED && !inTransit(s),
      }),
  },
  {
    property: 'V5',
    name: 'kvm_offline_cpu skips TDH.VP.FLUSH: the vCPU stays associated with a CPU leaving VMX',
    mutate: (m) =>
      andThen(m, 'kvm_offline_cpu', (s, n) => {
        n.td_vcpu = s.td_vcpu;
      }),
  },
  {
    property: 'V7',
    name: 'freeze_processes does not wait for in-flight KVM_RUN and tdx_tsm requests',
    mutate: (m) =>
      mutateAction(m, 'freeze_processes', {
        guard: () => (s) => s.crash === Crash.NONE && s.pm === Pm.RUNNING && s.kvm !== Kvm.UNLOADED && !inTransit(s),
      }),
  },
  {
    property: 'V8',
    name: 'kvm_offline_cpu skips the VMCLEAR: a later VMCLEAR by IPI hits a CPU out of VMX',
    mutate: (m) =>
      andThen(m, 'kvm_offline_cpu', (s, n, c) => {
        n.cpu.at(c).currentVmcs = s.cpu.at(c).currentVmcs;
      }),
  },
  {
    property: 'V9',
    name: 'the crashing CPU leaves VMX before TDH.SYS.DISABLE',
    params: { design: 'refcount' },
    mutate: (m) =>
      mutateAction(m, 'x86_virt_emergency_disable_virtualization_cpu', {
        guard: () => (s, c) => s.crash === Crash.SHOOTDOWN && c === s.crash_cpu,
      }),
  },
  {
    property: 'V10',
    name: 'tdx_online_cpu calls tdx_cpu_enable() without taking the VMX reference first',
    params: { design: 'refcount' },
    mutate: (m) =>
      mutateAction(m, 'tdx_online_cpu: x86_virt_get_ref', {
        effect: () => (s, n, c) => {
          if (s.cpu.at(c).hp === Hp.UP_KVM) n.cpu.at(c).hp = Hp.UP_TDX_VMX;
          n.cpu.at(c).tdx_ref = true;
        },
      }),
  },
  {
    property: 'V10',
    name: 'tdx_offline_cpu drops its VMX reference before the package check, then returns -EBUSY',
    params: { design: 'refcount', packages: 2 },
    mutate: (m) =>
      mutateAction(m, 'tdx_offline_cpu: -EBUSY', {
        effect: (old) => (s, n, c) => {
          putRef(n, c);
          old(s, n, c);
        },
      }),
  },
  {
    property: 'V10',
    name: 'tdx_offline_cpu without the package check: the last CPU of a package leaves under a TD',
    params: { design: 'kvm', packages: 2 },
    mutate: (m) => {
      const dropped = dropAction(m, 'tdx_offline_cpu: -EBUSY');
      return mutateAction(dropped, 'tdx_offline_cpu', {
        guard: () => (s, c) => s.crash === Crash.NONE && (s.pm === Pm.RUNNING || s.pm === Pm.DEVICES_SUSPENDED) && s.cpu.at(c).hp === Hp.DOWN_TDX,
      });
    },
  },
  {
    property: 'V8',
    name: "kvm_suspend skips the VMCLEAR: tdx_suspend's VMXOFF leaves a VMCS current",
    params: { design: 'refcount' },
    mutate: (m) =>
      andThen(m, 'kvm_suspend', (s, n) => {
        n.cpu.at(BOOT_CPU).currentVmcs = s.cpu.at(BOOT_CPU).currentVmcs;
      }),
  },
  {
    property: 'VcpuAssoc',
    name: 'the flush IPI returns without TDH.VP.FLUSH taking effect: the vCPU stays associated with its old CPU',
    mutate: (m) =>
      andThen(m, 'TDH.VP.FLUSH', (s, n) => {
        n.td_vcpu = s.td_vcpu;
      }),
  },
  {
    property: 'TdxReady',
    name: "init_tdx_module reports success though package 0's TDH.SYS.KEY.CONFIG did not take",
    params: { design: 'refcount' },
    mutate: (m) =>
      andThen(m, 'tdx_enable: init_tdx_module', (_s, n) => {
        n.tdx_module.pkg_config_bitmap.set(0, false);
      }),
  },
  {
    property: 'I4',
    name: 'tdx_cpu_enable() forgets that TDH.SYS.INIT ran: the next CPU to come online calls it again',
    params: { design: 'refcount' },
    mutate: (m) =>
      andThen(m, 'tdx_online_cpu: tdx_cpu_enable', (_s, n) => {
        n.sysinit_done = false;
      }),
  },
  {
    property: 'Disabled',
    name: "tdx_shutdown forgets tdx_sys_disable(): the module keeps the old kernel's configuration",
    params: { design: 'refcount' },
    mutate: (m) =>
      mutateAction(m, 'tdx_shutdown: TDH.SYS.DISABLE', {
        effect: () => (_s, n) => {
          n.pm = Pm.TDX_DISABLED;
        },
      }),
  },
  {
    property: 'ShutdownClean',
    name: 'machine_power_off right after device_shutdown: the syscore shutdown steps are skipped',
    params: { design: 'kvm' },
    mutate: (m) =>
      mutateAction(m, 'machine_power_off', {
        guard: () => (s) => s.crash === Crash.NONE && s.pm === Pm.DEVICES_SHUT_DOWN,
      }),
  },
  {
    property: 'CrashClean',
    name: 'crash_nmi_callback halts the CPU without the emergency VMXOFF',
    mutate: (m) =>
      andThen(m, 'crash_nmi_callback', (s, n, c) => {
        n.cpu.at(c).vmxOn = s.cpu.at(c).vmxOn;
      }),
  },
  { property: 'TdRuns', name: 'no TD can be created', mutate: (m) => dropAction(m, 'KVM_CREATE_VM(KVM_X86_TDX_VM)') },
  { property: 'VmcsInUse', name: "no normal VM's vCPU is ever loaded", mutate: (m) => dropAction(m, 'vmx_vcpu_load') },
  { property: 'TsmServes', name: 'tdx_tsm never serves a request', mutate: (m) => dropAction(m, 'tdx_tsm request') },
  {
    property: 'KvmUnload',
    name: 'kvm_intel, once it brought TDX up, never unloads (tdx_cleanup never runs)',
    params: { design: 'kvm' },
    mutate: (m) => dropAction(m, 'tdx_cleanup'),
  },
  {
    property: 'TdxWithoutKvm',
    name: "kvm_intel unload also drops the TDX core's references (KVM-owned VMXOFF)",
    // Without suspend: tdx_resume's get would give the boot CPU its VMX back.
    params: { design: 'refcount', suspend: false },
    mutate: (m) =>
      andThen(m, 'kvm_disable_virtualization', (s, n) => {
        for (let o = 0; o < s.cpu.length; o++) if (n.cpu.at(o).tdx_ref) putRef(n, o);
      }),
  },
  { property: 'CpuOffline', name: "KVM's cpuhp teardown never completes", mutate: (m) => dropAction(m, 'kvm_offline_cpu') },
  { property: 'CpuOnline', name: 'the administrator can take CPUs offline but never bring one back', mutate: (m) => dropAction(m, 'kvm_online_cpu') },
  { property: 'SuspendResume', name: 'syscore resume never runs', mutate: (m) => dropAction(m, 'kvm_resume') },
  { property: 'PowerOff', name: 'machine_power_off never runs', mutate: (m) => dropAction(m, 'machine_power_off') },
  {
    property: 'CrashKexec',
    name: 'the crashing CPU never reaches kexec',
    mutate: (m) => dropAction(m, 'x86_virt_emergency_disable_virtualization_cpu'),
  },
  { property: 'CrashShootdown', name: 'the NMI shootdown stops no CPU', mutate: (m) => dropAction(m, 'crash_nmi_callback') },
  { property: 'TsmRequestReturns', name: 'a tdx_tsm request never completes', mutate: (m) => dropAction(m, 'tdx_tsm request returns') },
  {
    property: 'CpuhpCompletes',
    name: 'an onlining CPU never reaches CPUHP_AP_ACTIVE (sched_cpu_activate never runs)',
    mutate: (m) => dropAction(m, 'sched_cpu_activate'),
  },
  {
    property: 'TsmAvailable',
    name: 'tdx_tsm has no resume callback: it stays quiesced after resume',
    mutate: (m) =>
      andThen(m, 'dpm_resume, thaw_processes', (s, n) => {
        n.tsm = s.tsm;
      }),
  },
];
