// The typed spec layer: every property a model checks is one its spec declares (and the other
// way round) for every configuration CI gates, the README tables agree with the declarations,
// parameter aliases resolve to canonical names, and expectations are typed against the params.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkParams, resolveParams } from '../checker/params.js';
import { declareProperties, defineSpec, invariant, param, type Spec } from '../checker/spec.js';
import { specs } from '../specs/index.js';
import { update } from '../specs/update/spec.js';
import { buildSpec } from './support/expectation.js';

const kinds = (spec: Spec, params: Record<string, string | number | boolean>) => {
  const m = buildSpec(spec, params);
  return [
    ...m.invariants.map((p) => ({ name: p.name, kind: 'invariant', description: p.description, source: p.source })),
    ...(m.transitionProperties ?? []).map((p) => ({ name: p.name, kind: 'transition', description: p.description, source: p.source })),
    ...(m.targets ?? []).map((p) => ({ name: p.name, kind: 'target', description: p.description, source: p.source })),
    ...(m.liveness ?? []).map((p) => ({ name: p.name, kind: 'liveness', description: p.description, source: p.source })),
  ];
};
const declared = (spec: Spec) => spec.properties.map((p) => ({ name: p.name, kind: p.kind, description: p.description, source: p.source }));
const sorted = <T extends { name: string }>(xs: T[]): T[] => [...xs].sort((a, b) => a.name.localeCompare(b.name));

describe("declared properties are the model's", () => {
  for (const spec of specs) {
    // A reachability target may belong to some configurations only (a part of the model they have).
    it(`${spec.name}: defaults and every expectation`, () => {
      const targets = new Set<string>();
      for (const params of [{}, ...(spec.expectations ?? []).map((e) => e.params)]) {
        const built = kinds(spec, params);
        const declaredHere = declared(spec).filter((p) => p.kind !== 'target' || built.some((b) => b.name === p.name));
        expect(sorted(built), JSON.stringify(params)).toEqual(sorted(declaredHere));
        for (const b of built) if (b.kind === 'target') targets.add(b.name);
      }
      expect(
        declared(spec)
          .filter((p) => p.kind === 'target' && !targets.has(p.name))
          .map((p) => p.name),
      ).toEqual([]);
    });
  }

  it('a model property the spec does not declare is caught', () => {
    const P = declareProperties({ A: invariant('a holds') });
    const s = defineSpec({
      name: 't',
      description: 't',
      params: {},
      properties: P,
      build: () => ({
        schema: update.build(checkOrThrow(update)).schema,
        init: [],
        actions: [],
        invariants: [
          { ...P.A, holds: () => true },
          { name: 'B', description: 'b', holds: () => true },
        ],
        isEndState: () => true,
      }),
    });
    expect(sorted(kinds(s, {}))).not.toEqual(sorted(declared(s)));
  });
});

function checkOrThrow(spec: Spec) {
  const r = checkParams(spec.params, {});
  if (!r.ok) throw new Error(r.error);
  return r.params;
}

/** The rows of the README's first table headed `| name | kind | claim`, as [name, kind, claim]. */
function propertyTable(readme: string): string[][] | undefined {
  const lines = readme.split('\n');
  const h = lines.findIndex((l) => /^\| name \| kind \| claim \|/.test(l));
  if (h < 0) return undefined;
  const rows: string[][] = [];
  for (let i = h + 2; i < lines.length && lines[i]!.startsWith('|'); i++)
    rows.push(
      lines[i]!.split(/(?<!\\)\|/)
        .slice(1, 4)
        .map((c) => c.trim().replace(/\\\|/g, '|')),
    );
  return rows;
}

describe('README property tables match the declarations', () => {
  for (const spec of specs) {
    const url = new URL('README.md', spec.file);
    let readme: string;
    try {
      readme = readFileSync(url, 'utf8');
    } catch {
      continue;
    }
    const table = propertyTable(readme);
    if (table === undefined) continue;
    it(spec.name, () => {
      expect(table).toEqual(spec.properties.map((p) => [p.name, p.kind, p.description]));
    });
  }
});

describe('parameter names', () => {
  it('are snake_case', () => {
    for (const spec of specs) for (const p of spec.params) expect(p.name, spec.name).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it('an alias sets the canonical parameter; set twice under two names is refused', () => {
    const r = resolveParams(update.params, ['tdBuild=false']);
    expect(r.ok && r.params['td_build']).toBe(false);
    expect(r.ok && 'tdBuild' in r.params).toBe(false);
    expect(resolveParams(update.params, ['tdBuild=false', 'td_build=true'])).toEqual({ ok: false, error: 'parameter td_build set twice' });
    expect(resolveParams(update.params, ['tdbuild=false'])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^unknown parameter 'tdbuild' \(known: .*td_build/),
    });
    const e = checkParams(update.params, { allLps: false, slotCheck: false, versionCheck: false });
    expect(e.ok && [e.params['all_lps'], e.params['slot_check'], e.params['version_check']]).toEqual([false, false, false]);
  });

  it('build refuses parameters that were not validated, naming the parameter', () => {
    expect(() => update.build({})).toThrow(/spec update: parameter cpus:/);
    expect(() => update.build({ ...checkOrThrow(update), era: 'rfc2' })).toThrow(/parameter era: 'rfc2' is not one of merged, rfc/);
  });

  it('expectations and build are typed by the declared parameters', () => {
    const s = defineSpec({
      name: 't',
      description: 't',
      params: { n: param.int(1, 3, 1, 'n'), era: param.oneOf(['a', 'b'], 'a', 'era'), on: param.bool(true, 'on', { aliases: ['On'] }) },
      properties: {},
      build: (p) => {
        const n: number = p.n;
        const era: 'a' | 'b' = p.era;
        const on: boolean = p.on;
        return { schema: update.build(checkOrThrow(update)).schema, init: [], actions: [], invariants: [], isEndState: () => n > 0 && era === 'a' && on };
      },
      expectations: [
        { name: 'ok', params: { n: 2, era: 'b', On: false }, expect: { verdict: 'pass' } },
        // @ts-expect-error a parameter the spec does not declare
        { name: 'typo', params: { m: 2 }, expect: { verdict: 'pass' } },
        // @ts-expect-error a value outside the enum
        { name: 'enum', params: { era: 'c' }, expect: { verdict: 'pass' } },
      ],
    });
    expect(s.params.map((p) => [p.name, p.default])).toEqual([
      ['n', 1],
      ['era', 'a'],
      ['on', true],
    ]);
    expect(s.expectations![0]!.params).toEqual({ n: 2, era: 'b', On: false });
  });
});
