// One measured simulation in a fresh process: argv is the spec's name=value parameters, then
// --spec=NAME (or --spec-file=PATH, a module whose first exported spec is taken), --seed=S,
// --depth=D, --seconds=T, --swarm and --no-shrink. Prints one JSON line.

import { pathToFileURL } from 'node:url';
import { CompiledModel } from '../../../checker/compiled.js';
import { resolveParams } from '../../../checker/params.js';
import { simulate } from '../../../checker/simulate.js';
import type { Spec } from '../../../checker/spec.js';
import { findSpec } from '../../index.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const file = flag('spec-file');
const spec =
  file === undefined
    ? findSpec(flag('spec') ?? 'update')
    : Object.values((await import(pathToFileURL(file).href)) as Record<string, unknown>).find(
        (v): v is Spec => typeof (v as Spec | undefined)?.build === 'function',
      );
if (spec === undefined) throw new Error(`bench: no spec ${file ?? flag('spec')}`);
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
  shrink: !args.includes('--no-shrink'),
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
