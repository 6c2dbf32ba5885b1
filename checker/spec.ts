// What a spec declares around its Model: parameters, properties, and the configurations CI holds
// it to. `defineSpec` takes each parameter and property once, types `build`'s parameters and the
// expectations' by inference, and hands the command line, CI and reports the untyped shape they read.

import type { AnyModel, Source } from './model.js';
import { valueError } from './params.js';

// ---- Parameters ---------------------------------------------------------------------------

export type ParamValue = number | string | boolean;

interface ParamCommon<A extends string> {
  readonly description: string;
  /** Other names `--set` and expectations accept (names users typed before a rename). */
  readonly aliases?: readonly A[];
}
export interface IntParam<A extends string = string> extends ParamCommon<A> {
  readonly type: 'int';
  readonly min: number;
  readonly max: number;
  readonly default: number;
}
export interface EnumParam<V extends string = string, A extends string = string> extends ParamCommon<A> {
  readonly type: 'enum';
  readonly values: readonly V[];
  readonly default: V;
}
export interface BoolParam<A extends string = string> extends ParamCommon<A> {
  readonly type: 'bool';
  readonly default: boolean;
}
/** A parameter as a spec declares it, named by its key in the spec's `params`. */
export type ParamSpec = IntParam | EnumParam | BoolParam;
/** A parameter as the command line, CI and reports read it. */
export type ParamDecl = ParamSpec & { readonly name: string };

/** Validated parameters, defaults filled in, by canonical name. */
export type Params = Readonly<Record<string, ParamValue>>;

interface ParamOptions<A extends string> {
  readonly aliases?: readonly A[];
}
const int = <const A extends string = never>(min: number, max: number, dflt: number, description: string, o: ParamOptions<A> = {}): IntParam<A> => ({
  type: 'int',
  min,
  max,
  default: dflt,
  description,
  ...o,
});
const oneOf = <const V extends string, const A extends string = never>(
  values: readonly V[],
  dflt: NoInfer<V>,
  description: string,
  o: ParamOptions<A> = {},
): EnumParam<V, A> => ({ type: 'enum', values, default: dflt, description, ...o });
const bool = <const A extends string = never>(dflt: boolean, description: string, o: ParamOptions<A> = {}): BoolParam<A> => ({
  type: 'bool',
  default: dflt,
  description,
  ...o,
});

/** Parameter declarations by type: `param.int(min, max, default, description)`, `param.oneOf(values, ...)`, `param.bool(...)`. */
export const param = { int, oneOf, bool };

type ParamSpecs = Readonly<Record<string, ParamSpec>>;
type ValueOf<P> = P extends IntParam ? number : P extends BoolParam ? boolean : P extends EnumParam<infer V> ? V : never;
/** Declared alias names; `string` (no aliases, widened by the context) names none. */
type AliasOf<P> = P extends { readonly aliases?: readonly (infer A)[] } ? (string extends A ? never : A) : never;

/** What `build` receives: every declared parameter, typed. */
export type ParamValues<PS extends ParamSpecs> = { readonly [K in keyof PS]: ValueOf<PS[K]> };
/** What an expectation sets: some parameters, by canonical name or alias. */
export type ExpectationParams<PS extends ParamSpecs> = { readonly [K in keyof PS]?: ValueOf<PS[K]> } & {
  readonly [K in keyof PS as AliasOf<PS[K]>]?: ValueOf<PS[K]>;
};

// ---- Properties ---------------------------------------------------------------------------

/** A property as `list`, reports and SARIF show it. */
export interface PropertyDecl {
  readonly name: string;
  readonly description: string;
  readonly source?: Source;
}

/** A spec's property as declared: the model's invariant or transition property spreads it and adds `holds`. */
export interface DeclaredProperty extends PropertyDecl {
  readonly kind: 'invariant' | 'transition' | 'target' | 'liveness';
}

type Unnamed = Omit<DeclaredProperty, 'name'>;
export const invariant = (description: string, source?: Source): Unnamed => ({ kind: 'invariant', description, ...(source === undefined ? {} : { source }) });
export const transition = (description: string, source?: Source): Unnamed => ({ kind: 'transition', description, ...(source === undefined ? {} : { source }) });
/** A liveness property (the model's `liveness`: eventually, leadsTo or alwaysEventually). */
export const eventually = (description: string, source?: Source): Unnamed => ({ kind: 'liveness', description, ...(source === undefined ? {} : { source }) });
/** A reachability target: a state a run must be able to reach (the model's `targets`). */
export const target = (description: string, source?: Source): Unnamed => ({ kind: 'target', description, ...(source === undefined ? {} : { source }) });

/** A spec's properties keyed by name, in the order `list` shows them. */
export function declareProperties<const K extends string>(table: Readonly<Record<K, Unnamed>>): { readonly [N in K]: DeclaredProperty } {
  const out = {} as Record<K, DeclaredProperty>;
  for (const name of Object.keys(table) as K[]) out[name] = { name, ...table[name] };
  return out;
}

// ---- Expectations and specs -----------------------------------------------------------------

