// Symmetry reduction must not change what a spec shows: for every configuration whose model
// declares interchangeable actors, the verdict, the violated property and the shortest trace's
// length are the same with and without --symmetry. This also checks that each spec's symmetry
// declaration is sound. (Configurations that declare no symmetry have nothing to compare.)

import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { CompiledModel } from '../checker/compiled.js';
import { checkParams } from '../checker/params.js';
import { replay } from '../checker/trace.js';
import { specs } from '../specs/index.js';

const cases = specs.flatMap((spec) =>
  (spec.expectations ?? []).flatMap((e) => {
    const p = checkParams(spec.params, e.params);
    if (!p.ok) throw new Error(`${spec.name}/${e.name}: ${p.error}`);
    const model = spec.build(p.params);
    return (model.symmetry?.length ?? 0) > 0 ? [{ name: `${spec.name}: ${e.name}`, model, options: e.options }] : [];
  }),
);

describe('symmetry keeps every verdict of every spec', () => {
  it('covers the specs that declare symmetry', () => {
    expect(new Set(cases.map((c) => c.name.split(':')[0]))).toEqual(new Set(['lockstep', 'cpuid', 'init', 'update']));
  });

  for (const c of cases) {
    it(c.name, () => {
      const cm = new CompiledModel(c.model);
      const opts = {
        ...(c.options?.maxDepth === undefined ? {} : { maxDepth: c.options.maxDepth }),
        ...(c.options?.maxStates === undefined ? {} : { maxStates: c.options.maxStates }),
      };
      // Symmetry reduces the safety search; liveness is checked without it (and skipped with it).
      const plain = check(cm, { ...opts, liveness: false });
      const reduced = check(cm, { ...opts, symmetry: true });
      expect(reduced.stats.distinctStates).toBeLessThanOrEqual(plain.stats.distinctStates);
      expect([reduced.verdict, reduced.violation?.property.name, reduced.violation?.trace.length]).toEqual([
        plain.verdict,
        plain.violation?.property.name,
        plain.violation?.trace.length,
      ]);
      if (reduced.violation) expect(replay(cm, reduced.violation.trace).ok).toBe(true);
    });
  }
});
