// Graphviz DOT for a state graph: states as boxes listing their fields, initial states with a
// double border, broken properties and deadlocks filled, the counterexample path drawn thick
// and red with its step numbers. A liveness lasso's cycle is a `loop` cluster: its states boxed
// together, its steps dashed, and the back edge (the step that returns to where the cycle
// starts) named as such.

import type { StateGraph } from '../index.js';
import { fields, valueText } from './values.js';

/** A DOT double-quoted string; `\l` (left-justified line ends) is added by the caller. */
const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** Attributes whose values are DOT tokens already (quoted strings or numbers). */
const attrs = (a: Record<string, string>): string =>
  Object.entries(a)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

const RED = quote('#c00000');

export function renderDot(g: StateGraph): string {
  const meta = g.graph();
  const out = [
    'digraph states {',
    `  graph [label=${quote(meta.title)}, labelloc=t, fontname="monospace"];`,
    '  node [shape=box, fontname="monospace", fontsize=10];',
    '  edge [fontname="monospace", fontsize=9];',
  ];
  const loopStart = meta.loopStart;
  // A state the trace passes twice keeps the later step number; the cycle's are >= loopStart.
  const last = Math.max(-1, ...g.nodes().map((id) => g.node(id).trace ?? -1));
  const inLoop = (step: number | undefined): boolean => loopStart !== undefined && step !== undefined && step >= loopStart;
  const loopEdge = (step: number | undefined): boolean => inLoop(step) && step !== loopStart;
  const loopNodes: string[] = [];
  for (const id of g.nodes()) {
    const n = g.node(id);
    const step =
      n.trace === undefined
        ? []
        : loopStart !== undefined && n.trace === last && loopStart < last
          ? [`counterexample steps ${loopStart} and ${last}: the cycle starts and ends here`]
          : [`counterexample step ${n.trace}`];
    const lines = [
      ...step,
      ...n.violates.map((p) => `VIOLATES ${p}`),
      ...(n.deadlock ? ['DEADLOCK'] : []),
      ...fields(n.state).map((f) => `${f.path} = ${valueText(f.value)}`),
    ];
    // Each line escaped on its own, then joined by `\l` so Graphviz left-justifies them.
    const label = `"${lines.map((l) => quote(l).slice(1, -1)).join('\\l')}\\l"`;
    const a: Record<string, string> = { label };
    if (n.initial) a['peripheries'] = '2';
    if (n.violates.length > 0 || n.deadlock) Object.assign(a, { style: 'filled', fillcolor: quote(n.deadlock ? '#ffe0b0' : '#ffd0d0') });
    if (n.trace !== undefined) Object.assign(a, { color: RED, penwidth: '3' });
    const line = `${id} [${attrs(a)}];`;
    if (inLoop(n.trace)) loopNodes.push(line);
    else out.push(`  ${line}`);
  }
  if (loopNodes.length > 0) {
    const label = loopStart === last ? 'the path stays here for ever' : 'loop: these steps repeat for ever';
    out.push('  subgraph cluster_loop {', `    label=${quote(label)};`, `    style=dashed; color=${RED}; fontcolor=${RED};`);
    for (const line of loopNodes) out.push(`    ${line}`);
    out.push('  }');
  }
  for (const e of g.edges()) {
    const l = g.edge(e);
    const back = loopEdge(l.trace) && l.trace === last;
    const step = l.trace === undefined ? l.label : `${l.trace}. ${l.label}${back ? ` (back to step ${loopStart})` : ''}`;
    const text = [step, ...l.violates.map((p) => `VIOLATES ${p}`)].join('\n');
    const a: Record<string, string> = { label: quote(text) };
    if (l.trace !== undefined) Object.assign(a, { color: RED, fontcolor: RED, penwidth: '3' });
    else if (l.violates.length > 0) a['color'] = RED;
    if (loopEdge(l.trace)) a['style'] = back ? 'bold' : 'dashed';
    out.push(`  ${e.v} -> ${e.w} [${attrs(a)}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}
