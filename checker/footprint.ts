// Footprints: which fields of a state an action instance reads and writes, and which fields
// the properties read, as slot bitsets over the layout (one bit per scalar). Declared by the
// model as field paths (Action.reads/writes, a property's reads); what is not declared is
// everything, so an undeclared model gets no reduction and loses nothing.
//
// A declaration is a claim the engine cannot see through a closure, so it is checked the
// other way: `auditFootprints` runs every guard, effect and property on a tracing view that
// records the slots they touch, over the states given, and lists what was touched undeclared.

import type { Domain, RecordDomain } from './domain.js';
import type { CompiledModel } from './compiled.js';
import type { Layout } from './layout.js';
import type { FieldPath } from './model.js';

/** A set of slots, one bit each. */
export type SlotSet = Uint32Array;

const SEGMENT = /^([A-Za-z_]\w*)(?:\[(@|\*|\d+)\])?$/;

/**
 * The slots `path` names for `actor` (-1: an action without actors, which may not say `@`).
 * `cpu[@].stopper`: the actor's own entry; `cpu[*]` or `cpu`: every entry; a record names all
 * its fields. Throws on a path that names no field of the schema.
 */
export function slotsOf(layout: Layout<RecordDomain>, path: FieldPath, actor: number): number[] {
  let d: Domain = layout.schema;
  const parts: string[] = [];
  for (const seg of path.split('.')) {
    const m = SEGMENT.exec(seg);
    if (m === null) throw new TypeError(`footprint '${path}': '${seg}' is not a field name with an optional [@], [*] or [n]`);
    const [, name, sel] = m;
    const fields: Record<string, Domain> | undefined = d.kind === 'record' ? (d.fields as Record<string, Domain>) : undefined;
    if (fields === undefined || !Object.hasOwn(fields, name!)) throw new TypeError(`footprint '${path}': no field '${name}'`);
    d = fields[name!]!;
    parts.push(name!);
    if (sel === undefined) continue;
    if (d.kind !== 'array') throw new TypeError(`footprint '${path}': '${name}' is not an array`);
    if (sel === '@' && actor < 0) throw new TypeError(`footprint '${path}': [@] names the actor's entry, and the action has no actors`);
    parts.push(sel === '*' ? '\\[\\d+\\]' : `\\[${sel === '@' ? actor : sel}\\]`);
    d = d.of as Domain;
  }
  const re = new RegExp(`^${parts.map((p, i) => (p.startsWith('\\[') || i === 0 ? p : `\\.${p}`)).join('')}(?=$|[.[])`);
  const out: number[] = [];
  layout.slots.forEach((s, i) => re.test(s.path) && out.push(i));
  return out;
}

/** The slots of `paths` as a set; every slot when `paths` is undefined (undeclared). */
export function slotSet(layout: Layout<RecordDomain>, paths: readonly FieldPath[] | undefined, actor: number): SlotSet {
  const n = layout.slots.length;
  const set = new Uint32Array((n + 31) >>> 5);
  if (paths === undefined) {
    for (let i = 0; i < n; i++) set[i >>> 5]! |= 1 << (i & 31);
    return set;
  }
  for (const p of paths) for (const i of slotsOf(layout, p, actor)) set[i >>> 5]! |= 1 << (i & 31);
  return set;
}

export function overlaps(a: SlotSet, b: SlotSet): boolean {
  for (let k = 0; k < a.length; k++) if ((a[k]! & b[k]!) !== 0) return true;
  return false;
}

const has = (set: SlotSet, i: number): boolean => (set[i >>> 5]! & (1 << (i & 31))) !== 0;

/** The declared footprints of a compiled model: per action instance, and the union of what properties read. */
export class Footprints {
  /** Per action instance (CompiledModel.refs): what its guard and effect read, and what its effect writes. */
  readonly reads: SlotSet[];
  readonly writes: SlotSet[];
  /** What the invariants, transition properties and reachability targets read together. */
  readonly observed: SlotSet;

  constructor(cm: CompiledModel) {
    const layout = cm.layout as unknown as Layout<RecordDomain>;
    const m = cm.model;
    const at = (what: string, f: () => SlotSet): SlotSet => {
      try {
        return f();
      } catch (e) {
        throw new TypeError(`${what}: ${(e as Error).message}`, { cause: e });
      }
    };
    this.reads = cm.refs.map((r, i) => at(cm.label(i), () => slotSet(layout, m.actions[r.action]!.reads, r.actor)));
    this.writes = cm.refs.map((r, i) => at(cm.label(i), () => slotSet(layout, m.actions[r.action]!.writes, r.actor)));
    this.observed = slotSet(layout, [], -1);
    for (const p of [...m.invariants, ...(m.transitionProperties ?? []), ...(m.targets ?? [])]) {
      const s = at(p.name, () => slotSet(layout, p.reads, -1));
      for (let k = 0; k < s.length; k++) this.observed[k]! |= s[k]!;
    }
  }
}

// ---- Checking declarations -------------------------------------------------------------------

/** A view over a state that records the slots read and written through it (slow; audits only). */
interface TracingView {
  readonly view: unknown;
  bind(words: Uint32Array): void;
  /** Slots read (not counting reads of a slot this view wrote first) and written since `clear`. */
  readonly read: Uint8Array;
  readonly written: Uint8Array;
  clear(): void;
}

