// Every spec `tdxmc` knows, by name, and the module that defines it: a command imports only the
// specs it names, so `tdxmc check lockstep` loads no other model. A new spec is one entry here.

import type { Spec } from '../checker/spec.js';
import type { SpecCatalog } from '../checker/cli/spec-registry.js';

const MODULES: readonly (readonly [string, () => Promise<Spec>])[] = [
  ['lockstep', async () => (await import('./lockstep/spec.js')).lockstep],
  ['cpuid', async () => (await import('./cpuid/spec.js')).cpuid],
  ['vmx', async () => (await import('./vmx/spec.js')).vmx],
  ['init', async () => (await import('./init/spec.js')).init],
  ['update', async () => (await import('./update/spec.js')).update],
];

export const catalog: SpecCatalog = {
  names: MODULES.map(([name]) => name),
  async load(name) {
    const entry = MODULES.find(([n]) => n === name);
    if (entry === undefined) return undefined;
    const spec = await entry[1]();
    // The catalog's name is what the command line matches: it must be the spec's own.
    if (spec.name !== name) throw new Error(`specs/catalog.ts: the entry '${name}' loads the spec '${spec.name}'`);
    return spec;
  },
};
