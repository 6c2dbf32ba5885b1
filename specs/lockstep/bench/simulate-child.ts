// One measured simulation in a fresh process: argv is the spec's name=value parameters, then
// --spec=NAME, --seed=S, --depth=D, --seconds=T and --swarm. Prints one JSON line.

import { CompiledModel } from '../../../checker/compiled.js';
import { resolveParams } from '../../../checker/params.js';
import { simulate } from '../../../checker/simulate.js';
import { findSpec } from '../../index.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}`))?.split('=')[1];
const spec = findSpec(flag('spec') ?? 'update');
if (spec === undefined) throw new Error(`bench: no spec ${flag('spec')}`);
const params = resolveParams(
  spec.params,
  args.filter((a) => !a.startsWith('--')),
);
if (!params.ok) throw new Error(params.error);
const cm = new CompiledModel(spec.build(params.params));
const r = simulate(cm, {
  seed: Number(flag('seed') ?? 1),
  runs: Number.MAX_SAFE_INTEGER,
  depth: Number(flag('depth') ?? 100),
  seconds: Number(flag('seconds') ?? 10),
  swarm: args.includes('--swarm'),
});
const f = r.found;
process.stdout.write(
  JSON.stringify({
    verdict: r.verdict,
    seconds: r.seconds,
    steps: r.steps,
    walks: r.runs.length,
    ...(f === undefined
      ? {}
      : { property: f.property < 0 ? 'deadlock' : cm.propertyNames[f.property], foundSeconds: f.seconds, walked: f.walked, shrunk: f.steps.length }),
  }) + '\n',
);
