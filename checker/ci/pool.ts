// Runs jobs on at most `workers` worker threads within an optional wall-clock deadline: a job
// not finished by then is stopped and ends `incomplete` (stopped by time) with the figures of
// its last progress report. An aborted signal (Ctrl-C) ends every unfinished job as not run.
//
// A worker runs one spec's jobs one after another and is replaced by a fresh one when the next
// job is another spec's: a spec's models share their warmed-up code and the spec's caches
// (init's layouts take seconds to compute), while one spec's JIT feedback does not slow another.
// Measured on 2 cores: a fresh worker per job was about twice as slow on init and update.

import { Worker } from 'node:worker_threads';
import type { Progress } from '../result.js';
import { failedJob, type Job, type JobResult, type WorkerMessage } from './job.js';

/** The built worker beside this module (the CLI and CI run from dist/). */
const WORKER = new URL('./worker.js', import.meta.url);

export interface PoolOptions {
  readonly workers: number;
  /** `Date.now()` after which unfinished jobs are stopped. */
  readonly deadline?: number;
  /** Aborted (with the signal's name as reason): every unfinished job ends at once, not run. */
  readonly signal?: AbortSignal;
  readonly onStart?: (job: number) => void;
  readonly onProgress?: (job: number, p: Progress) => void;
  readonly onDone?: (job: number, r: JobResult) => void;
}

interface Slot {
  readonly worker: Worker;
  /** The spec this worker runs. */
  readonly key: string;
  job?: number;
  started: number;
  last?: Progress;
}

const keyOf = (j: Job): string => `${j.module}#${j.spec}`;

/** A job a signal stopped (`ci` interrupted): not run, whether it had started or not. */
function notRun(why: string): JobResult {
  return { actual: { verdict: 'incomplete', stoppedBy: why }, stats: { distinctStates: 0, transitions: 0, seconds: 0 }, reports: [], notRun: true };
}

function timedOut(slot: Slot | undefined): JobResult {
  return {
    actual: { verdict: 'incomplete', stoppedBy: 'time' },
    stats: {
      distinctStates: slot?.last?.distinctStates ?? 0,
      transitions: slot?.last?.transitions ?? 0,
      seconds: slot === undefined ? 0 : (Date.now() - slot.started) / 1000,
    },
    reports: [],
  };
}

export function runPool(jobs: readonly Job[], o: PoolOptions): Promise<JobResult[]> {
  return new Promise((resolve) => {
    const results: (JobResult | undefined)[] = jobs.map(() => undefined);
    const slots = new Set<Slot>();
    let next = 0;
    let done = 0;
    let timer: NodeJS.Timeout | undefined;

    const retire = (slot: Slot): void => {
      slots.delete(slot);
      void slot.worker.terminate();
    };
    const finish = (i: number, r: JobResult): void => {
      if (results[i] !== undefined) return;
      results[i] = r;
      done++;
      o.onDone?.(i, r);
      if (done < jobs.length) return launch();
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', abort);
      for (const s of [...slots]) retire(s);
      resolve(results as JobResult[]);
    };
    const assign = (slot: Slot, i: number): void => {
      slot.job = i;
      slot.started = Date.now();
      delete slot.last;
      o.onStart?.(i);
      slot.worker.postMessage(jobs[i]);
    };
    const spawn = (key: string): Slot => {
      const slot: Slot = { worker: new Worker(WORKER), key, started: Date.now() };
      slots.add(slot);
      // A worker that fails or exits takes its job with it; the pool carries on with a fresh one.
      const lost = (why: string): void => {
        slots.delete(slot);
        const i = slot.job;
        delete slot.job;
        if (i !== undefined) finish(i, failedJob(why));
      };
      slot.worker.on('message', (m: WorkerMessage) => {
        const i = slot.job;
        if (i === undefined) return;
        if (m.type === 'progress') {
          slot.last = m.progress;
          o.onProgress?.(i, m.progress);
          return;
        }
        delete slot.job;
        finish(i, m.result);
      });
      slot.worker.on('error', (e) => lost(`worker: ${e.message}`));
      slot.worker.on('exit', (code) => lost(`worker exited (code ${code}) without a result`));
      return slot;
    };
    const launch = (): void => {
      while (next < jobs.length) {
        const key = keyOf(jobs[next]!);
        const idle = [...slots].filter((s) => s.job === undefined);
        let slot = idle.find((s) => s.key === key);
        if (slot === undefined) {
          if (slots.size >= o.workers && idle.length === 0) return;
          if (slots.size >= o.workers) retire(idle[0]!);
          slot = spawn(key);
        }
        assign(slot, next++);
      }
      // Nothing left to start: idle workers are not needed any more.
      for (const s of [...slots]) if (s.job === undefined) retire(s);
    };

    /** Ends every unfinished job with `result`: nothing starts after this. */
    const stopAll = (result: (slot: Slot | undefined) => JobResult): void => {
      const unstarted = jobs.map((_, i) => i).slice(next);
      next = jobs.length;
      for (const s of [...slots]) {
        const i = s.job;
        delete s.job;
        retire(s);
        if (i !== undefined) finish(i, result(s));
      }
      for (const i of unstarted) finish(i, result(undefined));
    };

    if (jobs.length === 0) return resolve([]);
    if (o.deadline !== undefined) timer = setTimeout(() => stopAll(timedOut), Math.max(0, o.deadline - Date.now()));
    const abort = (): void => stopAll(() => notRun(String(o.signal!.reason)));
    if (o.signal?.aborted) return abort();
    o.signal?.addEventListener('abort', abort, { once: true });
    launch();
  });
}
