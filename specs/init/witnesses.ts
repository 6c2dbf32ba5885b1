// Test-only mutations of the built init model: for each property, the kernel bug it exists to
// catch (test/witnesses.test.ts runs each with only its property checked). Expectations that
// name a property (the known-bad variants, the unreachable R2) are witnesses too.

import type { Model } from '../../checker/model.js';
import { andThen, mutateAction } from '../../checker/mutate.js';
import type { Witness } from '../../checker/spec.js';
import { Errno, TdxModuleStatus } from '../../model/kernel.js';
import { SeamcallLeaf } from '../../model/leaf.js';
import { MAX_REGIONS } from './layouts.js';
import { Cpuhp, InitStep, Pamt, wbinvdOnAllCpus, type N, type Schema } from './state.js';

type InitModel = Model<Schema>;

/** A bug in what the kernel computes at boot (tdx_init()): `change` applied to every initial state. */
const atBoot = (m: InitModel, change: (n: N) => void): InitModel => ({
  ...m,
  init: m.init.map((w) => (n) => {
    w(n);
    change(n);
  }),
});

/** init_tdmrs() leaves the last TDMR uninitialized and tdx_enable() reports success: a loop bound off by one. */
function initTdmrsOneShort(m: InitModel): InitModel {
  const short = mutateAction(m, 'TDH.SYS.TDMR.INIT', { guard: (old) => (s, c) => old(s, c) && s.kernel.tdmr_cur + 1 < s.kernel.nr_tdmrs });
  return mutateAction(short, 'tdx_enable: TDX module initialized', {
    guard: () => (s) => s.kernel.step === InitStep.init_tdmrs && s.kernel.tdmr_cur + 1 === s.kernel.nr_tdmrs,
  });
}
const ONE_SHORT = 'init_tdmrs() stops one TDMR early';
const FAILURE_ENDING = 'free_tdmr_list; free_tdx_memlist; put_online_mems';

