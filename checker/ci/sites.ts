// Where a checked configuration's outcome stands in its spec's sources, for SARIF and JUnit: the
// property it concerns and each step of its trace, found from the functions of the model built
// for the configuration (report/location.ts), never by searching the text.

import type { AnyModel } from '../model.js';
import { modelSites, moduleSite, withCodeSites, type ModelSites, type Site } from '../report/location.js';
import type { Configuration } from './configuration.js';
import type { GateRow } from './gate.js';

export interface ConfigurationSites extends ModelSites {
  /** The spec's module, where a site without a function (an incomplete run, a model that cannot be built) points. */
  readonly module: Site | undefined;
  /** What the actor of an action is called (`CPU`), as reports name it. */
  actorKind(action: string): string;
}

const NONE: ModelSites = { property: () => undefined, action: () => undefined, init: () => undefined };

/** Runs `use` with the sites of configurations, each model built once. */
export function withConfigurationSites<T>(use: (of: (c: Configuration) => ConfigurationSites) => T): T {
  return withCodeSites((siteOf) => {
    const known = new Map<Configuration, ConfigurationSites>();
    return use((c) => {
      let sites = known.get(c);
      if (sites === undefined) {
        let model: AnyModel | undefined;
        try {
          model = c.spec.build(c.params);
        } catch {
          // Its row is a model error already; the spec's module is all there is to point at.
        }
        const parts = model === undefined ? NONE : modelSites(model, siteOf);
        sites = {
          ...parts,
          module: moduleSite(c.spec.file),
          actorKind: (action) => model?.actions.find((a) => a.name === action)?.actorKind ?? 'actor',
        };
        known.set(c, sites);
      }
      return sites;
    });
  });
}

/**
 * The property a configuration's outcome is about: the one broken (the first target never
 * reached), the one that threw, else the one its expectation names (`deadlock` for a deadlock).
 */
export function concernedProperty(r: GateRow): string | undefined {
  const a = r.result.actual;
  const e = r.config.expectation.expect;
  if (a.property !== undefined) return a.property.split(', ')[0];
  if (r.result.json?.error?.property) return r.result.json.error.property;
  if (e.verdict === 'violation' || e.verdict === 'unreachable') return e.property.split(', ')[0];
  return e.verdict === 'deadlock' ? 'deadlock' : undefined;
}

/** The site of the property a row concerns, else of the action that threw, else the spec's module. */
export function rowSite(r: GateRow, sites: ConfigurationSites): Site | undefined {
  const property = concernedProperty(r);
  const e = r.result.json?.error;
  return (
    (property === undefined ? undefined : sites.property(property)) ??
    (e?.action ? sites.action(e.action, e.phase === 'guard' ? 'guard' : 'effect') : undefined) ??
    (e?.init !== null && e?.init !== undefined ? sites.init(e.init) : undefined) ??
    (e?.phase === 'end state' ? sites.property('deadlock') : undefined) ??
    sites.module
  );
}
