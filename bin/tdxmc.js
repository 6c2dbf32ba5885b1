#!/usr/bin/env node
// The installed command. The TypeScript sources are compiled to dist/ by `npm ci` (prepare).
import('../dist/checker/cli/run.js').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('tdxmc: not built yet: run `npm run build` (npm ci does it)\n');
    process.exit(2);
  }
  throw e;
});
