// The lanes of a trace diagram: one per actor (CPU 0, CPU 1, ...) and one per shared actor a
// step calls (the model's `target`, e.g. the TDX module). Names are the model's own.

import type { AnyModel } from '../model.js';

export interface Lane {
  /** Identifier safe in Mermaid, HTML and DOT: `A0`, `A1`, ... for actors, `S0`, ... for shared. */
  readonly id: string;
  readonly name: string;
  readonly shared: boolean;
  /** Whether any step of the trace runs on this lane (idle CPUs are shown but take no step). */
  readonly active: boolean;
}

/** What lanes need from a step: its action and actor, and the shared actor it calls. */
export interface LaneStep {
  readonly action: number;
  readonly actor: number;
  readonly target?: string;
}

/** Beyond this many instances of one actor kind, only the actors that take a step get a lane. */
const MAX_IDLE_LANES = 8;

/** The lane name of a step's actor: `CPU 2`, or the action's actor kind for a single instance. */
export function actorLane(model: AnyModel, action: number, actor: number): string {
  const a = model.actions[action]!;
  if (actor < 0) return a.actorKind ?? 'system';
  return `${a.actorKind ?? 'actor'} ${actor}`;
}

/**
 * Actor lanes in the order the model declares their actions, then shared lanes in order of
 * first call. With `idle`, every instance of an acting actor kind gets a lane (up to MAX_IDLE_LANES), so a
 * reader sees which CPUs stood still; without, only acting actors do (narrow text columns).
 */
export function lanes(model: AnyModel, steps: readonly LaneStep[], idle: boolean): Lane[] {
  const acting = new Set(steps.map((s) => actorLane(model, s.action, s.actor)));
  const names: string[] = [];
  const add = (n: string): void => {
    if (!names.includes(n)) names.push(n);
  };
  const count = new Map<string, number>();
  for (const a of model.actions) {
    const kind = a.actorKind ?? 'actor';
    if (a.actors !== undefined) count.set(kind, Math.max(count.get(kind) ?? 0, a.actors));
  }
  model.actions.forEach((a, i) => {
    if (a.actors === undefined) {
      const n = actorLane(model, i, -1);
      if (acting.has(n)) add(n);
      return;
    }
    const kind = a.actorKind ?? 'actor';
    const all = idle && count.get(kind)! <= MAX_IDLE_LANES && [...acting].some((x) => x.startsWith(`${kind} `));
    for (let k = 0; k < count.get(kind)!; k++) if (all || acting.has(`${kind} ${k}`)) add(`${kind} ${k}`);
  });
  const actorCount = names.length;
  for (const s of steps) if (s.target !== undefined) add(s.target);
  return names.map((name, i) => {
    const shared = i >= actorCount;
    return { id: shared ? `S${i - actorCount}` : `A${i}`, name, shared, active: acting.has(name) };
  });
}
