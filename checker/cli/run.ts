// The process side of `tdxmc`: bin/tdxmc.js, the composition root, builds the spec registry
// and calls this with it.

import type { Spec } from '../spec.js';
import { main } from './main.js';
import { version } from './version.js';

export async function run(argv: readonly string[], specs: readonly Spec[]): Promise<void> {
  // A reader that stops early (`tdxmc ... | head`) is not an error of ours.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  process.exitCode = await main(argv, { specs, version: version(), out: process.stdout, err: process.stderr });
}
