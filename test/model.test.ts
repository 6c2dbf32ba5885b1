// The shared TDX vocabulary (model/): the SEAMCALL dispatcher answers each leaf by state as
// digest 1.2/3.3/4.9 say, the kernel's cached TDH.SYS.INIT, topology and symmetry ranges, and
// the TDMR/PAMT construction and its checks (each shown able to fail).

import { describe, expect, test } from 'vitest';
import { record } from '../checker/domain.js';
import { Layout } from '../checker/layout.js';
import { Errno, tryInitModuleGlobal } from '../model/kernel.js';
import { SeamcallLeaf as L } from '../model/leaf.js';
import { GiB, MiB, buildTdxMemlist, cmrsFor, constructTdmrs, coverageError, tdmrConfigError, type Region } from '../model/memory.js';
import { SysState, TdxModule } from '../model/module.js';
import { TdxStatus as T } from '../model/status.js';
import { cpuSymmetry, topology } from '../model/topology.js';

function harness(cpus: number, packages: number, opts: { allLpsRequired?: boolean } = {}) {
  const tdx = new TdxModule(topology(cpus, packages), { tdmrs: 2, tdmrChunks: 2, ...opts });
  const schema = record({ m: tdx.domain });
  const view = new Layout(schema).newView();
  view.bind(new Uint32Array(new Layout(schema).words));
  const m = view.write.m;
  tdx.load(m);
  const sc = (lp: number, leaf: number, args: object = {}) => tdx.seamcall(m, lp, leaf, { vmxOn: true, ...args });
  return { tdx, m, sc };
}

