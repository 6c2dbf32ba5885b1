// One measured tdxmc run in a fresh process (so JIT state and peak RSS belong to this run).
// argv: spec, then name=value parameters, then --symmetry, --exact, --workers=K.
// Prints one JSON line.

import { checkParallel } from '../check.js';
import { resolveParams } from '../params.js';
import { findSpec } from '../../specs/index.js';

const [specName, ...rest] = process.argv.slice(2);
const spec = findSpec(specName ?? '');
if (!spec) throw new Error(`bench: unknown spec ${specName}`);
const params = resolveParams(spec.params, rest.filter((a) => !a.startsWith('--')));
if (!params.ok) throw new Error(params.error);
const flag = (name: string) => rest.find((a) => a.startsWith(`--${name}`));
const workers = Number(flag('workers')?.split('=')[1] ?? 1);
const r = await checkParallel(spec, params.params, { workers, exact: !!flag('exact'), symmetry: !!flag('symmetry') });
const s = r.stats;
process.stdout.write(
  JSON.stringify({
    verdict: r.verdict,
    states: s.distinctStates,
    transitions: s.transitions,
    seconds: s.seconds,
    storeBytesPerState: s.storeBytes / Math.max(1, s.distinctStates),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }) + '\n',
);
