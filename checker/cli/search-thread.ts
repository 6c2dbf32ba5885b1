// The thread a `tdxmc check` searches on (check-worker.ts). It is started as soon as the command
// line names `check`, so that it loads the engine while this thread loads the command and checks
// the flags; unused (bad input), it is unreferenced and holds nothing up.

import { Worker } from 'node:worker_threads';

let spare: Worker | undefined;
const newThread = (): Worker => new Worker(new URL('./check-worker.js', import.meta.url));

export function startSearchThread(): void {
  if (spare !== undefined) return;
  spare = newThread();
  spare.unref();
}

/** The thread started ahead, or a new one (a sweep takes one per value). */
export function takeSearchThread(): Worker {
  const w = spare ?? newThread();
  spare = undefined;
  w.ref();
  return w;
}
