// One measured tdxmc run of lockstep in a fresh process (so JIT state and peak RSS belong to
// this run). argv: name=value parameters, then --symmetry, --exact, --workers=K.
// Prints one JSON line.

import { checkParallel } from '../../../checker/check.js';
import { resolveParams } from '../../../checker/params.js';
import { lockstep } from '../spec.js';

const args = process.argv.slice(2);
const params = resolveParams(
  lockstep.params,
  args.filter((a) => !a.startsWith('--')),
);
if (!params.ok) throw new Error(params.error);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}`));
const workers = Number(flag('workers')?.split('=')[1] ?? 1);
const r = await checkParallel(lockstep, params.params, { workers, exact: !!flag('exact'), symmetry: !!flag('symmetry') });
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
