// Mutants of a built model for `tdxmc audit`: each changes one action — dropped, its guard
// ignored, its effect a no-op, one field write skipped or off by one — or drops an initial
// state. Chosen from what the reference model does in its reachable transitions (a field an
// action never changes gives no skip-write mutant), and cheaply proven equivalent where the
// change cannot alter the reachable graph. Mutants change the Model, never the spec's source.

import { CompiledModel } from './compiled.js';
import type { Domain, RecordDomain } from './domain.js';
import { Expansion, Successors } from './expand.js';
import type { AnyModel } from './model.js';
import { mutateAction } from './mutate.js';
import { FingerprintStore } from './store.js';

export const OPERATORS = {
  'drop-action': 'the action never happens (its guard is false)',
  'ignore-guard': 'the effect runs whenever the action is scheduled (its guard is true)',
  stutter: 'the action happens but changes nothing',
  'skip-write': 'the action leaves one field it writes at its old value',
  'off-by-one': "the action writes an int field one above or below what it should (within the field's domain)",
  'drop-init': 'one initial state is left out',
} as const;
export type Operator = keyof typeof OPERATORS;

/** One mutant, as plain data (it crosses to worker threads and into JSON). */
export interface Mutant {
  readonly operator: Operator;
  /** The mutated action (all its instances), for every operator but drop-init. */
  readonly action?: string;
  /** skip-write, off-by-one: the field, with array indices as `[]` (`cpu[].vmxOn`). */
  readonly field?: string;
  /** off-by-one: +1 or -1. */
  readonly delta?: 1 | -1;
  /** drop-init: which initial state. */
  readonly init?: number;
}

/** `skip-write of cpu[].vmxOn by stop_machine`: how reports name a mutant. */
export function mutantName(m: Mutant): string {
  switch (m.operator) {
    case 'drop-init':
      return `drop initial state ${m.init}`;
    case 'skip-write':
      return `${m.action} without its write of ${m.field}`;
    case 'off-by-one':
      return `${m.action} writes ${m.field} ${m.delta! > 0 ? '+1' : '-1'}`;
    default:
      return `${m.operator} ${m.action}`;
  }
}

/** What the reference model does in its reachable transitions, from which mutants are chosen and equivalents proven. */
export interface Behaviour {
  /** Per action: the fields some reachable transition of it changes. */
  readonly writes: ReadonlyMap<string, ReadonlySet<string>>;
  /** Per action and int field it writes: whether some written value has a neighbour in the
   *  field's domain, `+1` above, `-1` below (else that off-by-one keeps every write as it is). */
  readonly shifts: ReadonlyMap<string, ReadonlySet<string>>;
  /** Actions that fired in some reachable transition. */
  readonly fired: ReadonlySet<string>;
  /** Actions with an instance disabled in some reachable state (else ignoring the guard changes nothing). */
  readonly guarded: ReadonlySet<string>;
  /** Whether the exploration covered every reachable state (else no mutant is called equivalent). */
  readonly complete: boolean;
}

/** `cpu[1].vmxOn` -> `cpu[].vmxOn`. */
const fieldOf = (slotPath: string): string => slotPath.replace(/\[\d+\]/g, '[]');

/** Explores the reference model once, recording which fields each action changes, through the successor step. */
export function behaviour(model: AnyModel, maxStates: number): Behaviour {
  const cm = new CompiledModel(model);
  const succ = new Successors(cm, undefined, false);
  const store = new FingerprintStore(cm.words);
  const { cur, next } = succ;
  const layout = cm.layout;
  /** The slots each state word holds, so a changed word is looked at slot by slot. */
  const inWord = Array.from({ length: cm.words }, (): number[] => []);
  layout.slots.forEach((s, i) => inWord[s.pos >>> 5]!.push(i));
  const writes = new Map<string, Set<string>>(model.actions.map((a) => [a.name, new Set<string>()]));
  const shifts = new Map<string, Set<string>>(model.actions.map((a) => [a.name, new Set<string>()]));
  const perAction = new Map<string, number>();
  const instances = new Map<string, number>(model.actions.map((a) => [a.name, a.actors ?? 1]));
  const guarded = new Set<string>();
  const queue: Uint32Array[] = [];
  for (let i = 0; i < model.init.length; i++) {
    if (succ.initial(i) && store.insert(next, 0) === 1) queue.push(next.slice());
  }
  const changed = (ref: number): boolean => {
    const name = cm.refs[ref]!.name;
    perAction.set(name, (perAction.get(name) ?? 0) + 1);
    const w = writes.get(name)!;
    const sh = shifts.get(name)!;
    for (let k = 0; k < cur.length; k++) {
      if (cur[k] === next[k]) continue;
      for (const i of inWord[k]!) {
        const v = layout.get(next, i);
        if (layout.get(cur, i) === v) continue;
        const slot = layout.slots[i]!;
        const field = fieldOf(slot.path);
        w.add(field);
        if (v < slot.max) sh.add(`${field} +1`);
        if (v > slot.min) sh.add(`${field} -1`);
      }
    }
    if (store.size < maxStates && store.insert(next, 0) === 1) queue.push(next.slice());
    return true;
  };
  for (let q = 0; q < queue.length; q++) {
    cur.set(queue[q]!);
    perAction.clear();
    if (succ.expand(changed) === Expansion.Fault) break;
    for (const [name, n] of instances) if ((perAction.get(name) ?? 0) < n) guarded.add(name);
  }
  const fired = new Set(cm.refs.filter((_, i) => succ.fired[i]! > 0).map((r) => r.name));
  return { writes, shifts, fired, guarded, complete: store.size < maxStates && succ.fault === undefined };
}

