// Graphviz DOT for a state graph: states as boxes listing their fields, initial states with a
// double border, broken properties and deadlocks filled, the counterexample path drawn thick
// and red with its step numbers.

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
  for (const id of g.nodes()) {
    const n = g.node(id);
    const lines = [
      ...(n.trace === undefined ? [] : [`counterexample step ${n.trace}`]),
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
    out.push(`  ${id} [${attrs(a)}];`);
  }
  for (const e of g.edges()) {
    const l = g.edge(e);
    const text = [l.trace === undefined ? l.label : `${l.trace}. ${l.label}`, ...l.violates.map((p) => `VIOLATES ${p}`)].join('\n');
    const a: Record<string, string> = { label: quote(text) };
    if (l.trace !== undefined) Object.assign(a, { color: RED, fontcolor: RED, penwidth: '3' });
    else if (l.violates.length > 0) a['color'] = RED;
    out.push(`  ${e.v} -> ${e.w} [${attrs(a)}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}
