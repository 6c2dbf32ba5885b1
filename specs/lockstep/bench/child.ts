// One measured tdxmc run in a fresh process (so JIT state and peak RSS belong to this run):
// lockstep, or the spec --spec=NAME names. argv: name=value parameters, then --spec=NAME,
// --symmetry, --por, --exact, --workers=K, --probe (the command's default: one thread first),
// --no-liveness. Prints one JSON line.

import { checkParallel } from '../../../checker/check.js';
import { edgeBytes } from '../../../checker/liveness.js';
import { resolveParams } from '../../../checker/params.js';
import { findSpec } from '../../index.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}`));
const spec = findSpec(flag('spec')?.split('=')[1] ?? 'lockstep');
if (spec === undefined) throw new Error(`bench: no spec ${flag('spec')}`);
const params = resolveParams(
  spec.params,
  args.filter((a) => !a.startsWith('--')),
);
if (!params.ok) throw new Error(params.error);
const workers = Number(flag('workers')?.split('=')[1] ?? 1);
const r = await checkParallel(spec, params.params, {
  workers,
  probe: !!flag('probe'),
  exact: !!flag('exact'),
  symmetry: !!flag('symmetry'),
  por: !!flag('por'),
  liveness: !flag('no-liveness'),
});
const s = r.stats;
const live = r.liveness;
const perEdge = edgeBytes(s.distinctStates, r.compiled.refs.length);
process.stdout.write(
  JSON.stringify({
    verdict: r.verdict,
    states: s.distinctStates,
    transitions: s.transitions,
    seconds: s.seconds,
    workers: s.workers,
    storeBytesPerState: s.storeBytes / Math.max(1, s.distinctStates),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    ...(live === undefined || live.checked.length === 0
      ? {}
      : {
          liveness: {
            checked: live.checked,
            seconds: live.seconds,
            edges: live.edges,
            bytesPerEdge: perEdge,
            bytesPerState: (live.bytes - perEdge * live.edges) / Math.max(1, s.distinctStates),
          },
        }),
  }) + '\n',
);
