// init: the TDX module's bring-up as concurrent per-CPU steps. tdx_cpu_enable() on every online
// CPU, init_tdx_module() step by step on the calling CPU (CPU 0), failure injection and the
// cleanup order, with CPU and memory hotplug, TDs, kexec and (for D17, D34) an abstract runtime
// update interleaving. Digest sections 2-3, 7.1 (I1-I21) and 8 (D17, D20-D34); witnesses.ts
// holds a mutation for each property no variant breaks.

import type { Model } from '../../checker/model.js';
import { defineSpec, param, type ParamValues } from '../../checker/spec.js';
import { cpuSymmetry } from '../../model/topology.js';
import { callerSteps, cpuSteps } from './bringUp.js';
import { cleanupSteps } from './cleanup.js';
import { environmentSteps } from './environment.js';
import { LAYOUTS, MAX_REGIONS } from './layouts.js';
import { CALLER, ERAS, Machine, VARIANTS } from './machine.js';
import { invariants, liveness, PROPERTIES, targets, transitionProperties } from './properties.js';
import { Cpuhp, initSchema, Mem, type N, type Schema } from './state.js';
import { toActions } from './step.js';
import { INIT_AUDIT_ACCEPTED } from './audit.js';
import { INIT_WITNESSES } from './witnesses.js';

export function initModel(p: InitParams): Model<Schema> {
  const m = new Machine(p);
  // The order of the actions is the order the search tries them in, which picks among equally short traces.
  const { actions, issues } = toActions([...callerSteps(m), ...cleanupSteps(m), ...cpuSteps(m), ...environmentSteps(m)], (s, n) => m.recordGhosts(s, n));
  return {
    schema: initSchema(m.topo, m.tdx, m.plats.length),
    init: m.plats.map((plat, i) => (n: N) => {
      n.layout = i;
      n.ghost.config_keyid = -1;
      m.bootKeyids(n);
      m.tdx.load(n.tdx_module);
      const rs = plat.layout.regions;
      for (let r = 0; r < MAX_REGIONS; r++) n.mem.set(r, r < rs.length && rs[r]!.kind !== 'hotplug' ? Mem.online : Mem.absent);
      for (let c = 0; c < m.cpus; c++) n.cpu.at(c).hp = m.bootOnline(c) ? Cpuhp.online : Cpuhp.offline;
    }),
    actions,
    invariants: invariants(m),
    transitionProperties: transitionProperties(m, issues),
    targets: targets(m),
    liveness: liveness(m),
    isEndState: (s) => m.quiescent(s),
    // D25's migration target (the next CPU) breaks the symmetry; D21's offline LP is distinct
    symmetry: m.variant === 'D25' ? [] : cpuSymmetry(m.topo, m.variant === 'D21' ? [CALLER, m.cpus - 1] : [CALLER]),
  };
}

