// Where a property is written in its spec's source, for reports and SARIF (`specs/lockstep/spec.ts:178`).
// A spec names its module by `import.meta.url`; a build runs it from dist/, so the TypeScript
// source beside dist/ is read when it is there. Paths are shown from the package root.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(from: string): string | undefined {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A file shown from the package root, and the line when found. */
export interface Site {
  readonly path: string;
  readonly line?: number;
}

/**
 * Where a property is defined: its entry `<property>: invariant(` (or `transition(`) in
 * `declareProperties`, or the line `name: '<property>'` of a model written without it, in the
 * spec's module, else in another .ts file of its folder (properties.ts and the like); a
 * deadlock points at `isEndState`.
 */
export function propertySite(file: string | undefined, property: string): Site | undefined {
  if (file === undefined || !file.startsWith('file:')) return undefined;
  const path = fileURLToPath(file);
  const built = /^(.*)[/\\]dist[/\\](.*)\.js$/.exec(path);
  const source = built !== null && existsSync(join(built[1]!, `${built[2]}.ts`)) ? join(built[1]!, `${built[2]}.ts`) : path;
  const root = existsSync(source) ? packageRoot(source) : undefined;
  if (root === undefined) return undefined;
  const shown = (f: string): string => relative(root, f).split('\\').join('/');
  const quoted = property.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const named =
    property === 'deadlock'
      ? /\bisEndState\b/
      : new RegExp(`name:\\s*['"\`]${quoted}['"\`]|^\\s*(${quoted}|['"]${quoted}['"])\\s*:\\s*(invariant|transition)\\(`);
  const folder = dirname(source);
  const others = readdirSync(folder)
    .filter((f) => f.endsWith('.ts') && join(folder, f) !== source)
    .sort()
    .map((f) => join(folder, f));
  for (const f of [source, ...others]) {
    const line = readFileSync(f, 'utf8')
      .split('\n')
      .findIndex((l) => named.test(l));
    if (line >= 0) return { path: shown(f), line: line + 1 };
  }
  return { path: shown(source) };
}

/** `specs/lockstep/spec.ts:178` */
export function propertyLocation(file: string | undefined, property: string): string | undefined {
  const site = propertySite(file, property);
  return site === undefined ? undefined : site.line === undefined ? site.path : `${site.path}:${site.line}`;
}
