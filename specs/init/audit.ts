// What `tdxmc audit init` may leave alive at the defaults, each survivor with the reason no
// property should kill it (checker/spec.ts AuditLine). Grouped by reason.

import { because, type AcceptedMutant } from '../../checker/spec.js';

const fault =
  "an injected fault is the environment's choice (fairness none): nothing requires it to happen, and a fault that changes nothing is one that did not happen; the path it opens is checked wherever it is taken (E1, I14, T2), and R3 requires the deepest error path to be reached";
const faultRetried =
  'with the write skipped the injected fault changes nothing and the step runs again: a retry of a transient failure, which the module allows and which ends like the reference (E1, I13, I14 judge the ending)';
const ghost =
  "a ghost (state.ts): the properties' bookkeeping of what happened, written by the model after the action, not by the kernel's code; skipping it blinds a property rather than introducing a kernel bug";
const noError2026 =
  "2026 has no TDX_MODULE_ERROR (README, Differences: failure ending): __init is spent either way (init_attempted), and I13 and E1 read the attempt's end from ghost.init; era=2022's configurations check the status (D17, D20, D34)";
const hardware =
  "hardware: which SEAMCALLs leave private-KeyID lines in a cache is the hardware's business, and the model takes the worst case (every SEAMCALL, every KEY.CONFIG and TDMR.INIT touching PAMTs); a cache left cleaner than the worst case is no bug. I18 (per CPU, D24) and I14 (PAMT lines, D23-free) are shown to read these bits";
const wbinvdLeaves =
  "hardware: a WBINVD that leaves a flagged CPU's private lines behind; cache_state_incoherent stays set on that CPU (wbinvd_on_all_cpus() does not clear it), so the flush at its offline or at kexec empties them, which is all I18 requires (the global PAMT bits are cleared, and I14 reads those)";
const flagLeftSet =
  'a cache_state_incoherent left set after its WBINVD costs one needless WBINVD later (at offline or kexec): never a missed flush, which is what I18 is about';
const env = "environment (userspace's CPU and memory hotplug, KVM's TDs and their vCPUs, ACPI): nothing requires it to happen";
const envWrite =
  'the action then changes nothing visible to the kernel (the region, CPU or TD stays as it was): the same as the environment not acting, which is legal';
const dead = (what: string): string => `a dead value: ${what} is written before it is read again, so the value left here is never read`;
const moduleReset =
  "the module's own reset at TDH.SYS.DISABLE ([ASSUMPTION] 3.9: SYSINIT_PENDING as fresh) of state that TDH.SYS.CONFIG re-initializes before anything reads it (num_tdmrs, tdmr_next, pkg_config_bitmap): the module is the environment here, and the new kernel cannot tell";
const platform =
  'each initial state is one platform (a class of layouts of the family): leaving one out checks fewer platforms, a weaker configuration rather than a model bug; test/init.test.ts checks the construction on every layout and the number of platforms';

