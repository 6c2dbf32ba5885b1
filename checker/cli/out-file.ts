// Writing a file a flag names (--out, --junit, --sarif): the folder is made if missing, and a
// failure is bad input naming the flag, not an internal error.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../exit.js';

export function writeOut(flag: string, file: string, text: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (e) {
    throw new UsageError(`${flag}: cannot write ${file}: ${(e as Error).message}`, { cause: e });
  }
}
