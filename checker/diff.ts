// What changed between two consecutive trace states, from immer's patches rather than a
// hand-written deep diff: replaying `next` onto a draft of `prev` records exactly the leaves
// whose value differs.

import { enablePatches, produceWithPatches, type Draft, type Patch } from 'immer';

enablePatches();

export interface Change {
  /** Field path as users write it: `stage`, `cur[2]`, `cpu[1].vmxOn`. */
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
}

function assign(draft: Record<string | number, unknown>, next: Record<string | number, unknown>): void {
  for (const k of Object.keys(next)) {
    const v = next[k];
    if (typeof v === 'object' && v !== null) assign(draft[k] as Record<string | number, unknown>, v as Record<string | number, unknown>);
    else draft[k] = v;
  }
}

export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function at(obj: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], obj);
}

/** Immer patches that turn `prev` into `next` (both plain states of one schema). */
export function patches<S extends object>(prev: S, next: S): Patch[] {
  const [, p] = produceWithPatches(prev, (d: Draft<S>) => assign(d as Record<string, unknown>, next as Record<string, unknown>));
  return p;
}

export function changes<S extends object>(prev: S, next: S): Change[] {
  return patches(prev, next).map((p) => ({ path: formatPath(p.path), from: at(prev, p.path), to: p.value }));
}
