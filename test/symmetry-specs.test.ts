// Symmetry reduction must not change what a spec shows: for every configuration a spec
// declares, the verdict, the violated property and the shortest trace's length are the same
// with and without --symmetry. This also checks each spec's symmetry declaration is sound.

import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { CompiledModel } from '../checker/compiled.js';
import { checkParams } from '../checker/params.js';
import { replay } from '../checker/trace.js';
import { specs } from '../specs/index.js';

describe('symmetry keeps every verdict of every spec', () => {
  for (const spec of specs) {
    for (const e of spec.expectations ?? []) {
      it(`${spec.name}: ${e.name}`, () => {
        const p = checkParams(spec.params, e.params);
        if (!p.ok) throw new Error(p.error);
        const cm = new CompiledModel(spec.build(p.params));
        if ((cm.model.symmetry?.length ?? 0) === 0) return;
        const opts = { ...(e.options?.maxDepth === undefined ? {} : { maxDepth: e.options.maxDepth }), ...(e.options?.maxStates === undefined ? {} : { maxStates: e.options.maxStates }) };
        const plain = check(cm, opts);
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
  }
});
