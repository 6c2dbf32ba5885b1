// Specs from a user's own file (`tdxmc check ./my-step.ts`): a .ts, .mts, .js or .mjs ES module
// whose exports are searched for specs (spec-module.ts loads it, TypeScript through tsx, types not
// checked). A file's own specs are those it defines: an exported spec whose `file` names another
// module (the shipped `update`, re-exported to compare against) is not one of them. Whatever
// keeps the file from giving a spec is one line naming the file and, where known, the line.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError } from '../exit.js';
import type { Spec } from '../spec.js';
import { specsDefinedIn } from '../spec-module.js';

const EXTENSION = /\.(ts|mts|js|mjs)$/;

/** Whether a spec argument names a file: a path (./, ../, /) or a file name ending in .ts, .mts, .js or .mjs, optionally `#spec`. */
export const isSpecPath = (arg: string): boolean => /^\.{0,2}\//.test(arg) || /\.(ts|mts|js|mjs)(#[^/]*)?$/.test(arg);

/** `path` as the user would write it: from the working directory when under it. */
function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r === '' || r.startsWith('..') || isAbsolute(r) ? path : `./${r}`;
}

/** A user's file (neither node_modules nor this package) in a stack frame or error text, with its line and column. */
const SITE = /(?:file:\/\/)?(\/[^\s:()?]+\.(?:ts|mts|js|mjs))(?:\?[^\s:()]*)?:(\d+):(\d+)/g;
/** This package's code: dist/ (beside checker/cli/) and bin/. */
const OWN = [new URL('../../', import.meta.url), new URL('../../../bin/', import.meta.url)].map((u) => fileURLToPath(u));
const ours = (path: string): boolean => OWN.some((dir) => path.startsWith(dir));

function userSite(text: string): string | undefined {
  for (const m of text.matchAll(SITE)) {
    const path = m[1]!;
    if (!path.includes('/node_modules/') && !ours(path)) return `${shown(path)}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

/** Where in a user's file `e` was thrown (`./my-step.ts:12:5`), if there. */
export const thrownAt = (e: unknown): string | undefined => (e instanceof Error ? userSite(e.stack ?? '') : undefined);

/**
 * Where JavaScript that Node would not parse goes wrong (`:2:11`): Node's SyntaxError names no
 * line (esbuild's, for TypeScript, does), so the file is parsed again by `node --check`.
 */
function syntaxSite(file: string): string | undefined {
  const r = spawnSync(process.execPath, ['--input-type=module', '--check'], { input: readFileSync(file), encoding: 'utf8' });
  const m = /^\[stdin\]:(\d+)\n.*\n( *)\^/.exec(r.stderr);
  return m === null ? undefined : `${shown(file)}:${m[1]}:${m[2]!.length + 1}`;
}

/** One line for what went wrong loading `file`: esbuild's syntax error, or the user's frame of what threw. */
function loadError(file: string, e: unknown): UsageError {
  const err = e instanceof Error ? e : new Error(String(e));
  const syntax = /^Transform failed with \d+ errors?:\n(\S+?):(\d+):(\d+): ERROR: (.*)/.exec(err.message);
  // esbuild counts columns from 0, stack traces and editors from 1.
  if (syntax !== null) return new UsageError(`${shown(syntax[1]!)}:${syntax[2]}:${Number(syntax[3]) + 1}: ${syntax[4]}`, { cause: e });
  const what = err.name === 'Error' ? err.message : `${err.name}: ${err.message}`;
  const at = thrownAt(err) ?? (err instanceof SyntaxError && !/\.[cm]?ts$/.test(file) ? syntaxSite(file) : undefined);
  return new UsageError(`${at ?? shown(file)}: ${what.split('\n')[0]}`, { cause: e });
}

/** The specs `file` defines, each with `file` naming it (so worker threads load it from there). */
export async function specsOfFile(file: string): Promise<Spec[]> {
  const path = resolve(file);
  const url = pathToFileURL(path).href;
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw new UsageError(`${shown(path)}: no such file`);
  let specs: Spec[];
  try {
    specs = await specsDefinedIn(url);
  } catch (e) {
    throw loadError(path, e);
  }
  if (specs.length === 0) throw new UsageError(`${shown(path)}: exports no spec (export default defineSpec({ ... }) from 'tdx-mc')`);
  return specs;
}

/** `./file.ts` (its one spec) or `./file.ts#name`. */
export async function specOfFile(arg: string): Promise<Spec> {
  const hash = arg.lastIndexOf('#');
  const file = hash < 0 ? arg : arg.slice(0, hash);
  const specs = await specsOfFile(file);
  const names = specs.map((s) => s.name).join(', ');
  if (hash >= 0) {
    const spec = specs.find((s) => s.name === arg.slice(hash + 1));
    if (spec === undefined) throw new UsageError(`${file}: no spec named '${arg.slice(hash + 1)}' (it exports ${names})`);
    return spec;
  }
  if (specs.length > 1) throw new UsageError(`${file} exports ${specs.length} specs (${names}): name one, e.g. ${file}#${specs[0]!.name}`);
  return specs[0]!;
}

/**
 * `ci ./file.ts ./dir`: every file's specs; a directory's .ts, .mts, .js and .mjs files (not
 * .d.ts), in name order. Specs that expect nothing would make a run that checks nothing: refused.
 */
export async function specsOfPaths(paths: readonly string[]): Promise<Spec[]> {
  const files = paths.flatMap((p) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (st === undefined && !isSpecPath(p))
      throw new UsageError(`ci: takes no spec ('${p}'): spec files or directories, or --only ${p} for its configurations`);
    if (!st?.isDirectory()) return [p];
    const inside = readdirSync(p)
      .filter((f) => EXTENSION.test(f) && !f.endsWith('.d.ts'))
      .sort()
      .map((f) => join(p, f));
    if (inside.length === 0) throw new UsageError(`${p}: no .ts, .mts, .js or .mjs file in this directory`);
    return inside;
  });
  const specs: Spec[] = [];
  const from = new Map<string, string>();
  for (const f of files) {
    for (const s of await specsOfFile(f)) {
      const other = from.get(s.name);
      if (other !== undefined) throw new UsageError(`two specs named '${s.name}' (${other}, ${shown(resolve(f))})`);
      from.set(s.name, shown(resolve(f)));
      specs.push(s);
    }
  }
  if (specs.every((s) => (s.expectations ?? []).length === 0))
    throw new UsageError(`${paths.join(', ')}: no spec with expectations to check (defineSpec({ ..., expectations: [...] }))`);
  return specs;
}

/** How output names a spec: one from a user's file with its path (`mine (./my-step.ts)`). */
export function specLabel(spec: Spec): string {
  if (spec.file === undefined || !spec.file.startsWith('file:')) return spec.name;
  const path = fileURLToPath(spec.file);
  return ours(path) ? spec.name : `${spec.name} (${shown(path)})`;
}
