// Messages between the search coordinator and its workers, and how a worker finds its model:
// by the spec's module URL and name, so the engine needs no registry of specs.

import type { Params, Spec } from '../model.js';

export interface ModelSource {
  /** URL of the module exporting the spec (Spec.file). */
  module: string;
  name: string;
  params: Params;
  skipProperties: readonly string[];
}

export interface WorkerInit {
  source: ModelSource;
  symmetry: boolean;
  /** This worker's number: which insert counter it owns. */
  index: number;
}

export interface LevelStart {
  type: 'level';
  depth: number;
  maxDepth: number;
  maxStates: number;
  frontier: SharedArrayBuffer;
  count: number;
  table: SharedArrayBuffer;
  counters: SharedArrayBuffer;
  /** Int32 [next chunk to claim, stop flag]. */
  ctrl: SharedArrayBuffer;
  /** Table size above which workers pause so the table can grow. */
  growAt: number;
}

/** Sent to paused workers once the table has grown. */
export interface LevelResume {
  type: 'resume';
  table: SharedArrayBuffer;
  counters: SharedArrayBuffer;
  growAt: number;
}

export interface LevelDone {
  type: 'done';
  out: ArrayBuffer;
  outCount: number;
  transitions: number;
  fired: Float64Array;
  found: { property: number; length: number } | null;
  cut: boolean;
  overMaxStates: boolean;
}

export async function loadSpec(source: ModelSource): Promise<Spec> {
  const mod = (await import(source.module)) as Record<string, unknown>;
  const spec = Object.values(mod).find((v): v is Spec => typeof v === 'object' && v !== null && (v as Spec).name === source.name && typeof (v as Spec).build === 'function');
  if (!spec) throw new Error(`no spec '${source.name}' exported by ${source.module}`);
  return spec;
}
