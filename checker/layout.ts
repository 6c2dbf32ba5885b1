// Packs a state schema into 32-bit words and builds the views models read and write through.
//
// Placement: scalars take the fewest bits their domain needs and are placed first-fit without
// straddling a word; array elements take a power-of-two width (or whole words) and start
// aligned to it, so element i of an array sits at `start + (i << log2(width))` and is found by
// arithmetic alone. The view classes are generated once per schema with every bit position
// and mask inlined as a constant, because a field read in a guard must cost a few machine
// instructions: the search loop runs guards tens of millions of times. A view is re-pointed
// at another state by `bind`, so reading or writing states allocates nothing.

import { freeze } from 'immer';
import { cardinality, type ArrayDomain, type Domain, type Plain, type Read, type RecordDomain, type ScalarDomain, type Write } from './domain.js';

export interface Slot {
  /** Path of the scalar, e.g. `cur[2]` or `cpu[1].vmxOn`, for messages and diffs. */
  readonly path: string;
  readonly domain: ScalarDomain;
  /** Absolute bit position and width. */
  readonly pos: number;
  readonly bits: number;
  /** Value stored as 0 (an int's minimum). */
  readonly min: number;
  readonly max: number;
}

export interface View<D extends RecordDomain> {
  readonly read: Read<D>;
  readonly write: Write<D>;
  /** Points the view at the state in `words` (from index 0). */
  bind(words: Uint32Array): void;
}

const bitsFor = (d: ScalarDomain): number => {
  const c = cardinality(d);
  return c <= 1 ? 1 : 32 - Math.clz32(c - 1);
};
const pow2 = (b: number): number => (b <= 1 ? 1 : 1 << (32 - Math.clz32(b - 1)));
const alignUp = (x: number, a: number): number => Math.ceil(x / a) * a;

/** Places a scalar first-fit at `cursor` without crossing a word boundary. */
function placeScalar(cursor: number, bits: number): number {
  return (cursor & 31) + bits > 32 ? alignUp(cursor, 32) : cursor;
}

/** Bits one element of `d` occupies and the alignment it needs. */
function elementShape(d: Domain): { width: number } {
  if (d.kind === 'array') throw new TypeError('arrays of arrays are not supported: wrap the inner array in a record');
  if (d.kind === 'record') {
    const size = recordSize(d);
    return { width: size <= 32 ? pow2(size) : alignUp(size, 32) };
  }
  return { width: pow2(bitsFor(d)) };
}

/** Size in bits of a record laid out from a word boundary. */
function recordSize(d: RecordDomain): number {
  let c = 0;
  for (const f of Object.values(d.fields as Record<string, Domain>)) c = place(f, c, () => undefined);
  return Math.max(c, 1);
}

/**
 * Lays out `d` from bit `cursor`, reporting each scalar; returns the cursor after it. A record
 * nested in a record goes on from the cursor, so a state of many small records packs as
 * tightly as one record would (its generated class is laid out from the same cursor); an
 * array element is laid out from 0 and aligned by the array.
 */
function place(d: Domain, cursor: number, emit: (path: string[], d: ScalarDomain, pos: number, bits: number) => void, path: string[] = []): number {
  if (d.kind === 'record') {
    let c = cursor;
    for (const [k, f] of Object.entries(d.fields as Record<string, Domain>)) c = place(f, c, emit, [...path, k]);
    return c;
  }
  if (d.kind === 'array') {
    const { width } = elementShape(d.of);
    const start = alignUp(cursor, Math.min(width, 32));
    for (let i = 0; i < d.length; i++) {
      const at = start + i * width;
      // Elements are laid out from 0 and shifted, exactly as the generated element class
      // (which only knows its element's start) computes positions.
      if (d.of.kind === 'record') place(d.of, 0, (p, sd, pos, bits) => emit(p, sd, at + pos, bits), [...path, `[${i}]`]);
      else emit([...path, `[${i}]`], d.of as ScalarDomain, at, bitsFor(d.of as ScalarDomain));
    }
    return start + d.length * width;
  }
  const bits = bitsFor(d);
  const pos = placeScalar(cursor, bits);
  emit(path, d, pos, bits);
  return pos + bits;
}

const joinPath = (p: string[]): string => p.map((s, i) => (s.startsWith('[') || i === 0 ? s : '.' + s)).join('');

export class Layout<D extends RecordDomain> {
  /** Number of 32-bit words one packed state takes. */
  readonly words: number;
  readonly slots: readonly Slot[];
  private readonly viewFactory: () => View<D>;

  constructor(readonly schema: D) {
    checkFieldNames(schema);
    const slots: Slot[] = [];
    const end = place(schema, 0, (path, d, pos, bits) => {
      const min = d.kind === 'int' ? d.min : 0;
      slots.push({ path: joinPath(path), domain: d, pos, bits, min, max: min + cardinality(d) - 1 });
    });
    this.words = Math.max(1, Math.ceil(end / 32));
    this.slots = slots;
    this.viewFactory = generateViews(schema);
  }

