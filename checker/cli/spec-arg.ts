// The spec and parameters a command names: `<spec> --set name=value ...`.

import type { Spec } from '../spec.js';
import { findParam, parseValue, resolveParams, type ParamsResult } from '../params.js';
import { UsageError } from '../exit.js';
import { didYouMean, unknownName } from './suggest.js';
import { isSpecPath, specOfFile, thrownAt } from './spec-file.js';

const nameOf = (x: { readonly name: string }): string => x.name;

/** The spec named `name` among `from` (the registry the command line was given), or the one a file defines (`./my-step.ts`). */
export async function requireSpec(name: string | undefined, command: string, from: readonly Spec[]): Promise<Spec> {
  if (name === undefined) throw new UsageError(`${command}: which spec? (tdxmc list shows them)`);
  if (isSpecPath(name)) return specOfFile(name);
  const spec = from.find((s) => s.name === name);
  if (!spec) throw new UsageError(unknownName('spec', name, from.map(nameOf)));
  return spec;
}

/** `--set` assignments resolved against `spec`; a misspelt parameter name or listed value is answered with the nearest declared one. */
export function resolveSets(spec: Spec, sets: readonly string[]): ParamsResult {
  for (const a of sets) {
    const eq = a.indexOf('=');
    if (eq <= 0) continue;
    const name = a.slice(0, eq);
    const raw = a.slice(eq + 1);
    const decl = findParam(spec.params, name);
    if (decl === undefined) return { ok: false, error: unknownName('parameter', name, spec.params.map(nameOf)) };
    const v = parseValue(decl, raw);
    if (!v.ok) return { ok: false, error: `${v.error}${didYouMean(raw, decl.type === 'enum' ? decl.values : decl.type === 'bool' ? ['true', 'false'] : [])}` };
  }
  return resolveParams(spec.params, sets);
}

export function buildModel(spec: Spec, sets: string[]) {
  const p = resolveSets(spec, sets);
  if (!p.ok) throw new UsageError(p.error);
  try {
    return { p, model: spec.build(p.params) };
  } catch (e) {
    const at = thrownAt(e);
    throw new UsageError(`${at === undefined ? '' : `${at}: `}spec ${spec.name}: building the model failed: ${(e as Error).message}`, { cause: e });
  }
}
