// A model that checks one property alone, so that a comparison can say of every property
// whether it holds, not only which one breaks first. `deadlock` alone checks for deadlocks only.

import { DEADLOCK } from '../properties.js';
import type { AnyModel } from '../model.js';

export function focusOn(model: AnyModel, property: string): AnyModel {
  if (property === DEADLOCK.name) return { ...model, invariants: [], transitionProperties: [], targets: [], liveness: [] };
  return {
    ...model,
    invariants: model.invariants.filter((p) => p.name === property),
    transitionProperties: (model.transitionProperties ?? []).filter((p) => p.name === property),
    targets: (model.targets ?? []).filter((p) => p.name === property),
    liveness: (model.liveness ?? []).filter((p) => p.name === property),
    // Every state with no enabled action counts as an end: deadlocks are another row.
    isEndState: () => true,
  };
}
