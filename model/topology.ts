// The platform's logical CPUs and packages. Every CPU here is a platform LP (present at boot,
// counted by the module's num_of_lps); which of them are online is state, not topology.

import type { Symmetry } from '../checker/model.js';

export interface Topology {
  readonly cpus: number;
  readonly packages: number;
  /** topology_physical_package_id() of each CPU. */
  readonly pkgOf: readonly number[];
  /** The CPUs of each package, ascending. */
  readonly cpusOf: readonly (readonly number[])[];
}

/** `cpus` CPUs spread as evenly as possible over `packages` packages, each package a contiguous run. */
export function topology(cpus: number, packages: number): Topology {
  if (!Number.isInteger(cpus) || !Number.isInteger(packages) || packages < 1 || cpus < packages) {
    throw new RangeError(`topology(${cpus}, ${packages}): every package needs at least one CPU`);
  }
  const pkgOf = Array.from({ length: cpus }, (_, c) => Math.floor((c * packages) / cpus));
  const cpusOf = Array.from({ length: packages }, (_, p) => pkgOf.flatMap((q, c) => (q === p ? [c] : [])));
  return { cpus, packages, pkgOf, cpusOf };
}

/**
 * Symmetry over index 'cpu': CPUs of the same package are interchangeable, except `distinct`
 * ones that play a role of their own (the CPU calling tdx_enable, the update's lead CPU 0).
 */
export function cpuSymmetry(t: Topology, distinct: readonly number[] = []): Symmetry[] {
  const out: Symmetry[] = [];
  for (const cpus of t.cpusOf) {
    let run: number[] = [];
    const flush = (): void => {
      if (run.length > 1) out.push({ index: 'cpu', from: run[0]!, to: run[run.length - 1]! + 1 });
      run = [];
    };
    for (const c of cpus) {
      if (distinct.includes(c)) flush();
      else run.push(c);
    }
    flush();
  }
  return out;
}
