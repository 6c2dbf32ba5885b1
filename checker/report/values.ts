// How parameters and state values read in summaries and reports: enum names bare, arrays of
// scalars on one line, and a state listed one field per line with records opened up.

import type { Params } from '../index.js';

/** `cpus=4 variant=noack` */
export function paramText(params: Params): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

export function valueText(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(valueText).join(', ')}]`;
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

export interface Field {
  /** Path as users write it (`stage`, `cur`, `cpu[1].vmxOn`), the same form as diff.ts's. */
  readonly path: string;
  readonly value: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields of a plain state in schema order; an array of scalars stays one field. */
export function fields(state: unknown, prefix = ''): Field[] {
  if (isRecord(state)) return Object.entries(state).flatMap(([k, v]) => fields(v, prefix === '' ? k : `${prefix}.${k}`));
  if (Array.isArray(state) && state.some((e) => typeof e === 'object' && e !== null)) {
    return state.flatMap((e, i) => fields(e, `${prefix}[${i}]`));
  }
  return [{ path: prefix, value: state }];
}

/** Whether a change at `changed` (a leaf path from diff.ts) falls inside field `path`. */
export function within(changed: string, path: string): boolean {
  return changed === path || changed.startsWith(`${path}[`) || changed.startsWith(`${path}.`);
}
