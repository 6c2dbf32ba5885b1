// What two searches of one model must agree on, seconds and memory aside: the counts, depth,
// per-action firings, verdict and the finding with its trace.

import type { SearchResult } from '../../checker/result.js';

export const summary = (r: SearchResult) => ({
  verdict: r.verdict,
  states: r.stats.distinctStates,
  transitions: r.stats.transitions,
  depth: r.stats.maxDepth,
  fired: [...r.stats.fired],
  property: r.found?.property,
  length: r.found?.length,
  state: r.found?.state,
  steps: r.found?.steps,
  fault: r.found?.fault && { phase: r.found.fault.phase, ref: r.found.fault.ref, property: r.found.fault.property },
  unreached: r.unreached,
});