/** Search options a checked configuration may fix (the same meaning as the CLI flags). */
export interface ConfigOptions {
  readonly search?: 'bfs' | 'dfs';
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly symmetry?: boolean;
}

/**
 * A checked configuration and the verdict it must keep (the CI gate's unit). A known-bad
 * variant names the property it must break, so it keeps failing for the right reason.
 */
export interface Expectation<P = Params> {
  /** Short name, e.g. 'reference' or 'D22 KEY.CONFIG concurrently'. */
  readonly name: string;
  readonly params: P;
  readonly options?: ConfigOptions;
  readonly expect:
    | { readonly verdict: 'pass' }
    | { readonly verdict: 'violation'; readonly property: string; readonly traceLength?: number }
    | { readonly verdict: 'deadlock'; readonly traceLength?: number }
    | { readonly verdict: 'unreachable'; readonly property: string };
  readonly note?: string;
}

/**
 * A configuration in which `property` fails for the reason it exists: a known-bad parameter
 * value, or a change to the built model (`mutate`, see checker/mutate.ts) that writes the bug
 * the property is there to catch. A `violation` (or `unreachable`) expectation is a witness too.
 */
export interface Witness<P = Params, M extends AnyModel = AnyModel> {
  readonly property: string;
  /** The bug, in a reviewer's words: 'LP.INIT before SEAMLDR.INSTALL finished on every CPU'. */
  readonly name: string;
  readonly params?: P;
  /** The changed model (a method, so a spec's witness may take its own model type). */
  mutate?(m: M): AnyModel;
}

/**
 * What `tdxmc audit` holds the spec to: a least score, and the surviving mutants accepted with
 * a reason (a field kept only for reports, a deliberate abstraction), by their names as the
 * audit prints them (`stop_machine without its write of cpu[].stopper`).
 */
export interface AuditLine {
  readonly floor?: number;
  readonly accepted?: readonly AcceptedMutant[];
}

export interface AcceptedMutant {
  readonly mutant: string;
  readonly reason: string;
}

/** Accepts several surviving mutants for one reason: `...because(reason, 'drop-action x', ...)`. */
export const because = (reason: string, ...mutants: readonly string[]): AcceptedMutant[] => mutants.map((mutant) => ({ mutant, reason }));

export interface Spec {
  readonly name: string;
  /** The spec's module URL (`import.meta.url`), so reports can point at a property's line. */
  readonly file?: string;
  readonly description: string;
  readonly params: readonly ParamDecl[];
  /** Every property the model may check, without building it (for `tdxmc list`). */
  readonly properties: readonly DeclaredProperty[];
  /** Builds the model for fully validated parameters (defaults filled in). */
  readonly build: (params: Params) => AnyModel;
  readonly expectations?: readonly Expectation[];
  readonly witnesses?: readonly Witness[];
  readonly audit?: AuditLine;
}

export interface SpecDefinition<PS extends ParamSpecs, M extends AnyModel> {
  readonly name: string;
  readonly file?: string;
  readonly description: string;
  readonly params: PS;
  /** From `declareProperties`. */
  readonly properties: Readonly<Record<string, DeclaredProperty>>;
  readonly build: (p: ParamValues<PS>) => M;
  readonly expectations?: readonly Expectation<ExpectationParams<PS>>[];
  readonly witnesses?: readonly Witness<ExpectationParams<PS>, M>[];
  readonly audit?: AuditLine;
}

const isParamValue = (v: unknown): v is ParamValue => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
/** Typed expectation parameters as the untyped record the rest of the checker reads. */
const valuesOf = (p: object): Params => Object.fromEntries(Object.entries(p).flatMap(([k, v]) => (isParamValue(v) ? [[k, v] as const] : [])));

export function defineSpec<const PS extends ParamSpecs, M extends AnyModel>(d: SpecDefinition<PS, M>): Spec {
  const params: ParamDecl[] = Object.entries(d.params).map(([name, p]) => ({ name, ...p }));
  /** Narrows validated parameters to the declared types; a caller that skipped validation gets an error naming the parameter. */
  function assertDeclared(p: Params): asserts p is Params & ParamValues<PS> {
    for (const decl of params) {
      const why = valueError(decl, p[decl.name]);
      if (why !== undefined) throw new Error(`spec ${d.name}: parameter ${decl.name}: ${why}`);
    }
  }
  return {
    name: d.name,
    ...(d.file === undefined ? {} : { file: d.file }),
    description: d.description,
    params,
    properties: Object.values(d.properties),
    build: (p) => {
      assertDeclared(p);
      return d.build(p);
    },
    ...(d.expectations === undefined ? {} : { expectations: d.expectations.map((e) => ({ ...e, params: valuesOf(e.params) })) }),
    ...(d.witnesses === undefined
      ? {}
      : { witnesses: d.witnesses.map(({ params, ...w }) => ({ ...w, ...(params === undefined ? {} : { params: valuesOf(params) }) })) }),
    ...(d.audit === undefined ? {} : { audit: d.audit }),
  };
}
