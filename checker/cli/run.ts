// Process entry: `bin/tdxmc.js` imports this.
import { main } from './main.js';

// A reader that stops early (`tdxmc ... | head`) is not an error of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
