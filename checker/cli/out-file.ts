// The files and folders flags name (--out, --junit, --sarif, --report): each is checked for
// writability before any work, so a bad path costs nothing, and written atomically; a failure is
// bad input naming the flag, not an internal error.

import { accessSync, closeSync, constants, existsSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { UsageError } from '../exit.js';
import { writeFileAtomic } from '../report/atomic-file.js';

/** A system error's code and meaning without the path it names (the line names it already). */
export const reason = (e: unknown): string => (e as Error).message.replace(/, \w+ '.*'$/, '');

export function writeOut(flag: string, file: string, text: string): void {
  try {
    writeFileAtomic(file, text);
  } catch (e) {
    throw new UsageError(`${flag}: cannot write ${file}: ${reason(e)}`, { cause: e });
  }
}

/**
 * Can files be made in `dir`, or in the folder that will be made there? Tried by making and
 * removing an empty file in it, or in its nearest existing ancestor: that finds a read-only file
 * system, a missing permission and a plain file in the way, and leaves nothing behind.
 */
function tryDir(dir: string): void {
  let at = dir;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  const probe = join(at, `.tdxmc-probe-${process.pid}-${threadId}`);
  closeSync(openSync(probe, 'wx'));
  unlinkSync(probe);
}

/** `--report DIR`: bad input naming the flag unless reports can be written into DIR. */
export function requireWritableDir(flag: string, dir: string): void {
  if (dir === '') throw new UsageError(`${flag}: an empty path`);
  try {
    tryDir(dir);
  } catch (e) {
    throw new UsageError(`${flag}: cannot write into ${dir}: ${reason(e)}`, { cause: e });
  }
}

/** `--out FILE`: bad input naming the flag unless FILE can be written (or replaced). */
export function requireWritableFile(flag: string, file: string): void {
  if (file === '') throw new UsageError(`${flag}: an empty path`);
  try {
    const s = statSync(file, { throwIfNoEntry: false });
    if (s?.isDirectory()) throw new Error('EISDIR: is a directory');
    // A device or FIFO is written in place (atomic-file.ts): it must take writes itself.
    if (s !== undefined && !s.isFile()) accessSync(file, constants.W_OK);
    else tryDir(dirname(file));
  } catch (e) {
    throw new UsageError(`${flag}: cannot write ${file}: ${reason(e)}`, { cause: e });
  }
}
