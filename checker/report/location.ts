// Where a property is written in its spec's source, for reports (`specs/lockstep/spec.ts:178`).
// A spec names its module by `import.meta.url`; a build runs it from dist/, so the TypeScript
// source beside dist/ is read when it is there. Paths are shown from the package root.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(from: string): string | undefined {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export function propertyLocation(file: string | undefined, property: string): string | undefined {
  if (file === undefined || !file.startsWith('file:')) return undefined;
  const path = fileURLToPath(file);
  const built = /^(.*)[/\\]dist[/\\](.*)\.js$/.exec(path);
  const source = built !== null && existsSync(join(built[1]!, `${built[2]}.ts`)) ? join(built[1]!, `${built[2]}.ts`) : path;
  const root = existsSync(source) ? packageRoot(source) : undefined;
  if (root === undefined) return undefined;
  const shown = relative(root, source).split('\\').join('/');
  const quoted = property.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const named = new RegExp(`name:\\s*['"\`]${quoted}['"\`]`);
  const line = readFileSync(source, 'utf8').split('\n').findIndex((l) => named.test(l));
  return line < 0 ? shown : `${shown}:${line + 1}`;
}