function tracingView(layout: Layout<RecordDomain>, writable: boolean): TracingView {
  let words: Uint32Array = new Uint32Array(layout.words);
  const read = new Uint8Array(layout.slots.length);
  const written = new Uint8Array(layout.slots.length);
  let next = 0;
  const scalar = (d: Domain, slot: number) => ({
    get: (): number | boolean => {
      if (written[slot] === 0) read[slot] = 1;
      const v = layout.get(words, slot);
      return d.kind === 'bool' ? v === 1 : v;
    },
    set: (v: number | boolean): void => {
      if (!writable) throw new TypeError(`${layout.slots[slot]!.path}: written through the read-only view`);
      layout.set(words, slot, typeof v === 'boolean' ? (v ? 1 : 0) : v);
      written[slot] = 1;
    },
  });
  const oob = (i: number, n: number): void => {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`index ${i} out of 0..${n - 1}`);
  };
  // Slots are numbered in the order the layout places them: fields in order, elements in order.
  const build = (d: Domain): unknown => {
    if (d.kind === 'record') {
      const o = {};
      for (const [k, f] of Object.entries(d.fields as Record<string, Domain>)) {
        if (f.kind === 'record' || f.kind === 'array') {
          const sub = build(f);
          Object.defineProperty(o, k, { get: () => sub, set: () => void 0 });
        } else {
          const { get, set } = scalar(f, next++);
          Object.defineProperty(o, k, { get, set });
        }
      }
      return o;
    }
    if (d.kind === 'array') {
      const n = d.length;
      const of = d.of as Domain;
      if (of.kind === 'record') {
        const els = Array.from({ length: n }, () => build(of));
        return { length: n, at: (i: number) => (oob(i, n), els[i]) };
      }
      const els = Array.from({ length: n }, () => scalar(of, next++));
      return { length: n, get: (i: number) => (oob(i, n), els[i]!.get()), set: (i: number, v: number | boolean) => (oob(i, n), els[i]!.set(v)) };
    }
    throw new TypeError('internal: a scalar at the top of a schema');
  };
  const view = build(layout.schema);
  return {
    view,
    bind: (w) => void (words = w),
    read,
    written,
    clear: () => (read.fill(0), written.fill(0)),
  };
}

/**
 * Runs every guard on each of `states`, and every enabled instance's effect and the transition
 * properties that concern its step, and every invariant and target, through tracing views;
 * returns one line per (function, slot, kind) touched but not declared. Empty: the
 * declarations cover what these states exercise.
 */
export function auditFootprints(cm: CompiledModel, states: Iterable<Uint32Array>): string[] {
  const layout = cm.layout as unknown as Layout<RecordDomain>;
  const fp = new Footprints(cm);
  const m = cm.model;
  const cur = tracingView(layout, false);
  const nxt = tracingView(layout, true);
  const next = new Uint32Array(cm.words);
  const found = new Set<string>();
  const S = cur.view as never;
  const N = nxt.view as never;
  const undeclared = (who: string, kind: string, touched: Uint8Array, declared: SlotSet): void => {
    for (let i = 0; i < touched.length; i++) if (touched[i] === 1 && !has(declared, i)) found.add(`${who} ${kind} ${layout.slots[i]!.path}, undeclared`);
  };
  const props = [...m.invariants.map((p) => ['invariant', p] as const), ...(m.targets ?? []).map((p) => ['target', p] as const)];
  const propReads = props.map(([, p]) => slotSet(layout, p.reads, -1));
  const tps = m.transitionProperties ?? [];
  const tpReads = tps.map((p) => slotSet(layout, p.reads, -1));
  for (const words of states) {
    cur.bind(words);
    props.forEach(([kind, p], k) => {
      cur.clear();
      if (kind === 'invariant') (p as (typeof m.invariants)[number]).holds(S);
      else (p as NonNullable<typeof m.targets>[number]).reached(S);
      undeclared(`${kind} ${p.name}`, 'reads', cur.read, propReads[k]!);
    });
    for (let ref = 0; ref < cm.refs.length; ref++) {
      const who = cm.label(ref);
      const actor = cm.actors[ref]!;
      cur.clear();
      const on = cm.guards[ref]!(S, actor);
      undeclared(`guard of ${who}`, 'reads', cur.read, fp.reads[ref]!);
      if (!on) continue;
      next.set(words);
      nxt.bind(next);
      cur.clear();
      nxt.clear();
      cm.effects[ref]!(S, N, actor);
      undeclared(`effect of ${who}`, 'reads', cur.read, fp.reads[ref]!);
      undeclared(`effect of ${who}`, 'reads', nxt.read, fp.reads[ref]!);
      undeclared(`effect of ${who}`, 'writes', nxt.written, fp.writes[ref]!);
      tps.forEach((p, k) => {
        if (p.on !== undefined && !p.on(m.actions[cm.refs[ref]!.action]!, cm.refs[ref]!.action)) return;
        cur.clear();
        nxt.clear();
        p.holds(S, cm.refs[ref]!, N);
        undeclared(`transition property ${p.name} (on ${who})`, 'reads', cur.read, tpReads[k]!);
        undeclared(`transition property ${p.name} (on ${who})`, 'reads', nxt.read, tpReads[k]!);
      });
    }
  }
  return [...found].sort();
}
