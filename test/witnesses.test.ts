// Every property can fail: each has a witness (a known-bad variant the CI gate runs, or a
// mutation of the model declared beside the spec), each mutation witness is caught by its
// property checked alone, and each spec README's witness table says so.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { caught, runWitness, witnessesOf, witnessTable } from '../checker/witness.js';
import type { Params } from '../checker/spec.js';
import { specs } from '../specs/index.js';

for (const spec of specs) {
  /** Expectation parameters by canonical name (an expectation may use an alias). */
  const canonical = (p: Params): Params =>
    Object.fromEntries(Object.entries(p).map(([k, v]) => [spec.params.find((d) => d.name === k || d.aliases?.includes(k))?.name ?? k, v]));

  describe(`${spec.name} witnesses`, () => {
    it('every declared property has a witness', () => {
      const covered = new Set(witnessesOf(spec).map((w) => w.property));
      expect(spec.properties.map((p) => p.name).filter((p) => !covered.has(p))).toEqual([]);
    });

    it('every witness names a declared property', () => {
      const declared = new Set(spec.properties.map((p) => p.name));
      expect(
        witnessesOf(spec)
          .filter((w) => !declared.has(w.property))
          .map((w) => `${w.name}: ${w.property}`),
      ).toEqual([]);
    });

    // Expectations are run by the CI gate; the mutations only here.
    for (const w of spec.witnesses ?? []) {
      it(`${w.property} catches: ${w.name}`, () => {
        const o = runWitness(spec, w);
        expect(o.error, o.error?.message).toBeUndefined();
        expect(caught(w, o), `verdict ${o.verdict}`).toBe(true);
      });
    }

    it('the CI gate reaches every enum and bool value and every int minimum in some configuration', () => {
      const configs = (spec.expectations ?? []).map((e) => ({ ...Object.fromEntries(spec.params.map((d) => [d.name, d.default])), ...canonical(e.params) }));
      const missing = spec.params.flatMap((d) => {
        const values = d.type === 'enum' ? d.values : d.type === 'bool' ? [false, true] : [d.min];
        return values.filter((v) => !configs.some((c) => c[d.name] === v)).map((v) => `${d.name}=${String(v)}`);
      });
      expect(missing).toEqual([]);
    });

    it("the README's witness table lists them", () => {
      const readme = readFileSync(new URL(`../specs/${spec.name}/README.md`, import.meta.url), 'utf8');
      const table = witnessTable(spec);
      expect(readme.includes(table), `specs/${spec.name}/README.md lacks this table:\n${table}`).toBe(true);
    });
  });
}
