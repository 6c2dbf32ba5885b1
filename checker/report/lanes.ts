// The lanes of a trace diagram: one per actor (CPU 0, CPU 1, ...) and one per shared actor a
// step calls (the model's `target`, e.g. the TDX module). Names are the model's own.

import { actorName, type ActionInfo } from '../index.js';

export interface Lane {
  /** Identifier safe in Mermaid, HTML and DOT: `A0`, `A1`, ... for actors, `S0`, ... for shared. */
  readonly id: string;
  readonly name: string;
  readonly shared: boolean;
  /** Whether any step of the trace runs on this lane (idle CPUs are shown but take no step). */
  readonly active: boolean;
}

/** What lanes need from a step: the lane it runs on and the shared actor it calls. */
export interface LaneStep {
  readonly lane: string;
  readonly target?: string;
}

/** Beyond this many instances of one actor kind, only the actors that take a step get a lane. */
const MAX_IDLE_LANES = 8;

/**
 * Actor lanes in the order the model declares their actions, then shared lanes in order of
 * first call. With `idle`, every instance of an acting actor kind gets a lane (up to MAX_IDLE_LANES), so a
 * reader sees which CPUs stood still; without, only acting actors do (narrow text columns).
 */
export function lanes(actions: readonly ActionInfo[], steps: readonly LaneStep[], idle: boolean): Lane[] {
  const acting = new Set(steps.map((s) => s.lane));
  const names: string[] = [];
  const add = (n: string): void => {
    if (!names.includes(n)) names.push(n);
  };
  const count = new Map<string, number>();
  for (const a of actions) if (a.actors !== undefined) count.set(a.actorKind, Math.max(count.get(a.actorKind) ?? 0, a.actors));
  for (const a of actions) {
    if (a.actors === undefined) {
      if (acting.has(actorName(a, -1))) add(actorName(a, -1));
      continue;
    }
    const instances = Array.from({ length: count.get(a.actorKind)! }, (_, k) => actorName(a, k));
    const all = idle && instances.length <= MAX_IDLE_LANES && instances.some((n) => acting.has(n));
    for (const n of instances) if (all || acting.has(n)) add(n);
  }
  const actorCount = names.length;
  for (const s of steps) if (s.target !== undefined) add(s.target);
  return names.map((name, i) => {
    const shared = i >= actorCount;
    return { id: shared ? `S${i - actorCount}` : `A${i}`, name, shared, active: acting.has(name) };
  });
}
