// The platforms the init spec runs on: named memory layouts, the layout family, and what
// construct_tdmrs() and TDH.SYS.CONFIG make of a layout for each set of regions that can be
// present and online when init_tdx_module() builds its memlist.

import {
  GiB,
  MiB,
  buildTdxMemlist,
  cmrsFor,
  constructTdmrs,
  coverageError,
  familyLayout,
  layoutFamily,
  tdmrConfigError,
  type Layout,
  type Range,
  type Region,
  type Tdmr,
} from '../../model/memory.js';

export const LAYOUTS = ['family', 'small'] as const;
export type LayoutChoice = (typeof LAYOUTS)[number];

/** The most regions a layout here has: the state holds one memory state per region. */
export const MAX_REGIONS = 3;

const SMALL: Region[] = [
  { start: 0, end: 1536 * MiB, kind: 'boot' },
  { start: 2 * GiB, end: 3 * GiB, kind: 'movable' },
  { start: 4 * GiB, end: 4608 * MiB, kind: 'hotplug' },
];

/**
 * The family: every layout of 1..3 regions on a 512 MiB grid in 8 GiB, the first boot memory,
 * the second (if any) movable, the third (if any) hot-pluggable, with max_tdmrs = 3 and
 * max_reserved_per_tdmr = 4 so that both limits can be hit.
 */
export const FAMILY = {
  space: 8 * GiB,
  grid: 512 * MiB,
  maxRegions: MAX_REGIONS,
  maxTdmrs: 3,
  maxReservedPerTdmr: 4,
  kinds: (n: number) => (['boot', 'movable', 'hotplug'] as const).slice(0, n),
} as const;

/** What the module makes of the TDMR list TDH.SYS.CONFIG passes (I7, I8). */
export interface Passed {
  /** I7: the first TDH.SYS.CONFIG rule the passed list breaks, if any. */
  readonly configError: string | undefined;
  /** I8: TDX memory the passed TDMRs leave uncovered, if any. */
  readonly coverageError: string | undefined;
}

/**
 * alloc_tdmr_list() zeroes the list (__GFP_ZERO): an entry construct_tdmrs() did not fill is
 * base 0, size 0, no PAMT, which the module rejects.
 */
const ZEROED_TDMR: Tdmr = { base: 0, size: 0, pamt: { start: 0, end: 0 }, reserved: [] };

/** What the kernel and module make of one (present, online) set of regions at init time. */
export interface Outcome {
  /** construct_tdmrs()'s result: 0 or the -errno name. */
  readonly errno: '0' | '-ENOSPC' | '-ENOMEM';
  readonly tdmrs: number;
  /** I7: the first TDH.SYS.CONFIG rule the list breaks, if any; when construct_tdmrs() failed, that there is no list to pass. */
  readonly configError: string | undefined;
  /** I8: TDX memory the TDMRs leave uncovered, if any. */
  readonly coverageError: string | undefined;
}

export class Platform {
  private readonly memo = new Map<number, Outcome>();
  private readonly lists = new Map<number, { memlist: Range[]; tdmrs: readonly Tdmr[] }>();
  private readonly passedMemo = new Map<number, Passed>();
  constructor(readonly layout: Layout) {}

  /**
   * The module's view of TDH.SYS.CONFIG when the kernel passes the first `count` entries of the
   * list construct_tdmrs() built for (present, online) (config_tdx_module(): RDX =
   * nr_consumed_tdmrs): checked against the module's rules and the memlist, not the kernel's count.
   */
  passed(present: number, online: number, count: number): Passed {
    const key = (present * 64 + online) * 128 + count;
    let r = this.passedMemo.get(key);
    if (r === undefined) {
      this.outcome(present, online);
      const l = this.lists.get(present * 64 + online)!;
      const tdmrs = Array.from({ length: count }, (_, i) => l.tdmrs[i] ?? ZEROED_TDMR);
      r = { configError: tdmrConfigError(tdmrs, this.layout), coverageError: coverageError(tdmrs, l.memlist) };
      this.passedMemo.set(key, r);
    }
    return r;
  }

