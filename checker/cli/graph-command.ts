// `tdxmc graph <spec>`: the explored state graph of a small run as Graphviz DOT or graphlib
// JSON, with the counterexample path marked.

import { json as graphJson } from '@dagrejs/graphlib';
import { check, describeModelError } from '../check.js';
import { CompiledModel } from '../compiled.js';
import { EXIT, UsageError } from '../exit.js';
import { renderDot } from '../report/dot.js';
import { DEFAULT_MAX_NODES, GraphTooLarge, markCounterexample, stateGraph } from '../state-graph.js';
import { paramText } from '../report/values.js';
import { command } from './command.js';
import { positiveInt } from './flags.js';
import { requireWritableFile, writeOut } from './out-file.js';
import { DEBUG, HELP, NO_COLOR, SET } from './shared-options.js';
import { buildModel, requireSpec } from './spec-arg.js';

/**
 * What a graph may hold: each state and step is an object in V8's heap and a line of the text,
 * which is one string (at most 2^29 characters); lockstep's graphs take a few KiB a state.
 */
const MAX_NODES = 50_000;
const MAX_EDGES = 500_000;

const options = {
  set: SET,
  format: { type: 'string', value: 'dot|json', default: 'dot', help: 'Graphviz DOT or graphlib JSON' },
  out: { type: 'string', value: 'FILE', help: 'write to FILE instead of stdout' },
  'max-nodes': {
    type: 'string',
    value: 'N',
    default: String(DEFAULT_MAX_NODES),
    help: `refuse runs with more than N states (at most ${MAX_NODES.toLocaleString('en-US')})`,
  },
  'no-color': NO_COLOR,
  debug: DEBUG,
  help: HELP,
} as const;

export const graphCommand = command({
  name: 'graph',
  args: '<spec> [options]',
  summary: 'write the explored state graph of a small run (DOT or JSON)',
  options,
  examples: [
    ['tdxmc graph lockstep --set cpus=2 --out lockstep.dot', 'Graphviz DOT, the counterexample path marked'],
    ['tdxmc graph lockstep --set cpus=2 --format json', 'graphlib JSON on stdout'],
  ],
  exits: '0 written, 2 bad input, a model error or a run too large',
  async run(values, positionals, ctx) {
    if (positionals.length > 1) throw new UsageError(`graph: one spec at a time (got ${positionals.join(', ')})`);
    const spec = await requireSpec(positionals[0], 'graph', ctx.specs);
    const format = values.format;
    if (format !== 'dot' && format !== 'json') throw new UsageError(`--format: '${format}' is not dot or json`);
    const maxNodes = positiveInt('--max-nodes', values['max-nodes']);
    if (maxNodes > MAX_NODES)
      throw new UsageError(
        `--max-nodes: ${maxNodes} is above ${MAX_NODES.toLocaleString('en-US')}, the most a graph is drawn with (tdxmc check explores larger runs)`,
      );
    const { p, model } = buildModel(spec, values.set);
    if (values.out !== undefined) requireWritableFile('--out', values.out);
    const title = `${spec.name} ${paramText(p.params)}`;
    const cm = new CompiledModel(model);
    const tooLarge = (what: string): UsageError =>
      new UsageError(`graph: ${title} has ${what}; the graph is for small runs (lower the parameters or raise --max-nodes)`);
    // The search first, bounded like the graph: it names a model error as `check` does and
    // finds the counterexample to mark.
    const outcome = check(cm, { exact: true, maxStates: maxNodes });
    if (outcome.error) throw new UsageError(`model error: ${describeModelError(outcome.error)}`, { cause: outcome.error.cause });
    if (outcome.stoppedBy === 'max-states') throw tooLarge(`more than ${maxNodes.toLocaleString('en-US')} states`);
    if (outcome.stats.transitions > MAX_EDGES)
      throw tooLarge(`${outcome.stats.transitions.toLocaleString('en-US')} transitions, more than the ${MAX_EDGES.toLocaleString('en-US')} a graph holds`);
    let g;
    try {
      g = stateGraph(cm, title, maxNodes);
    } catch (e) {
      if (!(e instanceof GraphTooLarge)) throw new UsageError(`spec ${spec.name}: ${(e as Error).message}`, { cause: e });
      throw tooLarge(e.message);
    }
    if (outcome.violation) markCounterexample(g, cm, outcome.violation);
    const text = format === 'dot' ? renderDot(g) : JSON.stringify(graphJson.write(g), null, 1) + '\n';
    if (values.out === undefined) ctx.out.write(text);
    else writeOut('--out', values.out, text);
    return EXIT.pass;
  },
});