export const INIT_AUDIT_ACCEPTED: readonly AcceptedMutant[] = [
  ...because(
    fault,
    'drop-action TDH.SYS.RD → check_features: no NO_RBP_MOD',
    'stutter TDH.SYS.RD → check_features: no NO_RBP_MOD',
    'drop-action build_tdx_memlist → -ENOMEM',
    'stutter build_tdx_memlist → -ENOMEM',
    'drop-action alloc_tdmr_list → -ENOMEM',
    'stutter alloc_tdmr_list → -ENOMEM',
    'drop-action construct_tdmrs → alloc_contig_pages -ENOMEM',
    'stutter construct_tdmrs → alloc_contig_pages -ENOMEM',
    'drop-action TDH.SYS.TDMR.INIT → error',
    'stutter TDH.SYS.TDMR.INIT → error',
    'drop-action try_init_module_global → TDH.SYS.INIT: TDX_OPERAND_INVALID',
    'drop-action TDH.SYS.LP.INIT → TDX_INCONSISTENT_MSR',
    'stutter TDH.SYS.LP.INIT → TDX_INCONSISTENT_MSR',
    'drop-action SEAMRET TDH.SYS.KEY.CONFIG → TDX_RND_NO_ENTROPY',
    'stutter SEAMRET TDH.SYS.KEY.CONFIG → TDX_RND_NO_ENTROPY',
  ),
  ...because(
    faultRetried,
    'build_tdx_memlist → -ENOMEM without its write of kernel.step',
    'alloc_tdmr_list → -ENOMEM without its write of kernel.step',
    'construct_tdmrs → alloc_contig_pages -ENOMEM without its write of kernel.step',
    'TDH.SYS.TDMR.INIT → error without its write of kernel.step',
    'try_init_module_global → TDH.SYS.INIT: TDX_OPERAND_INVALID without its write of cpu[].hp',
    'TDH.SYS.LP.INIT → TDX_INCONSISTENT_MSR without its write of cpu[].hp',
  ),
  ...because(
    ghost,
    'cpuhp_setup_state fails without its write of ghost.init',
    'TDH.SYS.RD → check_features: no NO_RBP_MOD without its write of ghost.init',
    'tdx_enable: TDX module initialized without its write of ghost.init',
    'TDH.SYS.CONFIG without its write of ghost.config_keyid',
    'machine_kexec without its write of ghost.config_keyid',
    'cpu_down without its write of ghost.kexec_from_ready',
    'add_memory without its write of ghost.kexec_from_ready',
    'offline_pages without its write of ghost.kexec_from_ready',
    'tdx_guest_keyid_alloc without its write of ghost.kexec_from_ready',
    // the module's count of TDH.SYS.INIT is I4's ghost (model/module.ts countSysInit)
    'try_init_module_global without its write of tdx_module.sysinit_calls',
    'try_init_module_global writes tdx_module.sysinit_calls -1',
    'try_init_module_global → TDH.SYS.INIT: TDX_OPERAND_INVALID without its write of tdx_module.sysinit_calls',
    'try_init_module_global → TDH.SYS.INIT: TDX_OPERAND_INVALID writes tdx_module.sysinit_calls -1',
    'tdx_shutdown: TDH.SYS.DISABLE without its write of tdx_module.sysinit_calls',
    'tdx_shutdown: TDH.SYS.DISABLE writes tdx_module.sysinit_calls +1',
  ),
  ...because(
    noError2026,
    'cpuhp_setup_state fails without its write of kernel.tdx_module_status',
    'TDH.SYS.RD → check_features: no NO_RBP_MOD without its write of kernel.tdx_module_status',
    'free_tdmr_list; free_tdx_memlist; put_online_mems without its write of kernel.tdx_module_status',
  ),
  {
    mutant: 'cpuhp_setup_state fails without its write of cpu[].hp',
    reason:
      'the CPU whose callback failed is then rolled back offline instead of staying online without TDX: which CPUs stay online after TDX gave up is no TDX property (E1 and E2 judge what the failure leaves: no VMX, no PAMT, no memlist)',
  },
  ...because(
    hardware,
    'construct_tdmrs without its write of kernel.cache_keyid0',
    'SEAMRET TDH.SYS.KEY.CONFIG without its write of kernel.cache_private',
    'SEAMRET TDH.SYS.KEY.CONFIG without its write of kernel.pamt',
    'SEAMRET TDH.SYS.KEY.CONFIG → TDX_RND_NO_ENTROPY without its write of kernel.cache_private',
    'SEAMRET TDH.SYS.KEY.CONFIG → TDX_RND_NO_ENTROPY without its write of kernel.pamt',
    'TDH.SYS.LP.INIT without its write of cpu[].private_lines',
    'TDH.SYS.LP.INIT → TDX_INCONSISTENT_MSR without its write of cpu[].private_lines',
    'TDH.SYS.TDMR.INIT without its write of cpu[].private_lines',
    'TDH.SYS.TDMR.INIT → error without its write of cpu[].private_lines',
    'SEAMRET TDH.SYS.KEY.CONFIG without its write of cpu[].private_lines',
    'SEAMRET TDH.SYS.KEY.CONFIG → TDX_RND_NO_ENTROPY without its write of cpu[].private_lines',
    'tdh_vp_enter: TDH.VP.ENTER without its write of cpu[].private_lines',
  ),
  ...because(
    wbinvdLeaves,
    'wbinvd_on_all_cpus without its write of cpu[].private_lines',
    'err_reset_pamts: wbinvd_on_all_cpus without its write of cpu[].private_lines',
  ),
  ...because(
    flagLeftSet,
    'cpuhp_setup_state fails without its write of cpu[].cache_state_incoherent',
    'TDH.SYS.RD → check_features: no NO_RBP_MOD without its write of cpu[].cache_state_incoherent',
    'free_tdmr_list; free_tdx_memlist; put_online_mems without its write of cpu[].cache_state_incoherent',
    'cpu_down without its write of cpu[].cache_state_incoherent',
    'machine_kexec without its write of cpu[].cache_state_incoherent',
  ),
  ...because(
    env,
    'drop-action cpu_up',
    'stutter cpu_up',
    'drop-action cpu_down',
    'stutter cpu_down',
    'drop-action add_memory',
    'stutter add_memory',
    'drop-action online_pages',
    'stutter online_pages',
    'drop-action offline_pages',
    'stutter offline_pages',
    'drop-action tdx_guest_keyid_alloc',
    'stutter tdx_guest_keyid_alloc',
    'drop-action tdx_guest_keyid_free',
    'stutter tdx_guest_keyid_free',
    'drop-action tdh_vp_enter: cache_state_incoherent = true',
    'stutter tdh_vp_enter: cache_state_incoherent = true',
  ),
  ...because(
    envWrite,
    'cpu_up without its write of cpu[].hp',
    'add_memory without its write of mem[]',
    'online_pages without its write of mem[]',
    'offline_pages without its write of mem[]',
    'tdx_guest_keyid_alloc without its write of kernel.td_hkid',
    'tdx_guest_keyid_free without its write of kernel.td_hkid',
    // the vCPU writes its flag and never gets to TDH.VP.ENTER: the same as not entering
    'tdh_vp_enter: cache_state_incoherent = true without its write of kernel.vcpu',
  ),
  {
    mutant: 'tdx_guest_keyid_alloc writes kernel.td_hkid +1',
    reason:
      'with one TD any free guest KeyID is correct (ida_alloc_range() takes the lowest, but nothing depends on it); the next one is still a guest KeyID, which I20 checks (README, Differences: KeyIDs)',
  },
  {
    mutant: 'ignore-guard tdx_guest_keyid_free',
    reason:
      "without the TD's guard the free runs when no TD exists (the same -1) or while its vCPU is halfway through a SEAMCALL; that KVM destroys a TD only after its vCPUs stopped is KVM's ordering, which the vmx spec's VcpuAssoc checks, not init's",
  },
  ...because(
    dead(
      'tdx_tdmr_list.nr_consumed_tdmrs (construct_tdmrs() sets it; the kernel leaves it stale after free_tdmr_list(), the model clears it to keep states canonical: README, Differences)',
    ),
    'free_tdmr_list; free_tdx_memlist; put_online_mems without its write of kernel.nr_tdmrs',
    'free_tdmr_list; free_tdx_memlist; put_online_mems writes kernel.nr_tdmrs +1',
  ),
  ...because(
    dead("config_global_keyid()'s package (it starts at the first package on every call: its cpumask is local)"),
    'SEAMRET TDH.SYS.KEY.CONFIG writes kernel.key_pkg +1',
    'machine_kexec without its write of kernel.key_pkg',
    'machine_kexec writes kernel.key_pkg +1',
  ),
  ...because(
    dead(
      "the new kernel's state of a tdx_enable() it has not started (construct_tdmrs() sets nr_consumed_tdmrs, init_tdmrs() its TDMR, try_init_module_global() the result it caches with sysinit_done)",
    ),
    'machine_kexec without its write of kernel.nr_tdmrs',
    'machine_kexec writes kernel.nr_tdmrs +1',
    'machine_kexec without its write of kernel.tdmr_cur',
    'machine_kexec writes kernel.tdmr_cur +1',
    'machine_kexec without its write of kernel.sysinit_ret',
  ),
  {
    mutant: 'machine_kexec without its write of kernel.cache_private',
    reason:
      "the old kernel's PAMT lines: every CPU that wrote them is flagged and WBINVDs at kexec (I18 checks that per CPU); the global bit is I14's view of PAMT lines within one kernel, and the new kernel allocates its PAMTs afresh",
  },
  {
    mutant: 'machine_kexec without its write of mem[]',
    reason:
      "which memory the new kernel finds online at boot is the platform's and kexec-tools' choice (the memory map it is given); either start is legal, and I8, I15 and E1 hold from both",
  },
  ...because(
    moduleReset,
    'tdx_shutdown: TDH.SYS.DISABLE without its write of tdx_module.num_tdmrs',
    'tdx_shutdown: TDH.SYS.DISABLE writes tdx_module.num_tdmrs +1',
    'tdx_shutdown: TDH.SYS.DISABLE without its write of tdx_module.pkg_config_bitmap[]',
    'tdx_shutdown: TDH.SYS.DISABLE without its write of tdx_module.tdmr_next[]',
    'tdx_shutdown: TDH.SYS.DISABLE writes tdx_module.tdmr_next[] +1',
  ),
  ...because(platform, 'drop initial state 0', 'drop initial state 1', 'drop initial state 2', 'drop initial state 3'),
];
