// The worker thread a `tdxmc check` runs on (check-run.ts): loads the spec from its module,
// posts progress while it searches, then what to print.

import { parentPort } from 'node:worker_threads';
import { loadSpec } from '../spec-module.js';
import { UsageError } from '../exit.js';
import type { Progress } from '../result.js';
import { runCheck } from './check-run.js';
import type { CheckOutput, CheckRequest } from './check-request.js';
import { explainingBuild } from './spec-arg.js';

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
const stackOf = (e: unknown): string | undefined => (e instanceof UsageError && e.cause instanceof Error ? e.cause : (e as Error)).stack;

// The command starts this thread before it has read its flags, so that loading the engine here
// overlaps that; the run arrives as one message.
port.once('message', (data: CheckWorkerData) => void search(data));

async function search(data: CheckWorkerData): Promise<void> {
  try {
    // A model that fails to build is bad input, reported as when the main thread builds it.
    const spec = explainingBuild(await loadSpec(data.module, data.spec));
    post({ type: 'done', output: await runCheck(spec, data.request, (progress) => post({ type: 'progress', progress }), data.interval) });
  } catch (e) {
    post({
      type: 'failed',
      message: (e as Error).message,
      usage: e instanceof UsageError,
      // --debug shows what the user's code threw, as for an error on the main thread.
      ...(stackOf(e) === undefined ? {} : { stack: stackOf(e) }),
    });
  }
}