describe('TDX module dispatcher', () => {
  test('bring-up in order reaches SYS_READY', () => {
    const { tdx, m, sc } = harness(2, 2);
    expect(sc(0, L.TDH_SYS_LP_INIT)).toBe(T.TDX_SYS_LP_INIT_NOT_PENDING);
    expect(sc(0, L.TDH_SYS_INIT)).toBe(T.TDX_SUCCESS);
    expect(sc(1, L.TDH_SYS_INIT)).toBe(T.TDX_SYS_INIT_NOT_PENDING);
    expect(sc(0, L.TDH_SYS_RD)).toBe(T.TDX_SYS_LP_INIT_NOT_DONE);
    expect(sc(0, L.TDH_SYS_LP_INIT)).toBe(T.TDX_SUCCESS);
    expect(sc(0, L.TDH_SYS_LP_INIT)).toBe(T.TDX_SYS_LP_INIT_DONE);
    expect(sc(0, L.TDH_SYS_CONFIG, { tdmrs: 1 })).toBe(T.TDX_SYS_CONFIG_NOT_PENDING); // LP 1 not initialized
    expect(sc(1, L.TDH_SYS_LP_INIT)).toBe(T.TDX_SUCCESS);
    expect(sc(0, L.TDH_SYS_CONFIG, { tdmrs: 1, tdmrsValid: false })).toBe(T.TDX_INVALID_TDMR);
    expect(sc(0, L.TDH_SYS_CONFIG, { tdmrs: 1 })).toBe(T.TDX_SUCCESS);
    expect(sc(0, L.TDH_SYS_TDMR_INIT, { tdmr: 0 })).toBe(T.TDX_SYS_NOT_READY);
    expect(sc(0, L.TDH_SYS_KEY_CONFIG, { inject: T.TDX_RND_NO_ENTROPY })).toBe(T.TDX_RND_NO_ENTROPY);
    expect(sc(0, L.TDH_SYS_KEY_CONFIG)).toBe(T.TDX_SUCCESS);
    expect(sc(0, L.TDH_SYS_KEY_CONFIG)).toBe(T.TDX_KEY_CONFIGURED);
    expect(m.sys_state).toBe(SysState.SYSCONFIG_DONE);
    expect(sc(1, L.TDH_SYS_KEY_CONFIG)).toBe(T.TDX_SUCCESS);
    expect(m.sys_state).toBe(SysState.SYS_READY);
    expect(sc(0, L.TDH_SYS_TDMR_INIT, { tdmr: 1 })).toBe(T.TDX_OPERAND_INVALID);
    expect(sc(0, L.TDH_SYS_TDMR_INIT, { tdmr: 0 })).toBe(T.TDX_SUCCESS);
    expect(tdx.allTdmrsInitialized(m)).toBe(false);
    expect(sc(0, L.TDH_SYS_TDMR_INIT, { tdmr: 0 })).toBe(T.TDX_SUCCESS);
    expect(sc(0, L.TDH_SYS_TDMR_INIT, { tdmr: 0 })).toBe(T.TDX_TDMR_ALREADY_INITIALIZED);
    expect(tdx.allTdmrsInitialized(m)).toBe(true);
    expect(sc(0, L.TDH_VP_ENTER)).toBe(T.TDX_SUCCESS);
    expect(tdx.seamcall(m, 0, L.TDH_VP_ENTER, { vmxOn: false })).toBe(T.TDX_SEAMCALL_UD);
  });

  test('shutdown, install, update; DISABLE; not-ready and shutdown answers', () => {
    const { tdx, m, sc } = harness(2, 1);
    expect(sc(0, L.TDH_VP_ENTER)).toBe(T.TDX_SYS_NOT_READY);
    sc(0, L.TDH_SYS_INIT);
    sc(0, L.TDH_SYS_LP_INIT);
    sc(1, L.TDH_SYS_LP_INIT);
    sc(0, L.TDH_SYS_CONFIG, { tdmrs: 1 });
    sc(0, L.TDH_SYS_KEY_CONFIG);
    expect(sc(0, L.TDH_SYS_SHUTDOWN, { compatSensitive: true })).toBe(T.TDX_UPDATE_COMPAT_SENSITIVE);
    expect(sc(0, L.TDH_SYS_SHUTDOWN)).toBe(T.TDX_SUCCESS);
    expect(sc(0, L.TDH_SYS_INIT)).toBe(T.TDX_SYS_SHUTDOWN);
    tdx.install(m);
    expect(sc(0, L.TDH_SYS_UPDATE)).toBe(T.TDX_SYS_LP_INIT_NOT_DONE);
    sc(0, L.TDH_SYS_INIT);
    sc(0, L.TDH_SYS_LP_INIT);
    expect(sc(0, L.TDH_SYS_UPDATE)).toBe(T.TDX_SYS_STATE_INCORRECT); // LP 1 not initialized in the new module
    sc(1, L.TDH_SYS_LP_INIT);
    expect(sc(0, L.TDH_SYS_UPDATE)).toBe(T.TDX_SUCCESS);
    expect(m.sys_state).toBe(SysState.SYS_READY);
    expect(sc(0, L.TDH_SYS_UPDATE)).toBe(T.TDX_SYS_STATE_INCORRECT);
    expect(sc(0, L.TDH_SYS_DISABLE)).toBe(T.TDX_SUCCESS);
    expect(m.sys_state).toBe(SysState.SYSINIT_PENDING);
    expect(() => sc(0, L.SEAMLDR_INSTALL)).toThrow(/not a TDX module leaf/);
  });

  test('all_lps_required off: CONFIG with one LP initialized', () => {
    const { sc } = harness(2, 1, { allLpsRequired: false });
    sc(0, L.TDH_SYS_INIT);
    sc(0, L.TDH_SYS_LP_INIT);
    expect(sc(0, L.TDH_SYS_CONFIG, { tdmrs: 1 })).toBe(T.TDX_SUCCESS);
  });

  test('global lock: exclusive leaves exclude everyone, LP.INIT only exclusive holders', () => {
    const { tdx } = harness(3, 1);
    const cpus = (...inSeam: number[]) => ({ length: inSeam.length, at: (i: number) => ({ inSeam: inSeam[i]! }) });
    expect(tdx.busy(cpus(L.TDH_SYS_KEY_CONFIG, L.NONE, L.NONE), 1, L.TDH_SYS_KEY_CONFIG)).toBe(true);
    expect(tdx.busy(cpus(L.TDH_SYS_LP_INIT, L.NONE, L.NONE), 1, L.TDH_SYS_LP_INIT)).toBe(false);
    expect(tdx.busy(cpus(L.TDH_SYS_LP_INIT, L.NONE, L.NONE), 1, L.TDH_SYS_CONFIG)).toBe(true);
    expect(tdx.busy(cpus(L.TDH_SYS_INIT, L.NONE, L.NONE), 1, L.TDH_SYS_LP_INIT)).toBe(true);
    expect(tdx.busy(cpus(L.TDH_SYS_KEY_CONFIG, L.NONE, L.NONE), 0, L.TDH_SYS_KEY_CONFIG)).toBe(false);
  });

  test('try_init_module_global caches the first result, failure included', () => {
    const { tdx, m } = harness(2, 1);
    const k = { sysinit_done: false, sysinit_ret: Errno['0'] };
    expect(tryInitModuleGlobal(k, tdx, m, 0, true, T.TDX_OPERAND_INVALID)).toBe(Errno['-EIO']);
    expect(tryInitModuleGlobal(k, tdx, m, 1, true)).toBe(Errno['-EIO']);
    expect(m.sys_state).toBe(SysState.SYSINIT_PENDING);
    const k2 = { sysinit_done: false, sysinit_ret: Errno['0'] };
    expect(tryInitModuleGlobal(k2, tdx, m, 0, false)).toBe(Errno['-EACCES']);
  });
});

