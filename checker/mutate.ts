// Changes to a built model that leave the spec's source alone: a witness writes the kernel bug
// a property exists to catch as a change to one action (a guard conjunct dropped, a write
// skipped), and the model without that change stays the reference.

import type { Action, Model } from './model.js';
import type { RecordDomain } from './domain.js';

type Guard<D extends RecordDomain> = Action<D>['guard'];
type Effect<D extends RecordDomain> = Action<D>['effect'];

/** The model with action `name`'s guard and/or effect replaced by a function of the old one. */
export function mutateAction<D extends RecordDomain>(
  m: Model<D>,
  name: string,
  change: { readonly guard?: (old: Guard<D>) => Guard<D>; readonly effect?: (old: Effect<D>) => Effect<D> },
): Model<D> {
  if (!m.actions.some((a) => a.name === name))
    throw new Error(`mutateAction: the model has no action '${name}' (it has ${m.actions.map((a) => a.name).join(', ')})`);
  return {
    ...m,
    actions: m.actions.map((a) =>
      a.name !== name ? a : { ...a, ...(change.guard ? { guard: change.guard(a.guard) } : {}), ...(change.effect ? { effect: change.effect(a.effect) } : {}) },
    ),
  };
}

/** The model in which action `name` does what it did, then `more`: a write added or undone. */
export const andThen = <D extends RecordDomain>(m: Model<D>, name: string, more: Effect<D>): Model<D> =>
  mutateAction(m, name, {
    effect: (old) => (s, n, actor) => {
      old(s, n, actor);
      more(s, n, actor);
    },
  });

/** The model in which action `name` never happens. */
export const dropAction = <D extends RecordDomain>(m: Model<D>, name: string): Model<D> => mutateAction(m, name, { guard: () => () => false });
