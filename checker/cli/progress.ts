// The progress line of long runs, on stderr: rewritten in place on a terminal, plain lines
// otherwise (CI logs).

import type { Progress } from '../result.js';

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export function progressLine(p: Progress): string {
  const rate = p.seconds > 0 ? p.distinctStates / p.seconds : 0;
  return `${fmt(p.distinctStates)} states, ${fmt(rate)} states/s, queue ${fmt(p.queue)}, depth ${p.depth}, ${p.seconds.toFixed(1)} s`;
}

export interface ProgressPrinter {
  readonly interval: number;
  update(p: Progress): void;
  done(): void;
}

export function progressPrinter(stream: NodeJS.WriteStream): ProgressPrinter {
  const tty = stream.isTTY === true;
  let shown = false;
  return {
    interval: tty ? 0.5 : 10,
    update(p) {
      if (tty) {
        stream.write(`\r\x1b[2K${progressLine(p)}`);
        shown = true;
      } else stream.write(`progress: ${progressLine(p)}\n`);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
