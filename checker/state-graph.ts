// The explored state graph of a small run, as a graphlib multigraph: every reachable state a
// node, every transition an edge named by its action instance, every property broken marked,
// and the counterexample's states and steps numbered along it (markCounterexample). The
// visited stores keep no edges, so this drives the successor step itself with full states as
// keys; it refuses runs above `maxNodes`. Reports render the graph (report/dot.ts).

import { Graph } from '@dagrejs/graphlib';
import type { Violation } from './check.js';
import type { CompiledModel } from './compiled.js';
import { Expansion, Successors } from './expand.js';

export interface StateNode {
  readonly state: unknown;
  /** Steps from an initial state (BFS depth). */
  readonly depth: number;
  readonly initial: boolean;
  /** Invariants the state breaks. */
  readonly violates: readonly string[];
  /** No action enabled and not a legal end state. */
  readonly deadlock: boolean;
  /** Position in the counterexample, when on it. */
  trace?: number;
}

export interface StepEdge {
  readonly label: string;
  readonly action: string;
  readonly actor: number | null;
  /** Transition properties the step breaks. */
  readonly violates: readonly string[];
  trace?: number;
}

export interface GraphLabel {
  readonly title: string;
  readonly counterexample?: string;
  /** A liveness counterexample's lasso: the step where its cycle starts (and ends). */
  readonly loopStart?: number;
}

export type StateGraph = Graph<GraphLabel, StateNode, StepEdge>;

/** Beyond a few thousand states a drawing is unreadable and DOT layout takes minutes. */
export const DEFAULT_MAX_NODES = 2000;

export class GraphTooLarge extends Error {
  override readonly name = 'GraphTooLarge';
}

export function stateGraph(cm: CompiledModel, title: string, maxNodes: number): StateGraph {
  const g: StateGraph = new Graph({ directed: true, multigraph: true });
  const ids = new Map<string, string>();
  const states: Uint32Array[] = [];
  // Every broken transition property is recorded here, so the step does not stop at the first.
  const succ = new Successors(cm, undefined, false);
  const { cur, next } = succ;
  const sv = cm.layout.newView();
  const nv = cm.layout.newView();
  sv.bind(cur);
  nv.bind(next);
  const model = cm.model;
  const tps = model.transitionProperties ?? [];
  const threw = (): never => {
    const f = succ.fault!;
    throw new Error(`model threw in ${f.phase}${f.ref >= 0 ? ` of ${cm.label(f.ref)}` : ''}: ${f.cause instanceof Error ? f.cause.message : String(f.cause)}`, {
      cause: f.cause,
    });
  };

  /** The node of the state in `words`, added (and queued) when new. */
  const nodeOf = (words: Uint32Array, depth: number, initial: boolean): string => {
    const key = words.join(',');
    const known = ids.get(key);
    if (known !== undefined) return known;
    if (ids.size >= maxNodes) throw new GraphTooLarge(`more than ${maxNodes.toLocaleString('en-US')} states`);
    const id = `s${ids.size}`;
    ids.set(key, id);
    states.push(words.slice());
    const v = cm.layout.newView();
    v.bind(words);
    const violates = model.invariants.filter((p) => !p.holds(v.read)).map((p) => p.name);
    g.setNode(id, { state: cm.layout.decode(words), depth, initial, violates, deadlock: false });
    return id;
  };

  for (let i = 0; i < model.init.length; i++) {
    if (!succ.initial(i)) threw();
    nodeOf(next, 0, true);
  }
  let from = '';
  let depth = 0;
  const edge = (ref: number): boolean => {
    const r = cm.refs[ref]!;
    const violates = tps.filter((p) => !p.holds(sv.read, r, nv.read)).map((p) => p.name);
    const to = nodeOf(next, depth + 1, false);
    g.setEdge({ v: from, w: to, name: cm.label(ref) }, { label: cm.label(ref), action: r.name, actor: r.actor < 0 ? null : r.actor, violates });
    return true;
  };
  for (let k = 0; k < states.length; k++) {
    from = `s${k}`;
    const node = g.node(from);
    depth = node.depth;
    cur.set(states[k]!);
    const how = succ.expand(edge);
    if (how === Expansion.Fault) threw();
    if (how === Expansion.Deadlock) g.setNode(from, { ...node, deadlock: true });
  }

  g.setGraph({ title });
  return g;
}

/** Numbers the counterexample's states and steps in `g` (a graph of the same model). */
export function markCounterexample(g: StateGraph, cm: CompiledModel, violation: Violation): void {
  const byState = new Map(g.nodes().map((id) => [cm.layout.encode(g.node(id).state).join(','), id]));
  const path = violation.trace.map((t) => byState.get(cm.layout.encode(t.state).join(','))!);
  path.forEach((id, i) => {
    g.node(id).trace = i;
    if (i > 0) g.edge({ v: path[i - 1]!, w: id, name: cm.label(violation.steps[i - 1]!) }).trace = i;
  });
  const loop = violation.loopStart === undefined ? {} : { loopStart: violation.loopStart };
  g.setGraph({ ...g.graph(), counterexample: violation.property.name, ...loop });
}
