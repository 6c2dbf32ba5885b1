// The build in dist/ (npm test builds first), for tests that drive what runs in worker threads:
// a worker loads the compiled modules, so the test must use the same ones.

/** The URL of a compiled module, e.g. `distUrl('checker/bfs.js')`. */
export const distUrl = (path: string): string => new URL(`../../dist/${path}`, import.meta.url).href;

/** Imports a compiled module; `T` is the type of its source (`typeof import('../checker/bfs.js')`). */
export const built = async <T>(path: string): Promise<T> => (await import(distUrl(path))) as T;
