// Typed finite domains (Murphi-style): the only things a model's state may be made of.
// Every domain has a finite, known cardinality, so a state packs into a few 32-bit words.

export interface BoolDomain {
  readonly kind: 'bool';
}
export interface IntDomain {
  readonly kind: 'int';
  readonly min: number;
  readonly max: number;
  /**
   * Names the index set (e.g. 'cpu') whose members this int refers to (a lock owner, a lead
   * CPU); values outside the set, such as -1 for "none", are left alone. Symmetry reduction
   * renames such values along with the arrays it permutes.
   */
  readonly ref: string | undefined;
}
export interface EnumDomain<N extends string = string> {
  readonly kind: 'enum';
  readonly names: readonly N[];
}
export interface ArrayDomain<E extends Domain = Domain> {
  readonly kind: 'array';
  readonly length: number;
  readonly of: E;
  /** Names the index set (e.g. 'cpu') so symmetry reduction knows which arrays permute together. */
  readonly index: string | undefined;
}
export interface RecordDomain<F extends Fields = Fields> {
  readonly kind: 'record';
  readonly fields: F;
}
export type Fields = { readonly [name: string]: Domain };
export type ScalarDomain = BoolDomain | IntDomain | EnumDomain;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Domain = ScalarDomain | ArrayDomain<any> | RecordDomain<any>;

export const bool = (): BoolDomain => ({ kind: 'bool' });

export function int(min: number, max: number, opts: { ref?: string } = {}): IntDomain {
  if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) {
    throw new RangeError(`int(${min}, ${max}): bounds must be integers with min <= max`);
  }
  if (max - min > 0x7fffffff) throw new RangeError(`int(${min}, ${max}): range wider than 31 bits`);
  return { kind: 'int', min, max, ref: opts.ref };
}

const RESERVED = new Set(['kind', 'names']);

/** An enum whose values are indices; `E.NAME` gives the index of NAME. */
export function enumOf<const N extends string>(names: readonly N[]): EnumDomain<N> & { readonly [K in N]: number } {
  if (names.length === 0) throw new RangeError('enumOf: needs at least one name');
  const d: Record<string, unknown> = { kind: 'enum', names };
  names.forEach((n, i) => {
    if (RESERVED.has(n) || n in d) throw new RangeError(`enumOf: name '${n}' is reserved or repeated`);
    d[n] = i;
  });
  return d as EnumDomain<N> & { readonly [K in N]: number };
}

export function array<E extends Domain>(length: number, of: E, opts: { index?: string } = {}): ArrayDomain<E> {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`array(${length}): bad length`);
  return { kind: 'array', length, of, index: opts.index };
}

export const record = <const F extends Fields>(fields: F): RecordDomain<F> => ({ kind: 'record', fields });

export function cardinality(d: ScalarDomain): number {
  switch (d.kind) {
    case 'bool':
      return 2;
    case 'int':
      return d.max - d.min + 1;
    case 'enum':
      return d.names.length;
  }
}

// ---- Types of the views models program against -------------------------------------------

type Scalar<D> = D extends BoolDomain ? boolean : number;

export interface ReadScalarArray<T> {
  readonly length: number;
  get(i: number): T;
}
export interface WriteScalarArray<T> extends ReadScalarArray<T> {
  set(i: number, v: T): void;
}
export interface ReadRecordArray<E> {
  readonly length: number;
  at(i: number): Read<E>;
}
export interface WriteRecordArray<E> {
  readonly length: number;
  at(i: number): Write<E>;
}

/** A read-only view of (part of) a packed state: guards and invariants see this. */
export type Read<D> =
  D extends RecordDomain<infer F>
    ? { readonly [K in keyof F]: Read<F[K]> }
    : D extends ArrayDomain<infer E>
      ? E extends RecordDomain
        ? ReadRecordArray<E>
        : ReadScalarArray<Scalar<E>>
      : Scalar<D>;

/** A writable view: an action's effect writes the next state through this. */
export type Write<D> =
  D extends RecordDomain<infer F>
    ? { -readonly [K in keyof F]: Write<F[K]> }
    : D extends ArrayDomain<infer E>
      ? E extends RecordDomain
        ? WriteRecordArray<E>
        : WriteScalarArray<Scalar<E>>
      : Scalar<D>;

/** The plain, deeply frozen object users see: enum values by name. */
export type Plain<D> =
  D extends RecordDomain<infer F>
    ? { readonly [K in keyof F]: Plain<F[K]> }
    : D extends ArrayDomain<infer E>
      ? readonly Plain<E>[]
      : D extends EnumDomain<infer N>
        ? N
        : Scalar<D>;
