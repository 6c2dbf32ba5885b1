// The progress display of runs in parallel, on stderr: configurations done out of all, and for
// each one running its states and seconds so far. Rewritten in place on a terminal (cleared
// around the result lines on stdout), a plain line every 10 s otherwise (CI logs).

import type { Progress } from '../result.js';

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
  const tty = stream.isTTY === true;
  const interval = tty ? 500 : 10_000;
  const running = new Map<number, { label: string; started: number; states: number }>();
  let finished = 0;
  let shown = false;
  let last = 0;

  const line = (): string => {
    const now = Date.now();
    const jobs = [...running.values()].map((r) => `${r.label} ${fmt(r.states)} states ${((now - r.started) / 1000).toFixed(0)} s`);
    return `[${finished}/${total}] ${jobs.join(' | ')}`;
  };
  const clear = (): void => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  const draw = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - last < interval) return;
    last = now;
    if (!tty) {
      stream.write(`progress: ${line()}\n`);
      return;
    }
    const width = stream.columns ?? 100;
    stream.write(`\r\x1b[2K${line().slice(0, width - 1)}`);
    shown = true;
  };
  return {
    start(job, label) {
      running.set(job, { label, started: Date.now(), states: 0 });
    },
    update(job, p) {
      const r = running.get(job);
      if (r !== undefined) r.states = p.distinctStates;
      draw(false);
    },
    done(job) {
      running.delete(job);
      finished++;
    },
    around(write) {
      clear();
      write();
      if (tty && running.size > 0) draw(true);
    },
    end: clear,
  };
}
