// Choosing which of a model's properties a run checks (TLC's INVARIANT list): a reviewer who
// knows a variant breaks U11 asks what else it breaks by checking without U11.

import type { AnyModel } from './model.js';
import type { PropertyDecl } from './spec.js';

/** The pseudo-property a deadlock breaks, named in verdicts and expectations like a property. */
export const DEADLOCK: PropertyDecl = {
  name: 'deadlock',
  description: 'a state with no enabled action that the model does not declare a legal end state',
};

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
