// Memory layout as data: RAM regions, CMRs and the module's TDMR limits, the kernel's TDMR/PAMT
// construction (construct_tdmrs() in tdx.c [KUP]) and the module's TDH.SYS.CONFIG checks
// (tdh_sys_config.c) as pure functions, and a parameterised family of small layouts.
// Addresses are bytes; every layout here fits well inside 2^53.

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
const PAGE = 4 * KiB;
const TDMR_ALIGN = GiB;

export interface Range {
  readonly start: number;
  readonly end: number;
}

/**
 * boot: in memblock and online at boot, never offlined (the page allocator's unmovable memory,
 * where alloc_contig_pages() finds PAMTs). movable: in memblock at boot, online in ZONE_MOVABLE,
 * may be offlined and onlined again. hotplug: absent at boot, ACPI hot-add (add_memory()) later.
 */
export type RegionKind = 'boot' | 'movable' | 'hotplug';

export interface Region extends Range {
  readonly kind: RegionKind;
}

export interface Layout {
  readonly name: string;
  /** Sorted, disjoint and not adjacent (memblock merges adjacent ranges). */
  readonly regions: readonly Region[];
  /** Convertible Memory Regions the module reports. */
  readonly cmrs: readonly Range[];
  /** TDX module metadata: max_tdmrs and max_reserved_per_tdmr. */
  readonly maxTdmrs: number;
  readonly maxReservedPerTdmr: number;
  /** TDMRs must end at or below this (the HKID bits of their addresses zero). */
  readonly maxPa: number;
}

export interface Tdmr {
  readonly base: number;
  readonly size: number;
  /** The three PAMTs (4K, 2M, 1G), allocated as one physically contiguous chunk. */
  readonly pamt: Range;
  readonly reserved: readonly Range[];
}

export type Construction =
  { readonly ok: true; readonly tdmrs: readonly Tdmr[] } | { readonly ok: false; readonly errno: '-ENOSPC' | '-ENOMEM'; readonly why: string };

/** Bytes of PAMT entry per 4K, 2M and 1G page (metadata pamt_*_entry_size); 16 B per 4 KiB gives the ~1/256 of [S1]. */
const PAMT_ENTRY_SIZE = [16, 16, 16] as const;
const PAGE_SIZES = [4 * KiB, 2 * MiB, GiB] as const;

const alignDown = (x: number, a: number): number => Math.floor(x / a) * a;
const alignUp = (x: number, a: number): number => Math.ceil(x / a) * a;
const end = (t: Tdmr): number => t.base + t.size;

/** build_tdx_memlist(): every memblock region (boot, movable, hot-added before init) minus the first 1 MiB. */
export function buildTdxMemlist(regions: readonly Region[], present: readonly boolean[]): Range[] {
  const out: Range[] = [];
  regions.forEach((r, i) => {
    if (!present[i]) return;
    const start = Math.max(r.start, MiB); // the first 1 MiB is never TDX memory (not convertible)
    if (start < r.end) out.push({ start, end: r.end });
  });
  return out;
}

/** tdmr_get_pamt_sz() summed over the three page sizes: each part page-aligned. */
export function pamtSize(tdmrSize: number): number {
  let s = 0;
  for (let i = 0; i < 3; i++) s += alignUp((tdmrSize / PAGE_SIZES[i]!) * PAMT_ENTRY_SIZE[i]!, PAGE);
  return s;
}

/**
 * construct_tdmrs(): fill_out_tdmrs() (one TDMR per memory region, 1 GiB-aligned, skipping what
 * the previous TDMR covers), tdmrs_set_up_pamt_all() and tdmrs_populate_rsvd_areas_all().
 * `pamtPool` is the memory alloc_contig_pages() may use: online unmovable TDX memory. The PAMT
 * goes to the lowest address that fits (a simplification of the zone scan; no NUMA nodes).
 * `pamtBytes` is the kernel's size computation (a test passes a wrong one).
 */