export const INIT_WITNESSES: readonly Witness<Record<string, string | number | boolean>, InitModel>[] = [
  {
    property: 'I1',
    name: 'tdx_online_cpu() calls tdx_cpu_enable() without taking the VMX reference',
    mutate: (m) => andThen(m, 'vmxon', (s, n, c) => (n.cpu.at(c).vmxOn = s.cpu.at(c).vmxOn)),
  },
  {
    property: 'I2',
    name: "init_tdx_module() does not wait for the cpuhp callbacks: TDH.SYS.RD before the caller's LP.INIT",
    mutate: (m) => mutateAction(m, 'TDH.SYS.RD', { guard: () => (s) => s.kernel.step === InitStep.cpuhp_setup_state }),
  },
  {
    property: 'I4',
    name: 'try_init_module_global() caches only a successful TDH.SYS.INIT: the next CPU asks again',
    mutate: (m) => andThen(m, 'try_init_module_global → TDH.SYS.INIT: TDX_OPERAND_INVALID', (_s, n) => (n.kernel.sysinit_done = false)),
  },
  {
    property: 'I5',
    name: 'tdx_cpu_enable() issues TDH.SYS.LP.INIT without waiting for try_init_module_global()',
    mutate: (m) =>
      mutateAction(m, 'TDH.SYS.LP.INIT', { guard: () => (s, c) => s.cpu.at(c).hp === Cpuhp.tdx_cpu_enable_pending && !s.cpu.at(c).tdx_lp_initialized }),
  },
  {
    property: 'I7',
    name: "init_tdx_module() ignores construct_tdmrs()'s -ENOSPC and configures the module anyway",
    mutate: (m) =>
      andThen(m, 'construct_tdmrs', (_s, n) => {
        if (n.kernel.step !== InitStep.err_free_tdmrs) return;
        n.kernel.nr_tdmrs = 1;
        n.kernel.pamt = Pamt.keyid0;
        n.kernel.step = InitStep.config_tdx_module;
      }),
  },
  {
    property: 'I8',
    name: 'build_tdx_memlist() leaves out movable memory',
    mutate: (m) =>
      andThen(m, 'build_tdx_memlist', (_s, n) => {
        for (let r = 1; r < MAX_REGIONS; r++) n.memlist.set(r, false);
      }),
  },
  { property: 'I11', name: ONE_SHORT, mutate: initTdmrsOneShort },
  { property: 'I12', name: ONE_SHORT, mutate: initTdmrsOneShort },
  {
    property: 'I13',
    name: "__tdx_enable()'s failure ending forgets that it ran (status left UNINITIALIZED, __init not spent)",
    mutate: (m) =>
      andThen(m, FAILURE_ENDING, (_s, n) => {
        n.kernel.init_attempted = false;
        n.kernel.tdx_module_status = TdxModuleStatus.TDX_MODULE_UNINITIALIZED;
      }),
  },
  {
    property: 'I14',
    name: 'err_reset_pamts: the MOVDIR64B reset before wbinvd_on_all_cpus()',
    mutate: (m) =>
      andThen(
        mutateAction(m, 'err_reset_pamts: wbinvd_on_all_cpus', { effect: () => (_s, n) => (n.kernel.step = InitStep.err_quirk_reset_pamt) }),
        'tdmrs_quirk_reset_pamt_all',
        (_s, n) => wbinvdOnAllCpus(n),
      ),
  },
  {
    property: 'I14',
    name: 'err_reset_pamts skips tdmrs_quirk_reset_pamt_all() on an X86_BUG_TDX_PW_MCE platform',
    mutate: (m) => andThen(m, 'err_reset_pamts: wbinvd_on_all_cpus', (_s, n) => (n.kernel.step = InitStep.err_free_pamts)),
  },
  {
    property: 'I16',
    name: 'a CPU whose tdx_lp_initialized survived offline comes back online without VMXON',
    mutate: (m) =>
      andThen(m, 'vmxon', (s, n, c) => {
        if (s.cpu.at(c).tdx_lp_initialized) n.cpu.at(c).vmxOn = false;
      }),
  },
  {
    property: 'I19',
    name: "the new kernel takes TDH.SYS.INIT's TDX_SYS_INIT_NOT_PENDING for success",
    params: { era: '2022', cpu_hotplug: false, mem_hotplug: false, tds: false },
    mutate: (m) => andThen(m, 'try_init_module_global', (_s, n) => (n.kernel.sysinit_ret = Errno['0'])),
  },
  {
    property: 'I20',
    name: 'record_keyid_partitioning() without the +1: the global KeyID is the last MKTME KeyID',
    mutate: (m) => atBoot(m, (n) => (n.kernel.tdx_global_keyid -= 1)),
  },
  {
    property: 'I20',
    name: 'tdx_guest_keyid_start = tdx_keyid_start: the guest range begins with the global KeyID',
    mutate: (m) => atBoot(m, (n) => (n.kernel.tdx_guest_keyid_start = n.kernel.tdx_global_keyid)),
  },
  {
    property: 'I21',
    name: "D22 KEY.CONFIG on all CPUs at once, and the module's SEAMCALL entry does not take its global lock",
    params: { variant: 'D22' },
    mutate: (m) => mutateAction(m, 'TDH.SYS.KEY.CONFIG', { effect: () => (_s, n, c) => (n.cpu.at(c).inSeam = SeamcallLeaf.TDH_SYS_KEY_CONFIG) }),
  },
  {
    property: 'E1',
    name: 'err_free_tdxmem: free_tdx_memlist() skipped, so memory hotplug stays restricted after a failed init',
    mutate: (m) =>
      andThen(m, FAILURE_ENDING, (s, n) => {
        for (let r = 0; r < MAX_REGIONS; r++) n.memlist.set(r, s.memlist.get(r));
      }),
  },
  {
    property: 'E2',
    name: 'tdx_offline_cpu() without x86_virt_put_ref(): the CPU goes offline in VMX operation',
    mutate: (m) => andThen(m, 'cpu_down', (s, n, c) => (n.cpu.at(c).vmxOn = s.cpu.at(c).vmxOn)),
  },
  {
    property: 'E2',
    name: 'machine_kexec() jumps with VMX still on in the CPUs (no tdx_shutdown_cpu(), no emergency VMXOFF)',
    mutate: (m) =>
      andThen(m, 'machine_kexec', (s, n) => {
        for (let c = 0; c < n.cpu.length; c++) n.cpu.at(c).vmxOn = s.cpu.at(c).vmxOn;
      }),
  },
  {
    property: 'I7',
    name: 'construct_tdmrs() hands the module TDMRs whose PAMTs it never allocated',
    mutate: (m) => andThen(m, 'construct_tdmrs', (s, n) => (n.kernel.pamt = s.kernel.pamt)),
  },
  {
    property: 'I7',
    name: 'construct_tdmrs() counts one TDMR too many: TDH.SYS.CONFIG passes a zeroed TDMR_INFO entry',
    mutate: (m) =>
      andThen(m, 'construct_tdmrs', (_s, n) => {
        if (n.kernel.step === InitStep.config_tdx_module && n.kernel.nr_tdmrs < n.tdx_module.tdmr_next.length) n.kernel.nr_tdmrs += 1;
      }),
  },
  {
    property: 'I8',
    name: 'construct_tdmrs() counts one TDMR too few: the last TDMR is never passed, its memory not TDX memory',
    mutate: (m) =>
      andThen(m, 'construct_tdmrs', (_s, n) => {
        if (n.kernel.step === InitStep.config_tdx_module) n.kernel.nr_tdmrs -= 1;
      }),
  },
  {
    property: 'I11L',
    name: 'init_tdmrs() never moves past the second TDMR: TDH.SYS.TDMR.INIT on it again and again (TDX_TDMR_ALREADY_INITIALIZED taken for "not done"), the third never initialized',
    mutate: (m) =>
      andThen(m, 'TDH.SYS.TDMR.INIT', (s, n) => {
        if (s.kernel.tdmr_cur === 0) return;
        n.kernel.tdmr_cur = s.kernel.tdmr_cur;
        n.kernel.step = InitStep.init_tdmrs;
      }),
  },
  {
    property: 'T2',
    name: 'tdx_online_cpu() retries a failed tdx_cpu_enable() (VMXOFF, VMXON, LP.INIT) without bound while the LP stays inconsistent',
    mutate: (m) =>
      andThen(m, 'TDH.SYS.LP.INIT → TDX_INCONSISTENT_MSR', (_s, n, c) => {
        n.cpu.at(c).hp = Cpuhp.vmxon_pending;
        n.cpu.at(c).vmxOn = false;
      }),
  },
  {
    property: 'T3',
    name: 'the vCPU re-enters TDH.VP.ENTER on the same CPU for ever: its SEAMCALL wrapper never returns',
    mutate: (m) => andThen(m, 'tdh_vp_enter: TDH.VP.ENTER', (s, n) => (n.kernel.vcpu = s.kernel.vcpu)),
  },
  { property: 'R1', name: ONE_SHORT, mutate: initTdmrsOneShort },
  {
    property: 'R3',
    name: 'after the MOVDIR64B reset the error path jumps to err_free_tdmrs, leaking the PAMTs',
    mutate: (m) => andThen(m, 'tdmrs_quirk_reset_pamt_all', (_s, n) => (n.kernel.step = InitStep.err_free_tdmrs)),
  },
  {
    property: 'R2',
    name: 'the kexec-ed kernel believes tdx_enable() already ran',
    mutate: (m) => andThen(m, 'machine_kexec', (_s, n) => (n.kernel.init_attempted = true)),
  },
];
