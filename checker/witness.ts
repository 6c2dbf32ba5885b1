// Every property has a witness: a configuration in which it fails for the reason it exists
// (spec.witnesses, and every expectation of a violation or an unreachable target). Checking a
// witness runs its configuration with that property alone, so another property failing first
// cannot hide that this one would never fail.

import { check, type CheckOutcome } from './check.js';
import { focusOn } from './ci/focus.js';
import { checkParams } from './params.js';
import type { Spec, Witness } from './spec.js';

/** The spec's witnesses: its declared ones, then its expectations of a violation or an unreachable target. */
export function witnessesOf(spec: Spec): Witness[] {
  const expected = (spec.expectations ?? []).flatMap((e) =>
    e.expect.verdict === 'violation' || e.expect.verdict === 'unreachable'
      ? e.expect.property.split(', ').map((property) => ({ property, name: e.name, params: e.params }))
      : [],
  );
  return [...(spec.witnesses ?? []), ...expected];
}

/** Checks `w`'s configuration with its property alone. */
export function runWitness(spec: Spec, w: Witness): CheckOutcome {
  const p = checkParams(spec.params, w.params ?? {});
  if (!p.ok) throw new Error(`spec ${spec.name}, witness '${w.name}': ${p.error}`);
  const model = spec.build(p.params);
  return check(focusOn(w.mutate ? w.mutate(model) : model, w.property));
}

/** Whether the run shows the witness's property failing. */
export const caught = (w: Witness, o: CheckOutcome): boolean =>
  o.violation?.property.name === w.property || (o.unreachable ?? []).some((t) => t.name === w.property);

/** The spec README's witness table: one row per declared property, its witnesses' names. */
export function witnessTable(spec: Spec): string {
  const all = witnessesOf(spec);
  const rows = spec.properties.map(
    (p) =>
      `| ${p.name} | ${all
        .filter((w) => w.property === p.name)
        .map((w) => w.name.replaceAll('|', '\\|'))
        .join('; ')} |`,
  );
  return ['| property | witnesses |', '|---|---|', ...rows].join('\n');
}
