#!/usr/bin/env node
// The installed command and the composition root: the spec catalog (names, and the modules that
// define them, imported on first use) is handed to the command line here, so that nothing under
// checker/ imports a spec. The TypeScript sources are compiled to dist/ by `npm ci` (prepare).
let modules;
try {
  modules = await Promise.all([import('../dist/checker/cli/run.js'), import('../dist/specs/catalog.js')]);
} catch (e) {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('tdxmc: not built yet: run `npm run build` (npm ci does it)\n');
    process.exit(2);
  }
  throw e;
}
const [{ run }, { catalog }] = modules;
await run(process.argv.slice(2), catalog);
