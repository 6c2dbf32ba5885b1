// Every spec `tdxmc` knows, loaded: the registry for library callers and tests (specs/catalog.ts
// lists them, by name, for the command line, which imports only those it names).

import { allSpecs } from '../checker/cli/spec-registry.js';
import type { Spec } from '../checker/spec.js';
import { catalog } from './catalog.js';

export const specs: readonly Spec[] = await allSpecs(catalog);

export function findSpec(name: string): Spec | undefined {
  return specs.find((s) => s.name === name);
}
