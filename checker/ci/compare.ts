// Two configurations (the current design and a proposal: of one spec, or a variant and the
// reference it changes) compared property by property: each property is checked alone on each
// side, so the comparison says what holds in each, not only what breaks first. A side whose
// full check passes needs no per-property runs.

import { DEADLOCK } from '../properties.js';
import { EXIT } from '../exit.js';
import type { ConfigOptions, Params, PropertyDecl, Spec } from '../spec.js';
import type { Progress } from '../result.js';
import type { Job, JobResult } from './job.js';
import { runPool } from './pool.js';

export interface Side {
  readonly spec: Spec;
  readonly params: Params;
  /** Per property: its run alone, or the full run's pass when nothing broke. */
  readonly results: ReadonlyMap<string, JobResult>;
  readonly seconds: number;
}

/** One side as given: a spec (the same on both sides, or a variant against a reference), its parameters and its model's properties. */
export interface SideInput {
  readonly spec: Spec;
  readonly params: Params;
  readonly properties: readonly PropertyDecl[];
}

export interface Comparison {
  readonly current: Side;
  readonly proposal: Side;
  /** Both sides' properties, in the models' order. */
  readonly properties: readonly PropertyDecl[];
}

export interface CompareOptions {
  readonly options: ConfigOptions;
  readonly workers: number;
  readonly deadline?: number;
  readonly version: string;
  /** Called before each of the two rounds (full checks, then properties alone) with its job labels. */
  readonly onRound?: (labels: readonly string[]) => void;
  readonly onStart?: (job: number) => void;
  readonly onProgress?: (job: number, p: Progress) => void;
  readonly onDone?: (job: number) => void;
}

/** What a property shows on one side: undefined where the model lacks it. */
export const resultOf = (side: Side, property: string): JobResult | undefined => side.results.get(property);

const broken = (r: JobResult | undefined): boolean => r !== undefined && r.actual.property !== undefined;
const holds = (r: JobResult | undefined): boolean => r !== undefined && r.actual.verdict === 'pass' && r.actual.error === undefined;

/** The properties that hold in the current design and break in the proposal. */
export function breaks(c: Comparison): PropertyDecl[] {
  return c.properties.filter((p) => holds(resultOf(c.current, p.name)) && broken(resultOf(c.proposal, p.name)));
}

export type SideName = 'current' | 'proposal';

/** What could not be checked on each side: a model that threw, or one that could not be loaded. */
export function errorsOf(c: Comparison): { side: SideName; error: string }[] {
  return (['current', 'proposal'] as const).flatMap((side) => {
    const errors = new Set([...c[side].results.values()].flatMap((r) => (r.actual.error === undefined ? [] : [r.actual.error])));
    return [...errors].map((error) => ({ side, error }));
  });
}

/** 2 when a side could not be checked (nothing is concluded then), else 1 when the proposal breaks a property that holds now, 3 when a run was incomplete. */
export function compareExit(c: Comparison): number {
  const all = [c.current, c.proposal].flatMap((s) => [...s.results.values()]);
  if (errorsOf(c).length > 0) return EXIT.badInput;
  if (breaks(c).length > 0) return EXIT.violation;
  if (all.some((r) => r.actual.verdict === 'incomplete')) return EXIT.incomplete;
  return EXIT.pass;
}

export async function compare(current: SideInput, proposal: SideInput, o: CompareOptions): Promise<Comparison> {
  const job = ({ spec, params }: SideInput, property?: string): Job => ({
    module: spec.file!,
    spec: spec.name,
    params,
    options: o.options,
    ...(property === undefined ? {} : { property }),
    version: o.version,
  });
  const round = async (jobs: readonly Job[], labels: readonly string[]): Promise<JobResult[]> => {
    o.onRound?.(labels);
    return runPool(jobs, {
      workers: o.workers,
      ...(o.deadline === undefined ? {} : { deadline: o.deadline }),
      ...(o.onStart ? { onStart: o.onStart } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(o.onDone ? { onDone: o.onDone } : {}),
    });
  };
  const sides = [current, proposal];
  const sideNames = ['current', 'proposal'];
  const full = await round(
    sides.map((s) => job(s)),
    sideNames,
  );
  // A side that passes needs no more runs, nor one whose model threw: nothing is concluded from it.
  const settled = (r: JobResult): boolean => r.actual.verdict === 'pass' || r.actual.error !== undefined;
  const alone = sides.flatMap((s, i) => (settled(full[i]!) ? [] : s.properties.map((p) => ({ side: i, property: p.name }))));
  const each = await round(
    alone.map((a) => job(sides[a.side]!, a.property)),
    alone.map((a) => `${sideNames[a.side]} ${a.property}`),
  );
  const side = (i: number): Side => {
    const s = sides[i]!;
    const results = new Map<string, JobResult>();
    for (const p of s.properties) results.set(p.name, full[i]!);
    alone.forEach((a, k) => a.side === i && results.set(a.property, each[k]!));
    const seconds = full[i]!.stats.seconds + alone.reduce((t, a, k) => t + (a.side === i ? each[k]!.stats.seconds : 0), 0);
    return { spec: s.spec, params: s.params, results, seconds };
  };
  // Both sides' properties once each, deadlock last.
  const names = new Set([...current.properties, ...proposal.properties].map((p) => p.name));
  names.delete(DEADLOCK.name);
  const properties = [...names].map((n) => [...current.properties, ...proposal.properties].find((p) => p.name === n)!);
  return { current: side(0), proposal: side(1), properties: [...properties, DEADLOCK] };
}
