// A module resolve hook (node:module register, used by spec-module.ts) for users' spec files:
// - `tdx-mc` and `tdx-mc/...` resolve as if imported from inside this package (its `exports`,
//   by self-reference), so a file gets the running checker, not whatever copy (or none) is
//   installed next to it;
// - a user's .ts or .js file outside node_modules is an ES module even where no package.json
//   says `"type": "module"` (a file in /tmp): it imports tdx-mc, which is ES modules only.

import type { ResolveHook } from 'node:module';

/** This package's root, from dist/checker/. */
const ROOT = new URL('../../', import.meta.url).href;
const SELF = new URL('package.json', ROOT).href;

const usersFile = (url: string): boolean =>
  url.startsWith('file:') && !url.startsWith(ROOT) && !url.includes('/node_modules/') && /\.(ts|js)$/.test(new URL(url).pathname);

export const resolve: ResolveHook = async (specifier, context, next) => {
  if (specifier === 'tdx-mc' || specifier.startsWith('tdx-mc/')) return next(specifier, { ...context, parentURL: SELF });
  const r = await next(specifier, context);
  return usersFile(r.url) ? { ...r, format: 'module' } : r;
};
