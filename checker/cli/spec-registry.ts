// The specs a command line can name: given whole (a library caller, tests), or as a catalog of
// names whose modules are imported on first use (bin/tdxmc.js), so that a command imports only
// the specs it names and `tdxmc --version` imports none.

import type { Spec } from '../spec.js';

export interface SpecCatalog {
  readonly names: readonly string[];
  /** The spec named `name`, its module imported; undefined if the catalog has none. */
  load(name: string): Promise<Spec | undefined>;
}

export type SpecRegistry = readonly Spec[] | SpecCatalog;

const isCatalog = (r: SpecRegistry): r is SpecCatalog => !Array.isArray(r);

export const specNames = (r: SpecRegistry): readonly string[] => (isCatalog(r) ? r.names : r.map((s) => s.name));

export const specNamed = async (r: SpecRegistry, name: string): Promise<Spec | undefined> => (isCatalog(r) ? r.load(name) : r.find((s) => s.name === name));

/** Every spec, in the registry's order. */
export const allSpecs = async (r: SpecRegistry): Promise<readonly Spec[]> =>
  isCatalog(r) ? Promise.all(r.names.map(async (name) => (await r.load(name))!)) : r;
