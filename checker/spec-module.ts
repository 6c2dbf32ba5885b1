// How a spec is loaded from its module (`Spec.file`), on the main thread and on every worker
// alike: this package's own JavaScript (its compiled specs, test fixtures) by a plain import,
// anything else (a user's spec file, TypeScript or JavaScript, anywhere on disk) through tsx,
// which strips types without checking them. In such a file `tdx-mc` and `tdx-mc/...` name the package that is running
// (spec-resolve.ts), so a reviewer's file works with whichever checker they run, installed or a clone.
// tsx rather than jiti: tsx hooks Node's own ES module loader, so the file's `tdx-mc` is the very
// modules this thread runs (jiti evaluates its own CommonJS copy of them), and esbuild names a
// syntax error's line and column.

import { register } from 'node:module';
import type { Spec } from './spec.js';

/** This package (dist/checker/ -> its root): its JavaScript imports natively, `tdx-mc` included (Node's self-reference). */
const PACKAGE = new URL('../../', import.meta.url).href;
const native = (url: string): boolean => url.startsWith(PACKAGE) && !/\.[cm]?ts$/.test(url);

/** Whether `x` is a spec: what a module's exports are searched for. */
const isSpec = (x: unknown): x is Spec =>
  typeof x === 'object' && x !== null && typeof (x as Spec).name === 'string' && typeof (x as Spec).build === 'function';

// One import per module and thread: each job of a file's specs reuses its evaluation.
const imported = new Map<string, Promise<Record<string, unknown>>>();
let hooked = false;

/** The module's exports; a user's file is transformed by tsx (its syntax errors throw here). */
export function importSpecModule(url: string): Promise<Record<string, unknown>> {
  let m = imported.get(url);
  if (m === undefined) {
    m = native(url) ? (import(url) as Promise<Record<string, unknown>>) : importForeign(url);
    imported.set(url, m);
  }
  return m;
}

async function importForeign(url: string): Promise<Record<string, unknown>> {
  if (!hooked) {
    // Ours first, so that tsx (registered after, hence asked first) takes the format ours sets.
    register(new URL('./spec-resolve.js', import.meta.url));
    // tsx for the whole thread, not scoped to the file (tsImport): scoped, the file's `tdx-mc`
    // would be a second copy of the checker rather than the modules this thread runs.
    const { register: tsx } = await import('tsx/esm/api');
    tsx();
    hooked = true;
  }
  return (await import(url)) as Record<string, unknown>;
}

/** Every spec a module exports: named exports and the default export, itself a spec or an array of them. */
function specsExported(exports: Record<string, unknown>): Spec[] {
  const found = Object.values(exports).flatMap((v) => (Array.isArray(v) ? v.filter(isSpec) : isSpec(v) ? [v] : []));
  return [...new Set(found)];
}

/** A spec that names no module is the one that exports it: workers load it from there. */
const from = (url: string, spec: Spec): Spec => (spec.file === undefined ? { ...spec, file: url } : spec);

/** The specs the module at `url` defines, not those it re-exports from another module (whose `file` names that one). */
export async function specsDefinedIn(url: string): Promise<Spec[]> {
  const specs = specsExported(await importSpecModule(url));
  return specs.filter((s) => s.file === undefined || s.file === url).map((s) => from(url, s));
}

/** The spec named `name` that the module at `url` exports. */
export async function loadSpec(url: string, name: string): Promise<Spec> {
  const spec = specsExported(await importSpecModule(url)).find((s) => s.name === name);
  if (spec === undefined) throw new Error(`${url} exports no spec named '${name}'`);
  return from(url, spec);
}
