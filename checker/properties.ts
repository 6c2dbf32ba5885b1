// Choosing which of a model's properties a run checks (TLC's INVARIANT list): a reviewer who
// knows a variant breaks U11 asks what else it breaks by checking without U11.

import type { AnyModel } from './model.js';

export const propertyNamesOf = (m: AnyModel): string[] =>
  [...m.invariants, ...(m.transitionProperties ?? []), ...(m.targets ?? []), ...(m.liveness ?? [])].map((p) => p.name);

/** The model without the named properties. */
export const withoutProperties = (m: AnyModel, ...names: string[]): AnyModel => ({
  ...m,
  invariants: m.invariants.filter((p) => !names.includes(p.name)),
  transitionProperties: (m.transitionProperties ?? []).filter((p) => !names.includes(p.name)),
  targets: (m.targets ?? []).filter((p) => !names.includes(p.name)),
  liveness: (m.liveness ?? []).filter((p) => !names.includes(p.name)),
});
