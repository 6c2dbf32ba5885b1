// Model edits for tests that check a claim the spec does not make, without touching the spec.
// (To look past the first violation, use checker/properties.ts's withoutProperties.)

import type { AnyModel, Invariant, TransitionProperty } from '../../checker/model.js';
import type { RecordDomain } from '../../checker/domain.js';

/** The model with extra properties (only these), e.g. a safety property without its exclusions. */
export const onlyProperties = <D extends RecordDomain>(
  m: AnyModel,
  invariants: Invariant<D>[],
  transitionProperties: TransitionProperty<D>[] = [],
): AnyModel => ({ ...m, invariants, transitionProperties });
