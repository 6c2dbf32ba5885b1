// Writes a run's reports into a directory, one file per format, named after the spec, its
// parameters and the property so that a rerun overwrites its own reports. Each file is written
// atomically (atomic-file.ts): a reader never sees half a report.

import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { checkParams, type ConfigOptions, type Params, type Spec } from '../index.js';
import { writeFileAtomic } from './atomic-file.js';
import { FORMATS } from './formats.js';
import { propertyLocation } from './location.js';
import { buildReport, chosenParams, type Report, type ReportInput, type ReportSubject } from './report.js';

/** Keeps letters, digits and `._=,-`; anything else becomes `_`. */
const safe = (s: string): string => s.replace(/[^A-Za-z0-9._=,-]/g, '_');

/** File names stay well under the usual 255-byte limit, extension included. */
const MAX_BASE = 180;

/**
 * `lockstep--variant=noack--Lockstep`: the parameters set otherwise than the defaults. A name
 * too long keeps its start and ends in a hash of the whole, so distinct runs stay distinct.
 */
export function reportBaseName(s: ReportSubject, property: string): string {
  const p = Object.entries(chosenParams(s))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
  const base = [s.spec, p, property]
    .filter((x) => x !== '')
    .map(safe)
    .join('--');
  if (base.length <= MAX_BASE) return base;
  return `${base.slice(0, MAX_BASE - 10)}--${createHash('sha256').update(base).digest('hex').slice(0, 8)}`;
}

/**
 * What a report says was checked, the same from `check --report` and from `ci`: the spec, its
 * parameters and defaults, the search options (symmetry only when on), and where the violated
 * property is written.
 */
export function reportSubject(
  spec: Spec,
  params: Params,
  o: ConfigOptions & { configuration?: string },
  version: string,
  property: string | undefined,
): ReportSubject {
  const defaults = checkParams(spec.params, {});
  const location = property === undefined ? undefined : propertyLocation(spec.file, property);
  return {
    spec: spec.name,
    specDescription: spec.description,
    params,
    ...(defaults.ok ? { defaults: defaults.params } : {}),
    options: {
      ...(o.configuration === undefined ? {} : { configuration: o.configuration }),
      search: o.search ?? 'bfs',
      'max-states': o.maxStates ?? 'none',
      'max-depth': o.maxDepth ?? 'none',
      ...(o.symmetry ? { symmetry: true } : {}),
    },
    version,
    ...(location === undefined ? {} : { location }),
  };
}

/**
 * Writes every format for a run with a counterexample or a model error (the trace to the state
 * where the model threw); returns the paths written (none without a trace).
 */
export function writeReports(dir: string, input: ReportInput): string[] {
  const report = buildReport(input);
  return report === undefined ? [] : writeReport(dir, report);
}

/** Writes every format of a built report; returns the paths written. */
export function writeReport(dir: string, report: Report): string[] {
  const base = reportBaseName(report.subject, report.property.name);
  return FORMATS.map((f) => {
    const path = join(dir, `${base}.${f.ext}`);
    writeFileAtomic(path, f.render(report));
    return path;
  });
}
