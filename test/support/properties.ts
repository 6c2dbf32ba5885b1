// Model edits for tests that look past the first violation, or check a claim the spec does
// not make, without touching the spec.

import type { AnyModel, Invariant, TransitionProperty } from '../../checker/model.js';
import type { RecordDomain } from '../../checker/domain.js';

/** The model without the named properties: what else does a variant break? */
export const withoutProperties = (m: AnyModel, ...names: string[]): AnyModel => ({
  ...m,
  invariants: m.invariants.filter((p) => !names.includes(p.name)),
  transitionProperties: (m.transitionProperties ?? []).filter((p) => !names.includes(p.name)),
});

/** The model with extra properties (only these), e.g. a safety property without its exclusions. */
export const onlyProperties = <D extends RecordDomain>(
  m: AnyModel,
  invariants: Invariant<D>[],
  transitionProperties: TransitionProperty<D>[] = [],
): AnyModel => ({ ...m, invariants, transitionProperties });