const params = {
  cpus: param.int(1, 64, 4, 'platform LPs (all present at boot); CPU 0 calls tdx_enable()'),
  packages: param.int(1, 4, 2, 'packages; CPUs spread evenly, each package a contiguous run'),
  era: param.oneOf(
    ERAS,
    '2026',
    '2026: core-driven init at subsys_initcall [KVX] with TDH.SYS.DISABLE at kexec [DIS]; 2022: KVM-driven tdx_enable() at kvm_intel load (seed 001, [KUP])',
  ),
  variant: param.oneOf(
    VARIANTS,
    'reference',
    'known-bad designs (digest 8): D17 the update leaves the status UNINITIALIZED after SHUTDOWN (needs update=true; era=2022, where tdx_enable() can run again); D20 retry after failure; D21 a platform CPU offline at init; D22 KEY.CONFIG on all CPUs at once; D23 no WBINVD before KEY.CONFIG; D23-free no WBINVD before freeing PAMTs; D24 cache_state_incoherent written after the SEAMCALL, not before; D25 LP init on a migrating task; D26 no memory notifier; D27 offline the last CPU of a package with TDs; D34 tdx_enable() racing the update (D17 without the exclusion of the update window; update=true, era=2022); keyconfig-retry config_global_keyid() retries TDX_RND_NO_ENTROPY without bound (a livelock: T1)',
  ),
  layout: param.oneOf(
    LAYOUTS,
    'family',
    'family: one platform per distinct behaviour of every layout of up to 3 regions in 8 GiB (512 MiB grid, max_tdmrs 3, max_reserved 4); small: one layout, real limits',
  ),
  tdmr_chunks: param.int(1, 4, 2, 'TDH.SYS.TDMR.INIT calls per TDMR'),
  fail_alloc: param.bool(true, 'inject -ENOMEM at build_tdx_memlist, alloc_tdmr_list and the PAMT allocation'),
  fail_module: param.bool(true, 'inject module errors: TDH.SYS.INIT, LP.INIT consistency, missing features, KEY.CONFIG entropy, TDMR.INIT'),
  cpu_hotplug: param.bool(true, 'logical CPU online/offline (cpuhp callbacks)'),
  mem_hotplug: param.bool(true, 'memory hot-add, online and offline of movable memory'),
  tds: param.bool(true, 'KVM creates and destroys a TD (an HKID in use)'),
  kexec: param.bool(true, 'one kexec into a new kernel (with TDH.SYS.DISABLE in era 2026 once init succeeded)'),
  update: param.bool(false, 'an abstract TD-preserving update (SHUTDOWN, then install or fail) after init; D17 and D34 need it'),
  erratum: param.bool(true, 'X86_BUG_TDX_PW_MCE: PAMTs are reset (MOVDIR64B) before they are freed'),
  all_lps_required: param.bool(true, '[ASSUMPTION] (digest 10.4): TDH.SYS.CONFIG and UPDATE need LP.INIT on every platform LP'),
  disable_supported: param.bool(true, '[ASSUMPTION] (digest 3.9, 10.10): TDH.SYS.DISABLE exists and returns the module to SYSINIT_PENDING'),
};
export type InitParams = ParamValues<typeof params>;

