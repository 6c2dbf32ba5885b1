// The configurations CI holds the specs to: each spec's expectations, validated against the
// spec before anything runs, so that a bad expectation is bad input naming its spec and
// configuration rather than a failure found minutes later.

import type { CheckOptions } from '../check.js';
import { DEADLOCK } from '../properties.js';
import { UsageError } from '../exit.js';
import type { ConfigOptions, Expectation, Params, PropertyDecl, Spec } from '../spec.js';
import { checkParams } from '../params.js';
import { paramText } from '../report/values.js';
import { selects } from './select.js';

export interface Configuration {
  readonly spec: Spec;
  readonly expectation: Expectation;
  /** The expectation's parameters merged over the spec's defaults. */
  readonly params: Params;
  /** The model's properties, for SARIF rules and the diff's rows. */
  readonly properties: readonly PropertyDecl[];
}

/** `lockstep/no install lock`: what `--only` matches and reports name. */
export const configurationId = (c: Configuration): string => `${c.spec.name}/${c.expectation.name}`;

/** What the reviewer wrote: the expectation's parameters and search options, e.g. `variant=nolock search=dfs`. */
export function settingsText(e: Expectation): string {
  const o = e.options ?? {};
  const opts = [
    o.search === undefined ? undefined : `search=${o.search}`,
    o.maxStates === undefined ? undefined : `max-states=${o.maxStates}`,
    o.maxDepth === undefined ? undefined : `max-depth=${o.maxDepth}`,
    o.symmetry ? 'symmetry' : undefined,
  ].filter((x) => x !== undefined);
  return [paramText(e.params), ...opts].filter((x) => x !== '').join(' ') || 'defaults';
}

/** The properties of the spec's model for `params` (built, not explored), then `deadlock`. */
export function propertiesOf(spec: Spec, params: Params): PropertyDecl[] {
  const m = spec.build(params);
  const decl = (x: PropertyDecl): PropertyDecl => ({ name: x.name, description: x.description, ...(x.source === undefined ? {} : { source: x.source }) });
  return [...m.invariants, ...(m.transitionProperties ?? []), ...(m.targets ?? []), ...(m.liveness ?? [])].map(decl).concat(DEADLOCK);
}

/** A configuration's search options as `check` takes them. */
export function checkOptions(o: ConfigOptions): CheckOptions {
  return {
    ...(o.search === undefined ? {} : { search: o.search }),
    ...(o.maxStates === undefined ? {} : { maxStates: o.maxStates }),
    ...(o.maxDepth === undefined ? {} : { maxDepth: o.maxDepth }),
    ...(o.symmetry ? { symmetry: true } : {}),
  };
}

const isInt = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min;

function optionsError(o: ConfigOptions): string | undefined {
  const known = new Set(['search', 'maxStates', 'maxDepth', 'symmetry']);
  const unknown = Object.keys(o).find((k) => !known.has(k));
  if (unknown !== undefined) return `unknown option '${unknown}' (known: ${[...known].join(', ')})`;
  if (o.search !== undefined && o.search !== 'bfs' && o.search !== 'dfs') return `search '${String(o.search)}' is not bfs or dfs`;
  if (o.maxStates !== undefined && !isInt(o.maxStates, 1)) return `maxStates ${String(o.maxStates)} is not a positive integer`;
  if (o.maxDepth !== undefined && !isInt(o.maxDepth, 0)) return `maxDepth ${String(o.maxDepth)} is not a non-negative integer`;
  if (o.symmetry !== undefined && typeof o.symmetry !== 'boolean') return `symmetry ${String(o.symmetry)} is not true or false`;
  return undefined;
}

function expectError(e: Expectation['expect'], properties: readonly PropertyDecl[]): string | undefined {
  const v = e as { verdict?: unknown; property?: unknown; traceLength?: unknown };
  if (v.verdict !== 'pass' && v.verdict !== 'violation' && v.verdict !== 'deadlock' && v.verdict !== 'unreachable')
    return `expected verdict '${String(v.verdict)}' is not pass, violation, deadlock or unreachable`;
  const named = properties.filter((p) => p !== DEADLOCK);
  if (v.verdict === 'violation' && !named.some((p) => p.name === v.property)) {
    return `expected property '${String(v.property)}' is not one of the model's (${named.map((p) => p.name).join(', ')})`;
  }
  if (v.verdict === 'unreachable' && (typeof v.property !== 'string' || !v.property.split(', ').every((t) => named.some((p) => p.name === t)))) {
    return `expected unreachable '${String(v.property)}' names no reachability target of the model (${named.map((p) => p.name).join(', ')})`;
  }
  if (v.traceLength !== undefined && (v.verdict === 'pass' || v.verdict === 'unreachable' || !isInt(v.traceLength, 0)))
    return `traceLength ${String(v.traceLength)} needs a violation or deadlock and a non-negative integer`;
  return undefined;
}

function resolve(spec: Spec, e: Expectation): Configuration {
  const bad = (why: string): UsageError => new UsageError(`spec ${spec.name}, configuration '${e.name}': ${why}`);
  if (spec.file === undefined) throw bad('the spec has no `file` (import.meta.url), so a CI worker cannot load it');
  const p = checkParams(spec.params, e.params ?? {});
  if (!p.ok) throw bad(p.error);
  const optErr = optionsError(e.options ?? {});
  if (optErr !== undefined) throw bad(optErr);
  let properties: PropertyDecl[];
  try {
    properties = propertiesOf(spec, p.params);
  } catch (err) {
    throw bad(`building the model failed: ${(err as Error).message}`);
  }
  const expErr = expectError(e.expect, properties);
  if (expErr !== undefined) throw bad(expErr);
  return { spec, expectation: e, params: p.params, properties };
}

/**
 * Every expectation of `specs`, in declaration order; with `only`, those one of the patterns
 * selects (select.ts). Throws UsageError on bad input.
 */
export function configurations(specs: readonly Spec[], only: readonly string[] = []): Configuration[] {
  const all: Configuration[] = [];
  for (const spec of specs) {
    const names = new Set<string>();
    for (const e of spec.expectations ?? []) {
      if (typeof e.name !== 'string' || e.name === '') throw new UsageError(`spec ${spec.name}: a configuration without a name`);
      if (names.has(e.name)) throw new UsageError(`spec ${spec.name}: two configurations named '${e.name}'`);
      names.add(e.name);
      if (only.length > 0 && !only.some((o) => selects(o, spec.name, e.name))) continue;
      all.push(resolve(spec, e));
    }
  }
  if (only.length > 0 && all.length === 0)
    throw new UsageError(`--only ${only.join(', ')}: matches no configuration (spec/name, whole; * and ? as in 'init/D22*')`);
  return all;
}
