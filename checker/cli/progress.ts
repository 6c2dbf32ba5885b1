// The progress line of long runs, on stderr: on a terminal one line rewritten in place and cut
// to its width; elsewhere (a CI log) a plain line at most every 10 s.

import type { Progress } from '../result.js';

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export function progressLine(p: Progress): string {
  const rate = p.seconds > 0 ? p.distinctStates / p.seconds : 0;
  return `${fmt(p.distinctStates)} states, ${fmt(rate)} states/s, queue ${fmt(p.queue)}, depth ${p.depth}, ${p.seconds.toFixed(1)} s`;
}

/** How a progress display writes to `stream`: how often, and how a line is shown. */
export interface ProgressSink {
  readonly tty: boolean;
  /** True when a line may be shown now (and counts it as shown). */
  due(): boolean;
  /** Shows `text`: in place and cut to the terminal's width, or as a plain line. */
  show(text: string): void;
  /** Clears a line shown in place. */
  clear(): void;
}

export function progressSink(stream: NodeJS.WriteStream): ProgressSink {
  const tty = stream.isTTY === true;
  const every = tty ? 500 : 10_000;
  let last = Date.now();
  let shown = false;
  return {
    tty,
    due() {
      const now = Date.now();
      if (now - last < every) return false;
      last = now;
      return true;
    },
    show(text) {
      if (!tty) return void stream.write(`progress: ${text}\n`);
      // The last column left free: a terminal that wraps there would scroll the line.
      stream.write(`\r\x1b[2K${[...text].slice(0, Math.max(1, (stream.columns ?? 80) - 1)).join('')}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

export interface ProgressPrinter {
  update(p: Progress): void;
  done(): void;
}

export function progressPrinter(stream: NodeJS.WriteStream): ProgressPrinter {
  const sink = progressSink(stream);
  return {
    update: (p) => {
      if (sink.due()) sink.show(progressLine(p));
    },
    done: () => sink.clear(),
  };
}
