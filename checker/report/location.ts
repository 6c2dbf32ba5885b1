// Where a spec's parts are written in its sources (`specs/lockstep/spec.ts:178`), for reports,
// SARIF and JUnit. Two ways: the line declaring a property in the spec's folder
// (`propertySite`, for reports, which know only the spec's module and the property's name),
// and, from the code itself, the first line of the function that implements a property or an
// action (`withCodeSites`): V8 records where it compiled each function from, and the build's
// source maps lead from dist/ back to the TypeScript. Paths are shown from the package root (for
// code sites, else from the working directory).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnyModel } from '../model.js';

/** The nearest folder above `from` with a package.json. */
export function packageRoot(from: string): string | undefined {
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

/** `path` from the root of the package holding it, else from the working directory below which it is; undefined elsewhere. */
function fromRoot(path: string, line?: number): Site | undefined {
  const root = packageRoot(path) ?? (path.startsWith(process.cwd() + sep) ? process.cwd() : undefined);
  if (root === undefined) return undefined;
  return { path: relative(root, path).split('\\').join('/'), ...(line === undefined ? {} : { line }) };
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

// ---- Sites from the code ----------------------------------------------------------------------

/** A model function's first line in its source; undefined for a function V8 has no source for. */
export type CodeSiteOf = (fn: (...args: never[]) => unknown) => Site | undefined;

/** The part of the inspector session used here: each call answers before it returns (same thread). */
interface SyncSession {
  post(method: string, params: object, callback: (error: Error | null, result: unknown) => void): void;
}

function call<T>(session: SyncSession, method: string, params: object = {}): T {
  let answer: { error: Error | null; result: unknown } | undefined;
  session.post(method, params, (error, result) => (answer = { error, result }));
  if (answer === undefined) throw new Error(`inspector: ${method} did not answer`);
  if (answer.error !== null) throw answer.error;
  return answer.result as T;
}

interface FunctionLocation {
  readonly scriptId: string;
  /** 0-based, as V8 counts. */
  readonly lineNumber: number;
  readonly columnNumber: number;
}

/** A source map, and the URL its relative sources resolve against. */
interface Mapping {
  readonly map: SourceMap;
  readonly base: string;
}

/** Source maps by their URL, each read once. */
type Maps = Map<string, Mapping | undefined>;

/**
 * The source map a script names (its `sourceMappingURL`: a file beside it, or inline as a data:
 * URL, as a test runner's transform leaves it), read once.
 */
function mappingOf(script: string, sourceMapURL: string, maps: Maps): Mapping | undefined {
  if (sourceMapURL === '') return undefined;
  const url = new URL(sourceMapURL, script);
  if (!maps.has(url.href)) {
    let text: string | undefined;
    if (url.protocol === 'data:') {
      const [head, data] = [url.href.slice(0, url.href.indexOf(',')), url.href.slice(url.href.indexOf(',') + 1)];
      text = head.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
    } else if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) text = readFileSync(fileURLToPath(url), 'utf8');
    const base = url.protocol === 'data:' ? script : url.href;
    maps.set(url.href, text === undefined ? undefined : { map: new SourceMap(JSON.parse(text) as SourceMapPayload), base });
  }
  return maps.get(url.href);
}

/** A source a map names, as a path when that file is there. */
function sourcePath(m: Mapping, source: string): string | undefined {
  const root = m.map.payload.sourceRoot === undefined || m.map.payload.sourceRoot === '' ? '' : m.map.payload.sourceRoot.replace(/\/?$/, '/');
  const url = new URL(root + source, m.base);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? fileURLToPath(url) : undefined;
}

/** Where a script's position (0-based line and column, as V8 counts) came from: its source map's source, else itself. */
function original(script: string, sourceMapURL: string, line: number, column: number, maps: Maps): { path: string; line: number } {
  const itself = { path: fileURLToPath(script), line: line + 1 };
  const m = mappingOf(script, sourceMapURL, maps);
  const entry = m?.map.findEntry(line, column);
  if (m === undefined || entry === undefined || !('originalSource' in entry)) return itself;
  const source = sourcePath(m, entry.originalSource);
  return source === undefined ? itself : { path: source, line: entry.originalLine + 1 };
}

/**
 * Runs `use` with a lookup of the sites of functions. The debugger is on only while `use` runs: it
 * reports which script each function's location is in, and the script's source map.
 */
export function withCodeSites<T>(use: (siteOf: CodeSiteOf) => T): T {
  const session = new Session();
  session.connect();
  const scripts = new Map<string, { url: string; sourceMapURL: string }>();
  session.on('Debugger.scriptParsed', (m) => void scripts.set(m.params.scriptId, { url: m.params.url, sourceMapURL: m.params.sourceMapURL ?? '' }));
  const sync = session as unknown as SyncSession;
  const maps: Maps = new Map();
  const held = Symbol.for('tdxmc.codeSite');
  const global = globalThis as Record<symbol, unknown>;
  try {
    call(sync, 'Debugger.enable');
    return use((fn) => {
      global[held] = fn;
      try {
        const { result } = call<{ result: { objectId: string } }>(sync, 'Runtime.evaluate', { expression: "globalThis[Symbol.for('tdxmc.codeSite')]" });
        const { internalProperties } = call<{ internalProperties?: { name: string; value?: { value?: FunctionLocation } }[] }>(sync, 'Runtime.getProperties', {
          objectId: result.objectId,
          ownProperties: true,
        });
        call(sync, 'Runtime.releaseObject', { objectId: result.objectId });
        const at = internalProperties?.find((p) => p.name === '[[FunctionLocation]]')?.value?.value;
        const script = at === undefined ? undefined : scripts.get(at.scriptId);
        if (at === undefined || script === undefined || !script.url.startsWith('file:')) return undefined;
        const o = original(script.url, script.sourceMapURL, at.lineNumber, at.columnNumber, maps);
        return fromRoot(o.path, o.line);
      } finally {
        delete global[held];
      }
    });
  } finally {
    session.disconnect();
  }
}

/** Where a model's parts are written, each found from the function that implements it. */
export interface ModelSites {
  /** A property's predicate (`holds`, `reached`, `to`); `isEndState` for `deadlock`. */
  property(name: string): Site | undefined;
  /** An action's effect (what the step does), or its guard. */
  action(name: string, part?: 'guard' | 'effect'): Site | undefined;
  /** An initial-state writer, the first by default. */
  init(index?: number): Site | undefined;
}

export function modelSites(m: AnyModel, siteOf: CodeSiteOf): ModelSites {
  const predicate = (name: string) =>
    name === 'deadlock'
      ? m.isEndState
      : (m.invariants.find((p) => p.name === name)?.holds ??
        m.transitionProperties?.find((p) => p.name === name)?.holds ??
        m.targets?.find((p) => p.name === name)?.reached ??
        m.liveness?.find((p) => p.name === name)?.to);
  const at = (fn: ((...args: never[]) => unknown) | undefined): Site | undefined => (fn === undefined ? undefined : siteOf(fn));
  return {
    property: (name) => at(predicate(name)),
    action: (name, part = 'effect') => at(m.actions.find((a) => a.name === name)?.[part]),
    init: (index = 0) => at(m.init[index]),
  };
}

/** A spec's module (`Spec.file`), as its source: the TypeScript a build's module came from. */
export function moduleSite(file: string | undefined): Site | undefined {
  if (file === undefined || !file.startsWith('file:')) return undefined;
  const path = fileURLToPath(file);
  // The source map a build names in its last `//# sourceMappingURL=` comment.
  const named = existsSync(path) ? [...readFileSync(path, 'utf8').matchAll(/^\/\/# sourceMappingURL=(\S+)\s*$/gm)].at(-1)?.[1] : undefined;
  const m = named === undefined ? undefined : mappingOf(file, named, new Map());
  const source = m?.map.payload.sources.length === 1 ? sourcePath(m, m.map.payload.sources[0]!) : undefined;
  return fromRoot(source ?? path);
}