export function constructTdmrs(
  memlist: readonly Range[],
  pamtPool: readonly Range[],
  layout: Layout,
  pamtBytes: (tdmrSize: number) => number = pamtSize,
): Construction {
  // fill_out_tdmrs()
  const spans: { base: number; size: number }[] = [];
  for (const b of memlist) {
    let start = alignDown(b.start, TDMR_ALIGN);
    const stop = alignUp(b.end, TDMR_ALIGN);
    const last = spans[spans.length - 1];
    if (last) {
      if (stop <= last.base + last.size) continue;
      if (start < last.base + last.size) start = last.base + last.size;
    }
    if (spans.length === layout.maxTdmrs) return { ok: false, errno: '-ENOSPC', why: 'TDMRs exhausted' };
    spans.push({ base: start, size: stop - start });
  }

  // tdmrs_set_up_pamt_all(): one contiguous chunk per TDMR
  const used: Range[] = [];
  const pamts: Range[] = [];
  for (const t of spans) {
    const size = pamtBytes(t.size);
    const at = firstFit(pamtPool, used, size);
    if (at === undefined) return { ok: false, errno: '-ENOMEM', why: `no ${size} contiguous bytes for a PAMT` };
    const p = { start: at, end: at + size };
    used.push(p);
    pamts.push(p);
  }

  // tdmrs_populate_rsvd_areas_all(): holes not covered by TDX memory, then PAMTs inside the TDMR
  const tdmrs: Tdmr[] = [];
  for (let i = 0; i < spans.length; i++) {
    const t = spans[i]!;
    const tEnd = t.base + t.size;
    const reserved: Range[] = [];
    let prevEnd = t.base;
    for (const b of memlist) {
      if (b.start >= tEnd) break;
      if (b.end < t.base) continue;
      if (b.start <= prevEnd) {
        prevEnd = b.end;
        continue;
      }
      reserved.push({ start: prevEnd, end: b.start });
      prevEnd = b.end;
    }
    if (prevEnd < tEnd) reserved.push({ start: prevEnd, end: tEnd });
    // tdmr_populate_rsvd_pamts(): the part of any PAMT inside this TDMR, clipped to it
    for (const p of pamts) if (p.end > t.base && p.start < tEnd) reserved.push({ start: Math.max(p.start, t.base), end: Math.min(p.end, tEnd) });
    if (reserved.length > layout.maxReservedPerTdmr) return { ok: false, errno: '-ENOSPC', why: 'too many TDMR reserved areas' };
    reserved.sort((a, b) => a.start - b.start);
    tdmrs.push({ base: t.base, size: t.size, pamt: pamts[i]!, reserved });
  }
  return { ok: true, tdmrs };
}

function firstFit(pool: readonly Range[], used: readonly Range[], size: number): number | undefined {
  for (const r of pool) {
    let at = alignUp(r.start, PAGE);
    for (;;) {
      if (at + size > r.end) break;
      const clash = used.find((u) => u.start < at + size && at < u.end);
      if (!clash) return at;
      at = alignUp(clash.end, PAGE);
    }
  }
  return undefined;
}

/** `a` minus the union of `cut`, as sorted ranges. */
function subtract(a: readonly Range[], cut: readonly Range[]): Range[] {
  let out: Range[] = a.slice();
  for (const c of cut) {
    let next: Range[] | undefined;
    for (let i = 0; i < out.length; i++) {
      const r = out[i]!;
      if (c.end <= r.start || c.start >= r.end) {
        next?.push(r);
        continue;
      }
      // the first range `c` cuts: copy the untouched ones before it only now
      next ??= out.slice(0, i);
      if (r.start < c.start) next.push({ start: r.start, end: c.start });
      if (c.end < r.end) next.push({ start: c.end, end: r.end });
    }
    if (next !== undefined) out = next;
  }
  return out;
}

const aligned = (x: number, a: number): boolean => x % a === 0;

/**
 * The module's PAMT size rule (tdh_sys_config.c), stated apart from the kernel's pamtSize() so
 * that a wrong kernel computation is caught: one 16-byte entry per 4 KiB, per 2 MiB and per
 * 1 GiB page of the TDMR, each of the three PAMTs a whole number of 4 KiB pages.
 */
function modulePamtMinimum(tdmrSize: number): number {
  const pages4k = (bytes: number): number => Math.ceil(bytes / 4096) * 4096;
  return pages4k((tdmrSize / 0x1000) * 16) + pages4k((tdmrSize / 0x200000) * 16) + pages4k((tdmrSize / 0x40000000) * 16);
}
const overlap = (a: Range, b: Range): boolean => a.start < b.end && b.start < a.end;
const nonReserved = (t: Tdmr): Range[] => subtract([{ start: t.base, end: end(t) }], t.reserved);

/**
 * TDH.SYS.CONFIG's checks on the TDMR list (I7; tdh_sys_config.c): the first rule broken, or
 * undefined when the module would accept the list.
 */
