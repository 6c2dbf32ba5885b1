// The TDX module versions the environment may boot or update to, as CPUID bit kinds. BASE is the
// module userspace was written against; the others drift from it the two ways seed 004 names:
// a fixed bit changes value ("something goes from fixed 1 to fixed 0"), and "more CPUID bits
// become configurable".

import type { CpuidBitKind } from '../../model/cpuid.js';

export interface CpuidLayout {
  readonly configurable: number;
  readonly fixed0: number;
  readonly fixed1: number;
  readonly native: number;
}

export interface ModuleVersion {
  readonly name: string;
  readonly kinds: readonly CpuidBitKind[];
}

export interface Drift {
  /** The first fixed-0 bit becomes fixed-1 and the first fixed-1 bit fixed-0. */
  readonly flipFixed: boolean;
  /** The last fixed-1 bit becomes configurable. */
  readonly moreConfigurable: boolean;
}

/** Bits in order: configurable, fixed-0, fixed-1, native. */
export function baseKinds(l: CpuidLayout): CpuidBitKind[] {
  return [
    ...Array<CpuidBitKind>(l.configurable).fill('configurable'),
    ...Array<CpuidBitKind>(l.fixed0).fill('fixed0'),
    ...Array<CpuidBitKind>(l.fixed1).fill('fixed1'),
    ...Array<CpuidBitKind>(l.native).fill('native'),
  ];
}

/** Names for traces: each bit by its kind in BASE (`fixed1_0` is BASE's first fixed-1 bit). */
export function bitNames(l: CpuidLayout): string[] {
  const run = (kind: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${kind}_${i}`);
  return [...run('configurable', l.configurable), ...run('fixed0', l.fixed0), ...run('fixed1', l.fixed1), ...run('native', l.native)];
}

/** BASE first, then each drifted version that differs from every earlier one. */
export function moduleVersions(l: CpuidLayout, d: Drift): ModuleVersion[] {
  const base = baseKinds(l);
  const firstFixed0 = l.configurable;
  const firstFixed1 = l.configurable + l.fixed0;
  const lastFixed1 = firstFixed1 + l.fixed1 - 1;
  const out: ModuleVersion[] = [{ name: 'BASE', kinds: base }];
  const add = (name: string, kinds: CpuidBitKind[]): void => {
    if (!out.some((m) => m.kinds.every((k, b) => k === kinds[b]))) out.push({ name, kinds });
  };
  if (d.flipFixed) {
    const kinds = [...base];
    if (l.fixed0 > 0) kinds[firstFixed0] = 'fixed1';
    if (l.fixed1 > 0) kinds[firstFixed1] = 'fixed0';
    add('FIXED_FLIPPED', kinds);
  }
  if (d.moreConfigurable && l.fixed1 > 0) {
    const kinds = [...base];
    kinds[lastFixed1] = 'configurable';
    add('MORE_CONFIGURABLE', kinds);
  }
  return out;
}

export const sameConfigurable = (a: ModuleVersion, b: ModuleVersion): boolean =>
  a.kinds.every((k, i) => (k === 'configurable') === (b.kinds[i] === 'configurable'));
