// How init_tdx_module() fails: where an error jumps into its cleanup labels, the cleanup steps in
// their order (tdx.c: err_reset_pamts down to out_put_tdxmem), and __tdx_enable()'s ending.

import { TdxModuleStatus } from '../../model/kernel.js';
import { MAX_REGIONS } from './layouts.js';
import type { Machine } from './machine.js';
import { Cpuhp, flushIfIncoherent, InitStep, Pamt, wbinvdOnAllCpus, type N } from './state.js';
import { atStep, type Step } from './step.js';

/** __tdx_enable()'s failure ending: TDX_MODULE_ERROR; 2026 also cpuhp_remove_state() (flush and VMXOFF everywhere). */
export function initFailed(m: Machine, n: N): void {
  n.kernel.step = InitStep.idle;
  n.kernel.tdx_module_status = TdxModuleStatus.TDX_MODULE_ERROR;
  n.kernel.init_attempted = true;
  if (!m.era2026) return;
  // tdx_offline_cpu() on every CPU: tdx_cpu_flush_cache(), then x86_virt_put_ref()
  for (let c = 0; c < m.cpus; c++) {
    if (n.cpu.at(c).hp !== Cpuhp.offline) flushIfIncoherent(n, c);
    n.cpu.at(c).vmxOn = false;
  }
}

/** Once the caches are flushed, PAMTs are reset first on X86_BUG_TDX_PW_MCE platforms. */
const afterFlush = (m: Machine): number => (m.p.erratum ? InitStep.err_quirk_reset_pamt : InitStep.err_free_pamts);

/** Where an error after TDH.SYS.CONFIG goes: err_reset_pamts (D23-free skips its WBINVD). */
export function errAfterConfig(m: Machine, n: N): void {
  n.kernel.step = m.variant === 'D23-free' ? afterFlush(m) : InitStep.err_reset_pamts;
}

export function cleanupSteps(m: Machine): Step[] {
  return [
    atStep(InitStep.err_reset_pamts, {
      name: 'err_reset_pamts: wbinvd_on_all_cpus',
      source: "tdx.c: init_tdx_module(): err_reset_pamts: flush the module's global-KeyID lines before PAMTs go back",
      effect: (_s, n) => {
        wbinvdOnAllCpus(n);
        n.kernel.step = afterFlush(m);
      },
    }),
    atStep(InitStep.err_quirk_reset_pamt, {
      name: 'tdmrs_quirk_reset_pamt_all',
      source: 'tdx.c: tdmrs_quirk_reset_pamt_all(): MOVDIR64B-clear PAMTs on X86_BUG_TDX_PW_MCE platforms',
      effect: (_s, n) => {
        n.kernel.pamt = Pamt.reset; // MOVDIR64B: direct stores, no dirty line left in any cache
        n.kernel.step = InitStep.err_free_pamts;
      },
    }),
    atStep(InitStep.err_free_pamts, {
      name: 'tdmrs_free_pamt_all',
      source: 'tdx.c: init_tdx_module(): err_free_pamts: PAMTs back to the page allocator',
      effect: (_s, n) => {
        n.kernel.pamt = Pamt.none;
        n.kernel.step = InitStep.err_free_tdmrs;
      },
    }),
    atStep(InitStep.err_free_tdmrs, {
      name: 'free_tdmr_list; free_tdx_memlist; put_online_mems',
      source: 'tdx.c: init_tdx_module(): err_free_tdmrs, err_free_tdxmem, out_put_tdxmem; __tdx_enable(): TDX_MODULE_ERROR',
      effect: (_s, n) => {
        n.kernel.nr_tdmrs = 0;
        for (let r = 0; r < MAX_REGIONS; r++) n.memlist.set(r, false);
        initFailed(m, n);
      },
    }),
  ];
}