export function tdmrConfigError(tdmrs: readonly Tdmr[], layout: Layout): string | undefined {
  if (tdmrs.length < 1 || tdmrs.length > layout.maxTdmrs) return `${tdmrs.length} TDMRs, not 1..max_tdmrs=${layout.maxTdmrs}`;
  const free = tdmrs.map(nonReserved);
  for (let i = 0; i < tdmrs.length; i++) {
    const t = tdmrs[i]!;
    // built only for a broken rule: most lists pass
    const name = (): string => `TDMR[${i}] [${hex(t.base)}, ${hex(end(t))})`;
    if (t.size <= 0 || !aligned(t.base, TDMR_ALIGN) || !aligned(t.size, TDMR_ALIGN)) return `${name()} is not 1 GiB-aligned`;
    if (end(t) > layout.maxPa) return `${name()} lies above the maximum physical address`;
    if (i > 0 && t.base < end(tdmrs[i - 1]!)) return `${name()} is not sorted after, or overlaps, the previous TDMR`;
    if (t.reserved.length > layout.maxReservedPerTdmr) return `${name()} has more than max_reserved_per_tdmr reserved areas`;
    for (let j = 0; j < t.reserved.length; j++) {
      const r = t.reserved[j]!;
      if (r.end <= r.start || !aligned(r.start, PAGE) || !aligned(r.end, PAGE)) return `${name()} reserved area ${j} is not 4 KiB-aligned`;
      if (r.start < t.base || r.end > end(t)) return `${name()} reserved area ${j} lies outside the TDMR`;
      if (j > 0 && r.start < t.reserved[j - 1]!.end) return `${name()} reserved areas are not sorted and disjoint`;
    }
    const p = t.pamt;
    if (!aligned(p.start, PAGE) || !aligned(p.end, PAGE)) return `${name()} PAMT is not 4 KiB-aligned`;
    if (p.end - p.start < modulePamtMinimum(t.size)) return `${name()} PAMT is too small`;
    if (subtract([p], layout.cmrs).length > 0) return `${name()} PAMT lies outside every CMR`;
    for (let k = 0; k < i; k++) if (overlap(p, tdmrs[k]!.pamt)) return `${name()} PAMT overlaps the PAMT of TDMR[${k}]`;
    for (const areas of free) for (const area of areas) if (overlap(p, area)) return `${name()} PAMT overlaps a non-reserved area`;
    if (subtract(free[i]!, layout.cmrs).length > 0) return `${name()} has a non-reserved area outside every CMR`;
  }
  return undefined;
}

/**
 * I8: the TDX memory blocks, apart from the PAMTs carved out of them, lie inside the TDMRs'
 * non-reserved areas: all memory handed to the page allocator is usable by TDs.
 */
export function coverageError(tdmrs: readonly Tdmr[], memlist: readonly Range[]): string | undefined {
  const left = subtract(
    subtract(
      memlist,
      tdmrs.map((t) => t.pamt),
    ),
    tdmrs.flatMap(nonReserved),
  );
  return left.length === 0 ? undefined : `TDX memory [${hex(left[0]!.start)}, ${hex(left[0]!.end)}) is not covered by a TDMR`;
}

const hex = (x: number): string => '0x' + x.toString(16);

/** CMRs as a BIOS reports them for these regions: all RAM convertible except the first 1 MiB (digest 3.4). */
export function cmrsFor(regions: readonly Range[]): Range[] {
  return regions.map((r) => ({ start: Math.max(r.start, MiB), end: r.end })).filter((r) => r.start < r.end);
}

export interface FamilySpec {
  /** Physical address space the regions lie in. */
  readonly space: number;
  /** Region boundaries lie on this grid. */
  readonly grid: number;
  readonly maxRegions: number;
  readonly maxTdmrs: number;
  readonly maxReservedPerTdmr: number;
  /** The kinds of a layout's regions, by position, given how many it has. Default: all boot. */
  readonly kinds?: (count: number) => readonly RegionKind[];
}

/** The family's layout whose regions span grid cells [a, b) of each run, in order. */
export function familyLayout(f: FamilySpec, runs: readonly (readonly [number, number])[]): Layout {
  const kinds = (f.kinds ?? ((n: number) => Array<RegionKind>(n).fill('boot')))(runs.length);
  const regions: Region[] = runs.map(([a, b], i) => ({ start: a * f.grid, end: b * f.grid, kind: kinds[i]! }));
  const name = regions.map((r) => `${r.kind}[${r.start / MiB}M,${r.end / MiB}M)`).join(' ');
  return { name, regions, cmrs: cmrsFor(regions), maxTdmrs: f.maxTdmrs, maxReservedPerTdmr: f.maxReservedPerTdmr, maxPa: f.space };
}

/** Every layout of 1..maxRegions regions on the grid: disjoint, not adjacent, ascending. */
export function layoutFamily(f: FamilySpec): Layout[] {
  const cells = Math.floor(f.space / f.grid);
  const out: Layout[] = [];
  const walk = (from: number, runs: [number, number][]): void => {
    if (runs.length > 0) out.push(familyLayout(f, runs));
    if (runs.length === f.maxRegions) return;
    // the next region starts after a gap of at least one cell (none before the first)
    for (let a = runs.length === 0 ? 0 : from + 1; a < cells; a++) {
      for (let b = a + 1; b <= cells; b++) walk(b, [...runs, [a, b]]);
    }
  };
  walk(0, []);
  return out;
}
