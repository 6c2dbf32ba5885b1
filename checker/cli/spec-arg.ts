// The spec and parameters a command names: `<spec> --set name=value ...`.

import type { Params, Spec } from '../spec.js';
import { findParam, parseValue, resolveParams, type ParamsResult } from '../params.js';
import { UsageError } from '../exit.js';
import { didYouMean, unknownName } from './suggest.js';
import { isSpecPath, specOfFile, thrownAt } from './spec-file.js';
import { specNamed, specNames, type SpecRegistry } from './spec-registry.js';

const nameOf = (x: { readonly name: string }): string => x.name;

/** The spec named `name` among `from` (the registry the command line was given), or the one a file defines (`./my-step.ts`). */
export async function requireSpec(name: string | undefined, command: string, from: SpecRegistry): Promise<Spec> {
  if (name === undefined) throw new UsageError(`${command}: which spec? (tdxmc list shows them)`);
  if (isSpecPath(name)) return specOfFile(name);
  const spec = await specNamed(from, name);
  if (!spec) throw new UsageError(unknownName('spec', name, specNames(from)));
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

/** The parameters `sets` give `spec`, validated, defaults filled in; bad input otherwise. */
export function requireParams(spec: Spec, sets: readonly string[]): Params {
  const p = resolveSets(spec, sets);
  if (!p.ok) throw new UsageError(p.error);
  return p.params;
}

/** The spec whose build failing is bad input naming where in the user's file it threw (on whichever thread builds it). */
export const explainingBuild = (spec: Spec): Spec => ({
  ...spec,
  build: (params) => {
    try {
      return spec.build(params);
    } catch (e) {
      const at = thrownAt(e);
      throw new UsageError(`${at === undefined ? '' : `${at}: `}spec ${spec.name}: building the model failed: ${(e as Error).message}`, { cause: e });
    }
  },
});

export function buildModel(spec: Spec, sets: string[]) {
  const params = requireParams(spec, sets);
  return { p: { ok: true as const, params }, model: explainingBuild(spec).build(params) };
}
