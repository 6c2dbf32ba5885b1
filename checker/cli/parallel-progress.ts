// The progress display of runs in parallel, on stderr: configurations done out of all, and for
// each one running its states and seconds so far. Shown as progress.ts shows a line: in place on
// a terminal (cleared around the result lines on stdout), a plain line every 10 s otherwise.

import type { Progress } from '../result.js';
import { progressSink } from './progress.js';

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export interface ParallelProgress {
  start(job: number, label: string): void;
  update(job: number, p: Progress): void;
  done(job: number): void;
  /** Runs `write` (which prints to the terminal) with the progress line out of the way. */
  around(write: () => void): void;
  end(): void;
}

export function parallelProgress(stream: NodeJS.WriteStream, total: number): ParallelProgress {
  const sink = progressSink(stream);
  const running = new Map<number, { label: string; started: number; states: number }>();
  let finished = 0;

  const line = (): string => {
    const now = Date.now();
    const jobs = [...running.values()].map((r) => `${r.label} ${fmt(r.states)} states ${((now - r.started) / 1000).toFixed(0)} s`);
    return `[${finished}/${total}] ${jobs.join(' | ')}`;
  };
  return {
    start(job, label) {
      running.set(job, { label, started: Date.now(), states: 0 });
    },
    update(job, p) {
      const r = running.get(job);
      if (r !== undefined) r.states = p.distinctStates;
      if (sink.due()) sink.show(line());
    },
    done(job) {
      running.delete(job);
      finished++;
    },
    around(write) {
      sink.clear();
      write();
      if (sink.tty && running.size > 0) sink.show(line());
    },
    end: () => sink.clear(),
  };
}
