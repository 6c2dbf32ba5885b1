// Ctrl-C and SIGTERM during a long run: the command says what it has (the states so far, the
// configurations finished) and exits 128 + the signal's number (130, 143), as a shell reports a
// process the signal killed. A second signal ends the process at once.

import { constants } from 'node:os';

export type StopSignal = 'SIGINT' | 'SIGTERM';
const SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

/** The exit code of a run a signal stopped: 130 for SIGINT, 143 for SIGTERM. */
export const signalExit = (s: StopSignal): number => 128 + constants.signals[s];

/** Calls `stop` on the first SIGINT or SIGTERM until the returned function is called. */
export function onStopSignal(stop: (s: StopSignal) => void): () => void {
  let stopped = false;
  const listener = (s: StopSignal): void => {
    if (stopped) process.exit(signalExit(s));
    stopped = true;
    stop(s);
  };
  for (const s of SIGNALS) process.on(s, listener);
  return () => {
    for (const s of SIGNALS) process.off(s, listener);
  };
}
