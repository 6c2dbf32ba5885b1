// Runs a command of the CLI in this process, as `bin/tdxmc.js` would, with the specs given, and
// returns its exit code and what it wrote on stdout and stderr.

import { Writable } from 'node:stream';
import type { CliCommand } from '../../checker/cli/command.js';
import type { Spec } from '../../checker/spec.js';

const sink = (onText: (s: string) => void) =>
  new Writable({
    write(chunk, _enc, done) {
      onText(String(chunk));
      done();
    },
  });

export async function invoke(command: CliCommand, specs: readonly Spec[], ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await command.invoke(args, {
    specs,
    version: '0.0.0-test',
    out: sink((s) => (out += s)),
    err: sink((s) => (err += s)) as unknown as NodeJS.WriteStream,
  });
  return { code, out, err };
}
