// Every file tdx-mc writes goes through here, so that a failure (a full disk, a killed process)
// leaves the previous file or none, never half of one: the text is written to a temporary name
// beside the file and renamed over it. The temporary name carries the thread as well as the
// process, since ci's jobs run in threads of one process and may write one report name.

import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';

export function writeFileAtomic(path: string, text: string): void {
  // A device or FIFO (/dev/stdout, a pipe) is written in place: a rename would replace it.
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing !== undefined && !existing.isFile()) return writeFileSync(path, text);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}-${threadId}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    // What the failure left is removed; a failure to remove it must not hide the first.
    try {
      rmSync(tmp, { force: true });
    } catch {
      /* the first failure is the one to report */
    }
    throw e;
  }
}
