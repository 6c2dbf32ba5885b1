// The packed layout: random schemas and values round-trip through encode/decode, views read
// exactly what was encoded, view writes land where decode finds them, and writes outside a
// domain are refused.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { array, bool, enumOf, int, record, type Domain, type RecordDomain } from '../checker/domain.js';
import { Layout } from '../checker/layout.js';

const scalarArb: fc.Arbitrary<Domain> = fc.oneof(
  fc.constant(bool()),
  fc.tuple(fc.integer({ min: -40, max: 40 }), fc.integer({ min: 0, max: 300 })).map(([lo, span]) => int(lo, lo + span)),
  fc.integer({ min: 1, max: 9 }).map((n) => enumOf(Array.from({ length: n }, (_, i) => `V${i}`))),
);

const recordOf = (fields: fc.Arbitrary<Domain>): fc.Arbitrary<RecordDomain> =>
  fc
    .uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fields), { minLength: 1, maxLength: 4, selector: ([k]) => k })
    .map((es) => record(Object.fromEntries(es)));

const elementArb: fc.Arbitrary<Domain> = fc.oneof(
  scalarArb,
  recordOf(
    fc.oneof(
      scalarArb,
      fc.integer({ min: 0, max: 3 }).chain((n) => scalarArb.map((e) => array(n, e))),
    ),
  ),
);
const fieldArb: fc.Arbitrary<Domain> = fc.oneof(
  scalarArb,
  fc.tuple(fc.integer({ min: 0, max: 7 }), elementArb).map(([n, e]) => array(n, e)),
  recordOf(scalarArb),
);
const schemaArb = recordOf(fieldArb);

function valueOf(d: Domain): fc.Arbitrary<unknown> {
  switch (d.kind) {
    case 'bool':
      return fc.boolean();
    case 'int':
      return fc.integer({ min: d.min, max: d.max });
    case 'enum':
      return fc.constantFrom(...d.names);
    case 'array':
      return fc.array(valueOf(d.of), { minLength: d.length, maxLength: d.length });
    case 'record':
      return fc.record(Object.fromEntries(Object.entries(d.fields as Record<string, Domain>).map(([k, f]) => [k, valueOf(f)])));
  }
}

/** Reads a plain value through a view, the way a model would. */
function readView(d: Domain, v: unknown): unknown {
  if (d.kind === 'record') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(d.fields as Record<string, Domain>).map(([k, f]) => [
        k,
        f.kind === 'record' || f.kind === 'array' ? readView(f, o[k]) : readScalar(f, o[k]),
      ]),
    );
  }
  if (d.kind === 'array') {
    const a = v as { length: number; get(i: number): unknown; at(i: number): unknown };
    return Array.from({ length: a.length }, (_, i) => (d.of.kind === 'record' ? readView(d.of, a.at(i)) : readScalar(d.of, a.get(i))));
  }
  return v;
}
const readScalar = (d: Domain, v: unknown): unknown => (d.kind === 'enum' ? d.names[v as number] : v);

/** Writes a plain value through a view. */
function writeView(d: RecordDomain, view: Record<string, unknown>, value: Record<string, unknown>): void {
  for (const [k, f] of Object.entries(d.fields as Record<string, Domain>)) {
    const v = value[k];
    if (f.kind === 'record') writeView(f, view[k] as Record<string, unknown>, v as Record<string, unknown>);
    else if (f.kind === 'array') {
      const a = view[k] as { set(i: number, x: unknown): void; at(i: number): Record<string, unknown> };
      (v as unknown[]).forEach((e, i) => {
        if (f.of.kind === 'record') writeView(f.of, a.at(i), e as Record<string, unknown>);
        else a.set(i, f.of.kind === 'enum' ? f.of.names.indexOf(e as string) : e);
      });
    } else view[k] = f.kind === 'enum' ? f.names.indexOf(v as string) : v;
  }
}

const withValue = schemaArb.chain((schema) => fc.tuple(fc.constant(schema), valueOf(schema)));

describe('packed layout', () => {
  it('decode(encode(v)) is v, and views read the same values', () => {
    fc.assert(
      fc.property(withValue, ([schema, value]) => {
        const layout = new Layout(schema);
        const words = layout.encode(value);
        expect(layout.decode(words)).toEqual(value);
        const view = layout.newView();
        view.bind(words);
        expect(readView(schema, view.read)).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('writes through a view land where decode finds them, and nowhere else', () => {
    fc.assert(
      fc.property(
        schemaArb.chain((s) => fc.tuple(fc.constant(s), valueOf(s), valueOf(s))),
        ([schema, a, b]) => {
          const layout = new Layout(schema);
          const words = layout.encode(a);
          const view = layout.newView();
          view.bind(words);
          writeView(schema, view.write as unknown as Record<string, unknown>, b as Record<string, unknown>);
          expect(layout.decode(words)).toEqual(b);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('packs tightly: lockstep-like state for 10 CPUs fits in 3 words', () => {
    const Stage = enumOf(['S0', 'S1', 'S2', 'S3', 'S4', 'S5']);
    const l = new Layout(
      record({
        stage: Stage,
        acked: int(0, 10),
        f: bool(),
        b: bool(),
        m: enumOf(['A', 'B', 'C']),
        cur: array(10, Stage),
        ph: array(10, enumOf(['R', 'B', 'A'])),
        v: array(10, bool()),
      }),
    );
    expect(l.words).toBe(3);
  });

  it('packs records nested in records from the cursor, not from the next word', () => {
    const small = record({ on: bool(), k: int(0, 6) });
    const l = new Layout(record({ a: small, b: small, c: record({ d: small, e: enumOf(['X', 'Y', 'Z']) }), f: bool() }));
    expect(l.words).toBe(1);
    expect(l.slots.map((s) => [s.path, s.pos])).toEqual([
      ['a.on', 0],
      ['a.k', 1],
      ['b.on', 4],
      ['b.k', 5],
      ['c.d.on', 8],
      ['c.d.k', 9],
      ['c.e', 12],
      ['f', 14],
    ]);
  });

  it('refuses writes outside a domain and indices outside an array, naming the field', () => {
    const Ph = enumOf(['READY', 'BUSY']);
    const layout = new Layout(record({ n: int(2, 5), ph: array(3, Ph), cpu: array(2, record({ on: bool(), k: int(0, 1) })) }));
    const v = layout.newView();
    v.bind(new Uint32Array(layout.words));
    expect(() => (v.write.n = 6)).toThrow(/n := 6 is outside its domain 2\.\.5/);
    expect(() => (v.write.n = 2.5)).toThrow(/outside its domain/);
    expect(() => v.write.ph.set(1, 2)).toThrow(/ph\[\] := 2 is outside its domain READY\|BUSY/);
    expect(() => v.write.ph.get(3)).toThrow(/ph\[3\]: index out of 0\.\.2/);
    expect(() => (v.write.cpu.at(1).k = -1)).toThrow(/cpu\[\]\.k := -1/);
    expect(() => layout.encode({ n: 2, ph: ['READY', 'READY', 'NOPE'], cpu: [] })).toThrow(/ph\[2\]: expected one of READY\|BUSY/);
  });
});
