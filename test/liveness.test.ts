// Liveness under fairness against an independent oracle: on random small models with random
// fairness per action, the verdict of every liveness kind equals a naive fair-cycle search
// over the naive enumerator's graph (graphlib's Tarjan, plain objects), and every lasso
// replays, returns to where its cycle starts, never meets the goal, and is fair; the graph
// numbered through the safety search's fingerprint table or a table of its own (an exact
// search keeps none) gives the same lasso.

import { alg, Graph } from '@dagrejs/graphlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { CompiledModel } from '../checker/compiled.js';
import type { LivenessProperty } from '../checker/model.js';
import { replay } from '../checker/trace.js';
import { renderDot } from '../checker/report/dot.js';
import { markCounterexample, stateGraph } from '../checker/state-graph.js';
import { lockstepModel } from '../specs/lockstep/spec.js';
import { buildModel, modelSpecArb, naiveExplore, naiveSuccessors, type ModelSpec, type PlainState } from './support/random-model.js';

type Kind = LivenessProperty<never>['form'];
type Fairness = 'weak' | 'strong' | 'none';
const key = (s: PlainState): string => JSON.stringify(s);

/** Every transition of the naive graph, labelled by rule and actor. */
function naiveEdges(m: ModelSpec, states: Iterable<string>): { from: string; to: string; label: string }[] {
  const out: { from: string; to: string; label: string }[] = [];
  for (const k of states) {
    const s = JSON.parse(k) as PlainState;
    m.rules.forEach((r, i) => {
      for (const who of r.perActor ? [0, 1] : [0]) {
        const one = { ...m, rules: [{ ...r, perActor: false, whenA: r.whenA === null || s.a[who] === r.whenA ? null : -1, bumpA: false }] };
        const [t] = naiveSuccessors(one, s);
        if (t === undefined) continue;
        if (r.bumpA) t.a[who] = (s.a[who]! + 1) % 3;
        out.push({ from: k, to: key(t), label: `r${i}/${r.perActor ? who : -1}` });
      }
    });
  }
  return out;
}

/** Whether some fair path violates the property: the definition, over graphlib's SCCs. */
function naiveViolated(m: ModelSpec, fairness: Fairness[], kind: Kind, to: (s: PlainState) => boolean, from: (s: PlainState) => boolean): boolean {
  const states = [...naiveExplore(m).states.keys()];
  const edges = naiveEdges(m, states);
  const fairOf = (label: string): Fairness => fairness[Number(label.slice(1, label.indexOf('/')))]!;
  const out = (v: string) => edges.filter((e) => e.from === v);
  const inG = new Set(states.filter((k) => !to(JSON.parse(k) as PlainState)));
  /** Some fair path cycles within `nodes` for ever (SF refined by dropping states). */
  const fairWithin = (nodes: Set<string>): boolean => {
    const g = new Graph({ directed: true });
    for (const v of nodes) g.setNode(v);
    for (const e of edges) if (nodes.has(e.from) && nodes.has(e.to)) g.setEdge(e.from, e.to);
    return alg.tarjan(g).some((comp) => {
      const c = new Set(comp);
      const inside = edges.filter((e) => c.has(e.from) && c.has(e.to));
      if (inside.length === 0) return false;
      const labels = new Set(edges.filter((e) => c.has(e.from)).map((e) => e.label));
      for (const l of labels) {
        if (inside.some((e) => e.label === l)) continue;
        const at = comp.filter((v) => out(v).some((e) => e.label === l));
        if (fairOf(l) === 'weak' && at.length === comp.length) return false;
        if (fairOf(l) === 'strong') return fairWithin(new Set(comp.filter((v) => !at.includes(v))));
      }
      return true;
    });
  };
  const staysAt = (v: string) => out(v).every((e) => fairOf(e.label) === 'none');
  /** From v, a fair path can stay in G for ever. */
  const bad = (v: string): boolean => {
    const seen = new Set<string>([v]);
    for (const q = [v]; q.length > 0;) {
      const u = q.pop()!;
      for (const e of out(u)) if (inG.has(e.to) && !seen.has(e.to)) q.push((seen.add(e.to), e.to));
    }
    return [...seen].some(staysAt) || fairWithin(seen);
  };
  const starts =
    kind === 'eventually'
      ? m.inits.map((i) => key({ ...i, a: [0, 0] }))
      : states.filter((k) => kind === 'alwaysEventually' || from(JSON.parse(k) as PlainState));
  return starts.some((v) => inG.has(v) && bad(v));
}