  /** The value of slot `s` (ints in their own range; bools 0/1; enums as index). */
  get(words: Uint32Array, s: number): number {
    const t = this.slots[s]!;
    const m = t.bits === 32 ? 0xffffffff : (1 << t.bits) - 1;
    return ((words[t.pos >>> 5]! >>> (t.pos & 31)) & m) + t.min;
  }

  set(words: Uint32Array, s: number, v: number): void {
    const t = this.slots[s]!;
    if (!(v >= t.min && v <= t.max && Number.isInteger(v))) {
      throw new RangeError(`${t.path} := ${v} is outside its domain ${describe(t.domain)}`);
    }
    const m = t.bits === 32 ? 0xffffffff : (1 << t.bits) - 1;
    const i = t.pos >>> 5;
    const sh = t.pos & 31;
    words[i] = (words[i]! & ~(m << sh)) | (((v - t.min) & m) << sh);
  }

  newView(): View<D> {
    return this.viewFactory();
  }

  /** Decodes a packed state into the plain, deeply frozen object users see. */
  decode(words: Uint32Array): Plain<D> {
    let s = 0;
    const walk = (d: Domain): unknown => {
      if (d.kind === 'record') {
        const o: Record<string, unknown> = {};
        for (const [k, f] of Object.entries(d.fields as Record<string, Domain>)) o[k] = walk(f);
        return o;
      }
      if (d.kind === 'array') return Array.from({ length: d.length }, () => walk(d.of));
      const v = this.get(words, s++);
      return d.kind === 'bool' ? v === 1 : d.kind === 'enum' ? d.names[v] : v;
    };
    return freeze(walk(this.schema), true) as Plain<D>;
  }

  /** Encodes a plain state; throws a RangeError naming the first field that does not fit. */
  encode(plain: unknown, into = new Uint32Array(this.words)): Uint32Array {
    let s = 0;
    const walk = (d: Domain, v: unknown, path: string): void => {
      if (d.kind === 'record') {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RangeError(`${path || 'state'}: expected an object`);
        const o = v as Record<string, unknown>;
        const fields = d.fields as Record<string, Domain>;
        for (const k of Object.keys(o)) if (!(k in fields)) throw new RangeError(`${path ? path + '.' : ''}${k}: no such field`);
        for (const [k, f] of Object.entries(fields)) walk(f, o[k], path ? `${path}.${k}` : k);
        return;
      }
      if (d.kind === 'array') {
        if (!Array.isArray(v) || v.length !== d.length) throw new RangeError(`${path}: expected an array of ${d.length}`);
        v.forEach((e, i) => walk(d.of, e, `${path}[${i}]`));
        return;
      }
      let raw: number;
      if (d.kind === 'bool') {
        if (typeof v !== 'boolean') throw new RangeError(`${path}: expected a boolean, got ${JSON.stringify(v)}`);
        raw = v ? 1 : 0;
      } else if (d.kind === 'enum') {
        raw = typeof v === 'string' ? d.names.indexOf(v) : -1;
        if (raw < 0) throw new RangeError(`${path}: expected one of ${d.names.join('|')}, got ${JSON.stringify(v)}`);
      } else {
        if (typeof v !== 'number' || !Number.isInteger(v)) throw new RangeError(`${path}: expected an integer, got ${JSON.stringify(v)}`);
        raw = v;
      }
      this.set(into, s++, raw);
    };
    into.fill(0);
    walk(this.schema, plain, '');
    return into;
  }
}

export function describe(d: ScalarDomain): string {
  switch (d.kind) {
    case 'bool':
      return 'bool';
    case 'int':
      return `${d.min}..${d.max}`;
    case 'enum':
      return d.names.join('|');
  }
}

// ---- Generated views ----------------------------------------------------------------------
// Every node object has `$r` (the root, holding the words `w`) and `$b` (its bit base: 0 for
// nodes at a fixed place, the element's start for array elements). Field code is
// `this.$b + CONST`. Internals start with `$`, which field names may not.

function fail(path: string, v: unknown, dom: string): never {
  throw new RangeError(`${path} := ${String(v)} is outside its domain ${dom}`);
}
function oob(path: string, i: unknown, n: number): never {
  throw new RangeError(`${path}[${String(i)}]: index out of 0..${n - 1}`);
}

interface Gen {
  classes: string[];
  n: number;
}

function scalarGetter(d: ScalarDomain, pos: string, bits: number): string {
  const m = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  const min = d.kind === 'int' ? d.min : 0;
  const raw = `((w[(${pos}) >>> 5] >>> ((${pos}) & 31)) & ${m})`;
  if (d.kind === 'bool') return `${raw} === 1`;
  return min === 0 ? raw : `${raw} + ${min}`;
}