  /** Bit r of `present`/`online`: region r is in memblock / online when build_tdx_memlist() runs. */
  outcome(present: number, online: number): Outcome {
    const key = present * 64 + online;
    let o = this.memo.get(key);
    if (o === undefined) {
      const rs = this.layout.regions;
      const memlist = buildTdxMemlist(
        rs,
        rs.map((_, i) => ((present >> i) & 1) === 1),
      );
      // alloc_contig_pages() takes PAMTs from online, unmovable memory
      const pool = buildTdxMemlist(
        rs,
        rs.map((r, i) => r.kind === 'boot' && ((online >> i) & 1) === 1),
      );
      const c = constructTdmrs(memlist, pool, this.layout);
      this.lists.set(key, { memlist, tdmrs: c.ok ? c.tdmrs : [] });
      o = c.ok
        ? { errno: '0', tdmrs: c.tdmrs.length, configError: tdmrConfigError(c.tdmrs, this.layout), coverageError: coverageError(c.tdmrs, memlist) }
        : { errno: c.errno, tdmrs: 0, configError: `construct_tdmrs() failed: ${c.why}`, coverageError: undefined };
      this.memo.set(key, o);
    }
    return o;
  }

  /** Every (present, online) set init can see: boot regions online, movable ones either way, hot-plug ones absent, offline or online. */
  initSets(): [number, number][] {
    const rs = this.layout.regions;
    const out: [number, number][] = [];
    // an array, not a generator: the family asks every layout (see platforms())
    const walk = (i: number, present: number, online: number): void => {
      if (i === rs.length) {
        out.push([present, online]);
        return;
      }
      const bit = 1 << i;
      if (rs[i]!.kind === 'hotplug') walk(i + 1, present, online);
      if (rs[i]!.kind !== 'boot') walk(i + 1, present | bit, online);
      walk(i + 1, present | bit, online | bit);
    };
    walk(0, 0, 0);
    return out;
  }

  /** The behaviour the state machine can see: the outcome for every set init can see. */
  signature(): string {
    const parts: string[] = [String(this.layout.regions.length)];
    for (const [p, o] of this.initSets()) {
      const r = this.outcome(p, o);
      parts.push(`${p}/${o}:${r.errno},${r.tdmrs},${r.configError === undefined},${r.coverageError === undefined}`);
    }
    return parts.join(' ');
  }
}

/**
 * The family's distinct behaviours: for each signature, the grid runs of its first layout in
 * layoutFamily() order, as familyBehaviours() finds them. Kept as data because finding them
 * walks the whole family, which every check (and every worker) would pay for before its first
 * state; test/init.test.ts recomputes them, so a change to model/memory.ts that changes them fails there.
 */
export const FAMILY_BEHAVIOURS: readonly (readonly (readonly [number, number])[])[] = [
  [[0, 1]],
  [
    [0, 1],
    [2, 3],
  ],
  [
    [0, 1],
    [2, 3],
    [4, 5],
  ],
  [
    [0, 2],
    [3, 4],
    [5, 6],
  ],
];

/** The grid runs of the first layout of each signature in the family: what FAMILY_BEHAVIOURS must hold. */
export function familyBehaviours(): [number, number][][] {
  const seen = new Map<string, [number, number][]>();
  for (const l of layoutFamily(FAMILY)) {
    const sig = new Platform(l).signature();
    if (!seen.has(sig))
      seen.set(
        sig,
        l.regions.map((r) => [r.start / FAMILY.grid, r.end / FAMILY.grid]),
      );
  }
  return [...seen.values()];
}

const computed = new Map<LayoutChoice, Platform[]>();

/**
 * The platforms a check runs on. 'family' keeps one layout per distinct behaviour (signature):
 * two layouts with the same outcome for every set of regions are the same to the state machine.
 */
export function platforms(choice: LayoutChoice): Platform[] {
  let p = computed.get(choice);
  if (p === undefined) computed.set(choice, (p = computePlatforms(choice)));
  return p;
}

function computePlatforms(choice: LayoutChoice): Platform[] {
  switch (choice) {
    case 'small': // the module's real limits: nothing overflows
      return [new Platform({ name: 'small', regions: SMALL, cmrs: cmrsFor(SMALL), maxTdmrs: 64, maxReservedPerTdmr: 16, maxPa: 8 * GiB })];
    case 'family':
      return FAMILY_BEHAVIOURS.map((runs) => new Platform(familyLayout(FAMILY, runs)));
  }
}
