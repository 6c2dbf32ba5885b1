// The process side of `tdxmc`: bin/tdxmc.js, the composition root, calls this with the spec
// catalog (specs/catalog.ts), whose modules a command imports only when it names them.

import { EXIT } from '../exit.js';
import { main } from './main.js';
import { reason } from './out-file.js';
import type { SpecRegistry } from './spec-registry.js';
import { version } from './version.js';

export async function run(argv: readonly string[], specs: SpecRegistry): Promise<void> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    // A reader that stops early (`tdxmc ... | head`) is not an error of ours.
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.pass);
    // A full device or a broken file: the output is lost, which the exit code must say.
    process.stderr.write(`tdxmc: cannot write to standard output: ${reason(e)}\n`);
    process.exit(EXIT.badInput);
  });
  // Nobody reads stderr any more (`2>&1 | head`): the rest of the run still counts.
  process.stderr.on('error', () => undefined);
  process.exitCode = await main(argv, { specs, version: version(), out: process.stdout, err: process.stderr, env: process.env });
}
