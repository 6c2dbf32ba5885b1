// A transition property's `on` says on which actions it may fail; the search then judges it only
// there. The declaration must be sound: over the transitions of every spec's checked
// configurations and of its witnesses (models with a bug written in), a property never fails on
// an action its `on` leaves out, judged by its full `holds`.

import { describe, expect, it } from 'vitest';
import { CompiledModel } from '../checker/compiled.js';
import { bool, int, record, type Read } from '../checker/domain.js';
import type { AnyModel, Model } from '../checker/model.js';
import { checkParams } from '../checker/params.js';
import { specs } from '../specs/index.js';

/** States explored per configuration, breadth-first from the initial states. */
const STATES = 1500;

/** `property on action` for every transition where a property fails on an action its `on` leaves out. */
function unsoundOn(model: AnyModel, states = STATES): string[] {
  const cm = new CompiledModel(model);
  const tps = model.transitionProperties ?? [];
  const left = model.actions.map((a, i) => tps.flatMap((p, k) => (p.on !== undefined && !p.on(a, i) ? [k] : [])));
  const bad = new Set<string>();
  if (left.every((ks) => ks.length === 0)) return [];
  const b = cm.stepBuffers();
  const en = new Int32Array(cm.refs.length);
  const seen = new Set<string>();
  const queue: Uint32Array[] = [];
  const add = (w: Uint32Array): void => {
    const key = w.join(',');
    if (seen.size < states && !seen.has(key)) {
      seen.add(key);
      queue.push(w.slice());
    }
  };
  for (let i = 0; i < model.init.length; i++) {
    cm.writeInit(i, b.next);
    add(b.next);
  }
  for (let q = 0; q < queue.length; q++) {
    b.cur.set(queue[q]!);
    const n = cm.enabled(b.s, en);
    for (let e = 0; e < n; e++) {
      const ref = en[e]!;
      const r = cm.refs[ref]!;
      b.next.set(b.cur);
      try {
        cm.apply(ref, b.s, b.nw);
      } catch {
        continue; // a model error: the search reports it, there is no step to judge
      }
      for (const k of left[r.action]!) if (!tps[k]!.holds(b.s, r, b.nr)) bad.add(`${tps[k]!.name} on ${r.name}`);
      add(b.next);
    }
  }
  return [...bad];
}

const configurations = specs.flatMap((spec) =>
  [...(spec.expectations ?? []), ...(spec.witnesses ?? [])].map((c) => {
    const p = checkParams(spec.params, c.params ?? {});
    if (!p.ok) throw new Error(`${spec.name}/${c.name}: ${p.error}`);
    const model = spec.build(p.params);
    return { name: `${spec.name}: ${c.name}`, model: 'mutate' in c && c.mutate ? c.mutate(model) : model };
  }),
);

describe("transition properties' `on` declarations", () => {
  it('are made by the TDX specs', () => {
    const declaring = specs.filter((s) => configurations.some((c) => c.name.startsWith(`${s.name}:`) && c.model.transitionProperties?.some((p) => p.on)));
    expect(declaring.map((s) => s.name).sort()).toEqual(['init', 'update']);
  });

  for (const c of configurations.filter((x) => x.model.transitionProperties?.some((p) => p.on))) {
    it(`are sound: ${c.name}`, () => {
      expect(unsoundOn(c.model)).toEqual([]);
    });
  }

  // A toy model: `tick` counts up to 3 and sets the flag there, `flip` toggles the flag.
  const schema = record({ count: int(0, 3), flag: bool() });
  const toy = (on: (name: string) => boolean): Model<typeof schema> => ({
    schema,
    init: [() => undefined],
    actions: [
      {
        name: 'tick',
        guard: (s) => s.count < 3,
        effect: (s, n) => {
          n.count = s.count + 1;
          if (n.count === 3) n.flag = true;
        },
      },
      { name: 'flip', guard: () => true, effect: (s, n) => void (n.flag = !s.flag) },
    ],
    invariants: [],
    transitionProperties: [
      { name: 'Tick', description: 'no tick reaches 3', on: (a) => a.name === 'tick', holds: (s, _a, n) => n.count === s.count || n.count < 3 },
      { name: 'NoFlag', description: 'no step sets the flag', on: (a) => on(a.name), holds: (s: Read<typeof schema>, _a, n) => s.flag || !n.flag },
    ],
    isEndState: () => true,
  });

  it('a declaration that leaves out an action the property fails on is caught', () => {
    expect(unsoundOn(toy((name) => name === 'tick'))).toEqual(['NoFlag on flip']);
    expect(unsoundOn(toy(() => true))).toEqual([]);
  });

  it('the search judges a property only on the actions it concerns, and reports the first broken in declared order', () => {
    const narrow = new CompiledModel(toy((name) => name === 'tick'));
    const all = new CompiledModel(toy(() => true));
    const b = narrow.stepBuffers();
    const step = (name: string): number => {
      const ref = narrow.refs.findIndex((r) => r.name === name);
      b.next.set(b.cur);
      narrow.apply(ref, b.s, b.nw);
      return ref;
    };
    narrow.writeInit(0, b.cur);
    const flip = step('flip');
    expect(narrow.firstViolatedStep(b.s, flip, b.nr)).toBe(-1); // NoFlag is not judged on flip
    expect(all.propertyNames[all.firstViolatedStep(b.s, flip, b.nr)]).toBe('NoFlag');
    for (let k = 0; k < 2; k++) {
      step('tick');
      b.cur.set(b.next);
    }
    // count 2 -> 3 sets the flag: both properties break, Tick is declared first
    const tick = step('tick');
    expect(all.propertyNames[all.firstViolatedStep(b.s, tick, b.nr)]).toBe('Tick');
    expect(narrow.propertyNames[narrow.firstViolatedStep(b.s, tick, b.nr)]).toBe('Tick');
  });
});
