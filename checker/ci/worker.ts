// A worker thread's entry: runs the jobs the pool sends it, one at a time, posting each one's
// progress and result. The pool gives a worker one spec's jobs (see pool.ts).

import { parentPort } from 'node:worker_threads';
import { runJob, type Job, type WorkerMessage } from './job.js';

const port = parentPort!;
const post = (m: WorkerMessage): void => port.postMessage(m);
port.on('message', (job: Job) => {
  void runJob(job, (progress) => post({ type: 'progress', progress })).then((result) => post({ type: 'done', result }));
});
