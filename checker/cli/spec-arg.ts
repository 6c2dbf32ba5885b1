// The spec and parameters a command names: `<spec> --set name=value ...`.

import type { Spec } from '../spec.js';
import { resolveParams } from '../params.js';
import { UsageError } from '../exit.js';

/** The spec named `name` among `from` (the registry the command line was given). */
export function requireSpec(name: string | undefined, command: string, from: readonly Spec[]): Spec {
  if (name === undefined) throw new UsageError(`${command}: which spec? (tdxmc list shows them)`);
  const spec = from.find((s) => s.name === name);
  if (!spec) throw new UsageError(`unknown spec '${name}' (known: ${from.map((s) => s.name).join(', ')})`);
  return spec;
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
