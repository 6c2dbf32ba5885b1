// One measured run in a fresh process (so JIT state and peak RSS belong to this run alone).
// argv: spec, then name=value parameters, then options as --flag[=value]. Prints one JSON line.

import { check } from '../check.js';
import { resolveParams } from '../params.js';
import { findSpec } from '../../specs/index.js';

const [specName, ...rest] = process.argv.slice(2);
const spec = findSpec(specName ?? '');
if (!spec) throw new Error(`bench: unknown spec ${specName}`);
const params = resolveParams(spec.params, rest.filter((a) => !a.startsWith('--')));
if (!params.ok) throw new Error(params.error);
const exact = rest.includes('--exact');
const r = check(spec.build(params.params), { exact });
const s = r.stats;
process.stdout.write(
  JSON.stringify({
    verdict: r.verdict,
    distinctStates: s.distinctStates,
    transitions: s.transitions,
    seconds: s.seconds,
    storeBytesPerState: s.storeBytes / Math.max(1, s.distinctStates),
    linkBytesPerState: s.linkBytes / Math.max(1, s.distinctStates),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }) + '\n',
);