/** Every mutant of `operators` for the model, with those cheaply proven equivalent to it. */
export function mutants(model: AnyModel, b: Behaviour, operators: readonly Operator[]): { mutant: Mutant; equivalent?: string }[] {
  const out: { mutant: Mutant; equivalent?: string }[] = [];
  const ints = intFields(model.schema);
  const eq = (why: string): string | undefined => (b.complete ? why : undefined);
  const add = (mutant: Mutant, equivalent: string | undefined): void => {
    out.push(equivalent === undefined ? { mutant } : { mutant, equivalent });
  };
  for (const a of model.actions) {
    const writes = [...(b.writes.get(a.name) ?? [])].sort();
    const never = b.fired.has(a.name) ? undefined : eq('it never fires in the reference model');
    if (operators.includes('drop-action')) add({ operator: 'drop-action', action: a.name }, never);
    if (operators.includes('ignore-guard'))
      add({ operator: 'ignore-guard', action: a.name }, b.guarded.has(a.name) ? undefined : eq('its guard holds in every reachable state'));
    if (operators.includes('stutter'))
      add({ operator: 'stutter', action: a.name }, never ?? (writes.length === 0 ? eq('it never changes the state') : undefined));
    for (const field of writes) {
      if (operators.includes('skip-write')) add({ operator: 'skip-write', action: a.name, field }, undefined);
      if (operators.includes('off-by-one') && ints.has(field)) {
        const shifts = b.shifts.get(a.name);
        for (const delta of [1, -1] as const) {
          const within = shifts?.has(`${field} ${delta > 0 ? '+1' : '-1'}`) ?? false;
          add(
            { operator: 'off-by-one', action: a.name, field, delta },
            within ? undefined : eq(`every value it writes is the ${delta > 0 ? 'top' : 'bottom'} of the field's domain`),
          );
        }
      }
    }
  }
  if (operators.includes('drop-init') && model.init.length > 1) for (let i = 0; i < model.init.length; i++) add({ operator: 'drop-init', init: i }, undefined);
  return out;
}

/** The int fields of a schema, by field name with `[]` for indices. */
function intFields(schema: RecordDomain): Set<string> {
  const out = new Set<string>();
  const walk = (d: Domain, path: string): void => {
    if (d.kind === 'int') out.add(path);
    else if (d.kind === 'array') walk(d.of, `${path}[]`);
    else if (d.kind === 'record') for (const [k, f] of Object.entries(d.fields as Record<string, Domain>)) walk(f, path ? `${path}.${k}` : k);
  };
  walk(schema, '');
  return out;
}

type Cell = { get(v: unknown): number | boolean; set(v: unknown, x: number | boolean): void };

/** Accessors of every scalar of `field` (`cpu[].vmxOn`: one per CPU) through a state's views. */
function cells(schema: RecordDomain, field: string): Cell[] {
  const out: Cell[] = [];
  // Each step navigates from a view to the next one; the last reads or writes the scalar.
  type Step = (v: never) => unknown;
  const walk = (d: Domain, rest: string[], steps: Step[]): void => {
    const [head, ...tail] = rest;
    if (head === undefined) return;
    if (d.kind === 'record') {
      const f = (d.fields as Record<string, Domain>)[head]!;
      if (tail.length === 0 && f.kind !== 'record' && f.kind !== 'array') {
        const nav = (v: unknown) => steps.reduce<unknown>((x, s) => s(x as never), v) as Record<string, number | boolean>;
        out.push({ get: (v) => nav(v)[head]!, set: (v, x) => void (nav(v)[head] = x) });
      } else walk(f, tail, [...steps, (v: Record<string, unknown>) => v[head]] as Step[]);
    } else if (d.kind === 'array' && head === '[]') {
      for (let i = 0; i < d.length; i++) {
        if (tail.length === 0) {
          type Arr = { get(i: number): number | boolean; set(i: number, x: number | boolean): void };
          const nav = (v: unknown) => steps.reduce<unknown>((x, s) => s(x as never), v) as Arr;
          out.push({ get: (v) => nav(v).get(i), set: (v, x) => nav(v).set(i, x) });
        } else walk(d.of, tail, [...steps, (v: { at(i: number): unknown }) => v.at(i)] as Step[]);
      }
    }
  };
  walk(
    schema,
    field
      .replace(/\[\]/g, '.[]')
      .split('.')
      .filter((t) => t !== ''),
    [],
  );
  return out;
}

/** The mutant's model. */
export function mutate(model: AnyModel, m: Mutant): AnyModel {
  switch (m.operator) {
    case 'drop-init':
      return { ...model, init: model.init.filter((_, i) => i !== m.init) };
    case 'drop-action':
      return mutateAction(model, m.action!, { guard: () => () => false });
    case 'ignore-guard':
      return mutateAction(model, m.action!, { guard: () => () => true });
    case 'stutter':
      return mutateAction(model, m.action!, { effect: () => () => {} });
    case 'skip-write': {
      const cs = cells(model.schema, m.field!);
      return mutateAction(model, m.action!, {
        effect: (old) => (s, n, actor) => {
          old(s, n, actor);
          for (const c of cs) c.set(n, c.get(s));
        },
      });
    }
    case 'off-by-one': {
      const cs = cells(model.schema, m.field!);
      return mutateAction(model, m.action!, {
        effect: (old) => (s, n, actor) => {
          old(s, n, actor);
          // Only where this write changed the field: the written value, one off, if in the domain.
          for (const c of cs) {
            const now = c.get(n);
            // Int fields only: a number, never a boolean.
            if (now === c.get(s) || typeof now !== 'number') continue;
            try {
              c.set(n, now + m.delta!);
            } catch {
              // Out of the field's domain: this write keeps its value.
            }
          }
        },
      });
    }
  }
}
