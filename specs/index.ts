// Every spec `tdxmc` knows, by name. A new spec is one import and one entry here.

import type { Spec } from '../checker/spec.js';
import { cpuid } from './cpuid/spec.js';
import { init } from './init/spec.js';
import { lockstep } from './lockstep/spec.js';
import { update } from './update/spec.js';
import { vmx } from './vmx/spec.js';

export const specs: readonly Spec[] = [lockstep, cpuid, vmx, init, update];

export function findSpec(name: string): Spec | undefined {
  return specs.find((s) => s.name === name);
}
