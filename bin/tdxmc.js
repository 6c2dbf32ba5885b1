#!/usr/bin/env node
// The installed command and the composition root: the spec registry is built here and handed
// to the command line, so that nothing under checker/ imports a spec. The TypeScript sources
// are compiled to dist/ by `npm ci` (prepare).
let modules;
try {
  modules = await Promise.all([import('../dist/checker/cli/run.js'), import('../dist/specs/index.js')]);
} catch (e) {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('tdxmc: not built yet: run `npm run build` (npm ci does it)\n');
    process.exit(2);
  }
  throw e;
}
const [{ run }, { specs }] = modules;
await run(process.argv.slice(2), specs);
