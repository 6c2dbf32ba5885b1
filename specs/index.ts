// Every spec `tdxmc` knows, by name. A new spec is one import and one entry here.

import type { Spec } from '../checker/model.js';
import { lockstep } from './lockstep/spec.js';

export const specs: readonly Spec[] = [lockstep];

export function findSpec(name: string): Spec | undefined {
  return specs.find((s) => s.name === name);
}