function scalarSetter(d: ScalarDomain, pos: string, bits: number, path: string, v: string): string {
  const m = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  const min = d.kind === 'int' ? d.min : 0;
  const max = min + cardinality(d) - 1;
  const raw = d.kind === 'bool' ? `(${v} ? 1 : 0)` : min === 0 ? v : `(${v} - ${min})`;
  const check =
    d.kind === 'bool'
      ? ''
      : `if (!(${v} >= ${min} && ${v} <= ${max} && (${v} | 0) === ${v})) fail(${JSON.stringify(path)}, ${v}, ${JSON.stringify(describe(d))});`;
  return `${check} const p = ${pos}; const q = p >>> 5; const s = p & 31; w[q] = (w[q] & ~(${m} << s)) | ((${raw} & ${m}) << s);`;
}

/**
 * Emits a class for a record whose fields are laid out from bit `origin` of its owner's base
 * (as `place` lays them out); returns its name and the cursor after it.
 */
function genRecord(g: Gen, d: RecordDomain, path: string, origin = 0): { name: string; end: number } {
  const name = `R${g.n++}`;
  const ctor: string[] = [];
  const members: string[] = [];
  let cursor = origin;
  for (const [k, f] of Object.entries(d.fields as Record<string, Domain>)) {
    const fpath = path ? `${path}.${k}` : k;
    if (f.kind === 'record') {
      const sub = genRecord(g, f, fpath, cursor);
      cursor = sub.end;
      ctor.push(`this.$f_${k} = new ${sub.name}(r, b);`);
      members.push(`get ${k}() { return this.$f_${k}; }`);
    } else if (f.kind === 'array') {
      const { width } = elementShape(f.of);
      const start = alignUp(cursor, Math.min(width, 32));
      cursor = start + f.length * width;
      const sub = genArray(g, f, fpath, start, width);
      ctor.push(`this.$f_${k} = new ${sub}(r, b);`);
      members.push(`get ${k}() { return this.$f_${k}; }`);
    } else {
      const bits = bitsFor(f);
      const at = placeScalar(cursor, bits);
      cursor = at + bits;
      members.push(`get ${k}() { const w = this.$r.w; return ${scalarGetter(f, `this.$b + ${at}`, bits)}; }`);
      members.push(`set ${k}(v) { const w = this.$r.w; ${scalarSetter(f, `this.$b + ${at}`, bits, fpath, 'v')} }`);
    }
  }
  g.classes.push(`class ${name} { constructor(r, b) { this.$r = r; this.$b = b; ${ctor.join(' ')} } ${members.join('\n')} }`);
  return { name, end: cursor };
}

/** Emits a class for an array whose element 0 starts at `start` relative to the owner's base. */
function genArray(g: Gen, d: ArrayDomain, path: string, start: number, width: number): string {
  const name = `A${g.n++}`;
  const log = Math.log2(width);
  const idx = Number.isInteger(log) ? `(i << ${log})` : `(i * ${width})`;
  const guard = `if ((i >>> 0) >= ${d.length} || (i | 0) !== i) oob(${JSON.stringify(path)}, i, ${d.length});`;
  const el = d.of as Domain;
  if (el.kind === 'record') {
    const sub = genRecord(g, el, `${path}[]`).name;
    g.classes.push(
      `class ${name} { constructor(r, b) { this.length = ${d.length}; this.$e = []; for (let i = 0; i < ${d.length}; i++) this.$e.push(new ${sub}(r, b + ${start} + ${idx})); }
        at(i) { ${guard} return this.$e[i]; } }`,
    );
    return name;
  }
  const sd = el as ScalarDomain;
  const bits = bitsFor(sd);
  const pos = `this.$b + ${start} + ${idx}`;
  g.classes.push(
    `class ${name} { constructor(r, b) { this.$r = r; this.$b = b; this.length = ${d.length}; }
      get(i) { ${guard} const w = this.$r.w; return ${scalarGetter(sd, pos, bits)}; }
      set(i, v) { ${guard} const w = this.$r.w; ${scalarSetter(sd, pos, bits, `${path}[]`, 'v')} } }`,
  );
  return name;
}

function generateViews<D extends RecordDomain>(schema: D): () => View<D> {
  const g: Gen = { classes: [], n: 0 };
  const top = genRecord(g, schema, '').name;
  const src = `${g.classes.join('\n')}
    return function make() {
      const r = { w: new Uint32Array(1) };
      const v = new ${top}(r, 0);
      return { read: v, write: v, bind(words) { r.w = words; } };
    };`;
  // Generated once per schema from the schema's own structure; no user strings are evaluated
  // except field names, which are checked to be identifiers below.
  return new Function('fail', 'oob', src)(fail, oob) as () => View<D>;
}

// Field names become getter names in generated classes: plain identifiers, no `$` (internals),
// nothing an object already has.
const IDENT = /^[A-Za-z_][\w]*$/;
const TAKEN = new Set(['constructor', 'prototype', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'length']);
export function checkFieldNames(d: Domain, path = 'state'): void {
  if (d.kind === 'record') {
    for (const [k, f] of Object.entries(d.fields as Record<string, Domain>)) {
      if (!IDENT.test(k) || TAKEN.has(k)) throw new TypeError(`${path}: field name '${k}' is not allowed (plain identifier, no '$')`);
      checkFieldNames(f, `${path}.${k}`);
    }
  } else if (d.kind === 'array') checkFieldNames(d.of, `${path}[]`);
}
