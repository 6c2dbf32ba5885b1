// The spec and parameters a command names: `<spec> --set name=value ...`.

import type { Spec } from '../model.js';
import { resolveParams } from '../params.js';
import { specs } from '../../specs/index.js';
import { UsageError } from './exit.js';

/** The spec named `name` among `from` (the registry, or the specs a ci run was given). */
export function requireSpec(name: string | undefined, command = 'check', from: readonly Spec[] = specs): Spec {
  if (name === undefined) throw new UsageError(`${command}: which spec? (tdxmc list shows them)`);
  const spec = from.find((s) => s.name === name);
  if (!spec) throw new UsageError(`unknown spec '${name}' (known: ${from.map((s) => s.name).join(', ')})`);
  return spec;
}

export function resolveDefaults(s: Spec) {
  const r = resolveParams(s.params, []);
  if (!r.ok) throw new Error(r.error);
  return r.params;
}

export function buildModel(spec: Spec, sets: string[]) {
  const p = resolveParams(spec.params, sets);
  if (!p.ok) throw new UsageError(p.error);
  try {
    return { p, model: spec.build(p.params) };
  } catch (e) {
    throw new UsageError(`spec ${spec.name}: building the model failed: ${(e as Error).message}`, { cause: e });
  }
}