const caseArb = modelSpecArb({ safety: false }).chain((m) =>
  fc.record({
    m: fc.constant(m),
    fairness: fc.array(fc.constantFrom<Fairness>('weak', 'strong', 'none'), { minLength: m.rules.length, maxLength: m.rules.length }),
    kind: fc.constantFrom<Kind>('eventually', 'leadsTo', 'alwaysEventually'),
    goal: fc.nat(m.k),
  }),
);

describe('liveness under fairness', () => {
  it('the verdict equals a naive fair-cycle search, and every lasso replays, loops, misses the goal and is fair', () => {
    fc.assert(
      fc.property(caseArb, ({ m, fairness, kind, goal }) => {
        const to = (s: { x: number }) => s.x === goal;
        const from = (s: { f: boolean }) => s.f;
        const model = buildModel(m);
        const live = {
          ...model,
          actions: model.actions.map((a, i) => ({ ...a, fairness: fairness[i]! })),
          liveness: [{ name: 'Live', description: 'x reaches the goal', form: kind, to, ...(kind === 'leadsTo' ? { from } : {}) }],
        };
        const cm = new CompiledModel(live);
        const r = check(cm);
        const want = naiveViolated(m, fairness, kind, to, from);
        expect(r.verdict).toBe(want ? 'violation' : 'pass');
        // The graph numbered by the safety search's table and by a table of its own: one lasso.
        const own = check(cm, { exact: true });
        expect(own.violation?.steps).toEqual(r.violation?.steps);
        expect(own.violation?.loopStart).toEqual(r.violation?.loopStart);
        if (!want) return;
        const v = r.violation!;
        expect(v.property.name).toBe('Live');
        expect(replay(cm, v.trace).ok).toBe(true);
        const loop = v.loopStart!;
        const last = v.trace.length - 1;
        const states = v.trace.map((t) => t.state as PlainState);
        expect(states[last]).toEqual(states[loop]);
        for (const s of states.slice(loop)) expect(to(s)).toBe(false);
        if (kind === 'eventually') for (const s of states) expect(to(s)).toBe(false);
        // Fair: an instance enabled all along the cycle (weak) or anywhere on it (strong) is taken in it.
        const cycle = v.trace.slice(loop + 1).map((t) => `${t.action}/${t.actor ?? -1}`);
        const edges = naiveEdges(m, new Set(states.map(key)));
        const enabledAt = (s: PlainState) => new Set(edges.filter((e) => e.from === key(s)).map((e) => e.label));
        const onCycle = loop === last ? [states[last]!] : states.slice(loop, last);
        for (const l of new Set(onCycle.flatMap((s) => [...enabledAt(s)]))) {
          const f = fairness[Number(l.slice(1, l.indexOf('/')))]!;
          const everywhere = onCycle.every((s) => enabledAt(s).has(l));
          if (f === 'strong' || (f === 'weak' && everywhere)) expect(cycle, `${l} is ${f}ly fair`).toContain(l);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a model live only under strong fairness fails under weak fairness', () => {
    // `flip` toggles f; `go` sets x = 1 but only while f holds: enabled infinitely often, never continuously.
    const m: ModelSpec = {
      k: 1,
      inits: [{ x: 0, y: 0, f: false }],
      rules: [
        { whenX: 0, whenF: null, whenA: null, setX: null, setY: null, flipF: true, bumpA: false, perActor: false },
        { whenX: 0, whenF: true, whenA: null, setX: 1, setY: null, flipF: false, bumpA: false, perActor: false },
      ],
      bad: null,
      endX: null,
    };
    const model = buildModel(m);
    const verdict = (go: Fairness) =>
      check({
        ...model,
        actions: model.actions.map((a, i) => ({ ...a, fairness: i === 1 ? go : 'weak' })),
        liveness: [{ name: 'Done', description: 'x reaches 1', form: 'eventually' as const, to: (s: { x: number }) => s.x === 1 }],
      }).verdict;
    expect(verdict('strong')).toBe('pass');
    expect(verdict('weak')).toBe('violation');
    expect(
      naiveViolated(
        m,
        ['weak', 'strong'],
        'eventually',
        (s) => s.x === 1,
        () => true,
      ),
    ).toBe(false);
    expect(
      naiveViolated(
        m,
        ['weak', 'weak'],
        'eventually',
        (s) => s.x === 1,
        () => true,
      ),
    ).toBe(true);
  });

  it('a bound that cuts the graph makes the verdict incomplete, never a pass', () => {
    const model = buildModel({
      k: 3,
      inits: [{ x: 0, y: 0, f: false }],
      rules: [{ whenX: null, whenF: null, whenA: null, setX: 'inc', setY: null, flipF: false, bumpA: false, perActor: false }],
      bad: null,
      endX: null,
    });
    const live = { ...model, liveness: [{ name: 'Three', description: 'x reaches 3', form: 'eventually' as const, to: (s: { x: number }) => s.x === 3 }] };
    expect(check(live).verdict).toBe('pass');
    expect(check(live, { maxStates: 2 }).verdict).toBe('incomplete');
    expect(check(live, { liveness: false }).liveness?.skipped).toBe('--no-liveness');
  });
});

describe('a lasso in DOT', () => {
  it("boxes the cycle's states in a loop cluster, dashes its steps and names the back edge", () => {
    const cm = new CompiledModel(lockstepModel(2, 'retry'));
    const v = check(cm, { exact: true }).violation!;
    const at = v.loopStart!;
    const last = v.trace.length - 1;
    expect(at).toBeLessThan(last);
    const g = stateGraph(cm, 'lockstep cpus=2 variant=retry', 2000);
    markCounterexample(g, cm, v);
    const dot = renderDot(g);
    const cluster = /subgraph cluster_loop \{\n(.*?)\n {2}\}/s.exec(dot)?.[1];
    expect(cluster).toContain('label="loop: these steps repeat for ever"');
    // The cycle's states (the trace from loopStart on) and no other.
    const key = (s: unknown): string => JSON.stringify(s);
    const inCycle = new Set(v.trace.slice(at).map((t) => key(t.state)));
    const boxed = g.nodes().filter((id) => cluster!.includes(`\n    ${id} [`));
    expect(new Set(boxed.map((id) => key(g.node(id).state)))).toEqual(inCycle);
    expect(dot).toContain(`counterexample steps ${at} and ${last}: the cycle starts and ends here`);
    // Steps after loopStart are the cycle's: dashed, and the last one bold, back to loopStart.
    const edgeLines = dot.split('\n').filter((l) => /^ {2}s\d+ -> s\d+ /.test(l));
    for (let i = 1; i <= last; i++) {
      const line = edgeLines.find((l) => l.includes(`label="${i}. ${v.trace[i]!.action}(`))!;
      expect(line, `step ${i}`).toBeDefined();
      const style = /style=(\w+)/.exec(line)?.[1];
      expect(style, `step ${i}`).toBe(i <= at ? undefined : i === last ? 'bold' : 'dashed');
      if (i === last) expect(line).toContain(`(back to step ${at})`);
    }
  });
});