export const init = defineSpec({
  name: 'init',
  file: import.meta.url,
  description: 'TDX module bring-up: tdx_cpu_enable, init_tdx_module (TDMRs, PAMTs, global KeyID, TDMR.INIT), CPU/memory hotplug, TDs, kexec',
  params,
  properties: PROPERTIES,
  build: initModel,
  expectations: [
    { name: 'reference (2026: core-driven init, DISABLE at kexec)', params: {}, expect: { verdict: 'pass' } },
    { name: 'reference with an update after init', params: { update: true }, expect: { verdict: 'pass' } },
    { name: 'reference, one layout with the real limits', params: { layout: 'small' }, expect: { verdict: 'pass' } },
    {
      name: '2022: KVM-driven tdx_enable(), CPUs stay online',
      params: { era: '2022', cpu_hotplug: false },
      expect: { verdict: 'unreachable', property: 'R2' },
      note: 'every property holds; a kexec leaves the module initialized (no TDH.SYS.DISABLE), so the new kernel fails at TDH.SYS.INIT (I19, [S1])',
    },
    {
      name: '2022: a CPU offlined before kvm_intel loads',
      params: { era: '2022' },
      expect: { verdict: 'violation', property: 'I6', traceLength: 12 },
      note: 'the 2022 design meets D21 through userspace: an LP offlined before tdx_enable() never does LP.INIT, so CONFIG fails ([TGLX22]; digest 3.1 [DERIVED])',
    },
    {
      name: 'fault-free, no erratum, one TDH.SYS.TDMR.INIT per TDMR',
      params: { fail_alloc: false, fail_module: false, erratum: false, tdmr_chunks: 1 },
      expect: { verdict: 'pass' },
    },
    {
      name: 'no TDH.SYS.DISABLE: a kexec-ed kernel cannot initialize',
      params: { disable_supported: false, cpu_hotplug: false, mem_hotplug: false, tds: false },
      expect: { verdict: 'unreachable', property: 'R2' },
      note: 'the [ASSUMPTION] of digest 3.9 off: kexec leaves the module initialized and the new kernel fails at TDH.SYS.INIT (I19)',
    },
    {
      name: 'D21 without the all-LPs assumption',
      params: { variant: 'D21', all_lps_required: false },
      expect: { verdict: 'pass' },
      note: 'digest 10.4 off: a module that needs only the online LPs accepts CONFIG with one LP never initialized',
    },
    {
      name: 'one CPU, no kexec or TDs',
      params: { cpus: 1, packages: 1, kexec: false, tds: false, tdmr_chunks: 4 },
      expect: { verdict: 'pass' },
    },
    { name: 'D20 retry after failure', params: { variant: 'D20' }, expect: { verdict: 'violation', property: 'I13', traceLength: 21 } },
    { name: 'D21 a platform CPU offline at init', params: { variant: 'D21' }, expect: { verdict: 'violation', property: 'I6', traceLength: 13 } },
    { name: 'D22 KEY.CONFIG on all CPUs at once', params: { variant: 'D22' }, expect: { verdict: 'violation', property: 'I9', traceLength: 18 } },
    { name: 'D23 no WBINVD before KEY.CONFIG', params: { variant: 'D23' }, expect: { verdict: 'violation', property: 'I10', traceLength: 16 } },
    { name: 'D23 no WBINVD before freeing PAMTs', params: { variant: 'D23-free' }, expect: { verdict: 'violation', property: 'I14', traceLength: 19 } },
    {
      name: 'D24 cache_state_incoherent set after the SEAMCALL',
      params: { variant: 'D24' },
      expect: { verdict: 'violation', property: 'I18', traceLength: 30 },
      note: "a CPU flushed by its offline comes back (tdx_lp_initialized survived: no LP.INIT), a vCPU's TDH.VP.ENTER runs there, and kexec's NMI stop lands before the flag write: stop_this_cpu() skips the WBINVD",
    },
    { name: 'D25 LP init on a migrating task', params: { variant: 'D25' }, expect: { verdict: 'violation', property: 'I3', traceLength: 4 } },
    { name: 'D26 onlining non-TDX memory', params: { variant: 'D26' }, expect: { verdict: 'violation', property: 'I15', traceLength: 27 } },
    {
      name: 'D27 offlining the last CPU of a package with TDs',
      params: { variant: 'D27' },
      expect: { verdict: 'violation', property: 'I17', traceLength: 26 },
    },
    {
      name: 'D17 status UNINITIALIZED after SHUTDOWN',
      params: { variant: 'D17', era: '2022', update: true, cpu_hotplug: false },
      expect: { verdict: 'violation', property: 'I13', traceLength: 28 },
    },
    { name: 'D17 under 2026 (tdx_enable() is __init)', params: { variant: 'D17', update: true }, expect: { verdict: 'pass' } },
    {
      name: 'D34 tdx_enable() racing an update',
      params: { variant: 'D34', era: '2022', update: true, cpu_hotplug: false },
      expect: { verdict: 'violation', property: 'I13', traceLength: 27 },
    },
    {
      name: 'KEY.CONFIG retried without bound',
      params: { variant: 'keyconfig-retry' },
      expect: { verdict: 'violation', property: 'T1' },
      note: 'a livelock, not a bad state: every safety property holds, but an entropy failure that recurs for ever (the environment may, fairness none) keeps config_global_keyid() on one package; sc_retry() bounds it',
    },
    { name: 'D34 under 2026 (tdx_enable() is __init)', params: { variant: 'D34', update: true, mem_hotplug: false }, expect: { verdict: 'pass' } },
  ],
  witnesses: INIT_WITNESSES,
  audit: { floor: 1, accepted: INIT_AUDIT_ACCEPTED },
});
