// `tdxmc graph <spec>`: the explored state graph of a small run as Graphviz DOT or graphlib
// JSON, with the counterexample path marked.

import { parseArgs } from 'node:util';
import { json as graphJson } from '@dagrejs/graphlib';
import { check } from '../check.js';
import { CompiledModel } from '../compiled.js';
import { renderDot } from '../report/dot.js';
import { DEFAULT_MAX_NODES, GraphTooLarge, markCounterexample, stateGraph } from '../report/graph.js';
import { paramText } from '../report/values.js';
import { EXIT, UsageError } from './exit.js';
import { positiveInt } from './flags.js';
import { writeOut } from './out-file.js';
import { buildModel, requireSpec } from './spec-arg.js';

export function graphCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      set: { type: 'string', multiple: true },
      format: { type: 'string' },
      out: { type: 'string' },
      'max-nodes': { type: 'string' },
      debug: { type: 'boolean' },
    },
  });
  if (positionals.length > 1) throw new UsageError(`graph: one spec at a time (got ${positionals.join(', ')})`);
  const spec = requireSpec(positionals[0], 'graph');
  const format = values.format ?? 'dot';
  if (format !== 'dot' && format !== 'json') throw new UsageError(`--format: '${format}' is not dot or json`);
  const maxNodes = positiveInt('--max-nodes', values['max-nodes']) ?? DEFAULT_MAX_NODES;
  const { p, model } = buildModel(spec, values.set ?? []);
  const title = `${spec.name} ${paramText(p.params)}`;
  const cm = new CompiledModel(model);
  let g;
  try {
    g = stateGraph(cm, title, maxNodes);
  } catch (e) {
    if (!(e instanceof GraphTooLarge)) throw new UsageError(`spec ${spec.name}: ${(e as Error).message}`, { cause: e });
    throw new UsageError(`graph: ${title} has ${e.message}; the graph is for small runs (lower the parameters or raise --max-nodes)`);
  }
  // The graph is small, so the search for its counterexample is quick.
  const outcome = check(cm, { exact: true });
  if (outcome.violation) markCounterexample(g, cm, outcome.violation);
  const text = format === 'dot' ? renderDot(g) : JSON.stringify(graphJson.write(g), null, 1) + '\n';
  if (values.out === undefined) process.stdout.write(text);
  else writeOut('--out', values.out, text);
  return EXIT.pass;
}