test('topology and symmetry ranges', () => {
  expect(topology(5, 2).cpusOf).toEqual([
    [0, 1, 2],
    [3, 4],
  ]);
  expect(cpuSymmetry(topology(5, 2), [0])).toEqual([
    { index: 'cpu', from: 1, to: 3 },
    { index: 'cpu', from: 3, to: 5 },
  ]);
  expect(cpuSymmetry(topology(4, 2), [0, 3])).toEqual([]);
  expect(() => topology(1, 2)).toThrow(RangeError);
});

describe('TDMR/PAMT construction and the module checks', () => {
  const layout = (regions: Region[], maxTdmrs = 8, maxReservedPerTdmr = 16) => ({
    name: 't',
    regions,
    cmrs: cmrsFor(regions),
    maxTdmrs,
    maxReservedPerTdmr,
    maxPa: 8 * GiB,
  });
  const rs: Region[] = [
    { start: 0, end: 1536 * MiB, kind: 'boot' },
    { start: 4 * GiB, end: 5 * GiB, kind: 'boot' },
  ];
  const all = buildTdxMemlist(rs, [true, true]);

  test('construct_tdmrs output passes TDH.SYS.CONFIG and covers the memlist', () => {
    const c = constructTdmrs(all, all, layout(rs));
    if (!c.ok) throw new Error(c.why);
    expect(c.tdmrs.map((t) => [t.base / GiB, t.size / GiB])).toEqual([
      [0, 2],
      [4, 1],
    ]);
    expect(all[0]!.start).toBe(MiB); // the first 1 MiB is not TDX memory
    expect(tdmrConfigError(c.tdmrs, layout(rs))).toBeUndefined();
    expect(coverageError(c.tdmrs, all)).toBeUndefined();
  });

  test('limits: TDMRs exhausted and too many reserved areas', () => {
    expect(constructTdmrs(all, all, layout(rs, 1))).toMatchObject({ ok: false, errno: '-ENOSPC', why: 'TDMRs exhausted' });
    expect(constructTdmrs(all, all, layout(rs, 8, 2))).toMatchObject({ ok: false, errno: '-ENOSPC', why: 'too many TDMR reserved areas' });
    expect(constructTdmrs(all, [], layout(rs))).toMatchObject({ ok: false, errno: '-ENOMEM' });
  });

  test('the checks catch broken lists', () => {
    const c = constructTdmrs(all, all, layout(rs));
    if (!c.ok) throw new Error(c.why);
    const [t0, t1] = c.tdmrs;
    expect(tdmrConfigError([t1!, t0!], layout(rs))).toMatch(/not sorted/);
    expect(tdmrConfigError([{ ...t0!, base: t0!.base + MiB }], layout(rs))).toMatch(/1 GiB/);
    expect(tdmrConfigError([{ ...t0!, reserved: t0!.reserved.slice(1) }], layout(rs))).toMatch(/CMR|PAMT overlaps/);
    expect(tdmrConfigError([{ ...t0!, pamt: { start: t0!.pamt.start, end: t0!.pamt.start + 4096 } }], layout(rs))).toMatch(/too small/);
    // the kernel built its memlist without skipping the first 1 MiB: TDMR 0 then holds non-convertible memory
    const raw = [{ start: 0, end: 1536 * MiB }, all[1]!];
    const bad = constructTdmrs(raw, raw, layout(rs));
    if (!bad.ok) throw new Error(bad.why);
    expect(tdmrConfigError(bad.tdmrs, layout(rs))).toMatch(/PAMT lies outside every CMR/);
    expect(coverageError([t0!], all)).toMatch(/not covered/);
  });
});
