// The worker thread a `tdxmc check` runs on (check-run.ts): loads the spec from its module,
// posts progress while it searches, then what to print.

import { parentPort, workerData } from 'node:worker_threads';
import { loadSpec } from '../spec-module.js';
import { UsageError } from '../exit.js';
import type { Progress } from '../result.js';
import { runCheck, type CheckOutput, type CheckRequest } from './check-run.js';

export type CheckWorkerMessage =
  | { readonly type: 'progress'; readonly progress: Progress }
  | { readonly type: 'done'; readonly output: CheckOutput }
  /** `usage`: a UsageError (bad input, an output that cannot be written), which stays one line with exit 2. */
  | { readonly type: 'failed'; readonly message: string; readonly usage: boolean; readonly stack?: string };

export interface CheckWorkerData {
  readonly module: string;
  readonly spec: string;
  readonly request: CheckRequest;
  /** Seconds between progress messages. */
  readonly interval: number;
}

const port = parentPort!;
const post = (m: CheckWorkerMessage): void => port.postMessage(m);
const data = workerData as CheckWorkerData;
try {
  const spec = await loadSpec(data.module, data.spec);
  post({ type: 'done', output: await runCheck(spec, data.request, (progress) => post({ type: 'progress', progress }), data.interval) });
} catch (e) {
  post({
    type: 'failed',
    message: (e as Error).message,
    usage: e instanceof UsageError,
    ...((e as Error).stack === undefined ? {} : { stack: (e as Error).stack }),
  });
}
