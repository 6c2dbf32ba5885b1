// A step of the init model and the actions it becomes: the step as it runs and, where it can
// fail, a second action `${name} → ${label}` with the failure injected. Each action keeps the
// SEAMCALL its step issues, which the transition properties (I1, I2, I4-I13, I19) read, and
// which reports draw as a call into the TDX module's lane.

import type { Action } from '../../checker/model.js';
import { TDX_MODULE } from '../../model/lanes.js';
import type { Leaf } from '../../model/leaf.js';
import { CALLER } from './machine.js';
import type { N, S, Schema } from './state.js';

/** A kernel action, with the SEAMCALL it issues (if any). */
export interface Step {
  readonly name: string;
  readonly actors?: number;
  readonly actorKind?: string;
  readonly context: string;
  readonly source: string;
  /** The leaf this step issues and the CPU it runs on, in state `s`. */
  readonly issues?: (s: S, actor: number) => readonly [Leaf, number] | undefined;
  /** The shared actor the step calls when it is not a SEAMCALL into the TDX module (the P-SEAMLDR). */
  readonly target?: string;
  readonly guard: (s: S, actor: number) => boolean;
  readonly effect: (s: S, n: N, actor: number, failed: boolean) => void;
  /** An injectable failure: a second action `${name} → ${label}` runs effect with failed = true. */
  readonly failure?: { readonly label: string; readonly enabled: boolean };
  /** Liveness fairness of the step itself (default weak: the kernel's own steps); an injected failure never has any. */
  readonly fairness?: Action<Schema>['fairness'];
}

/** The step issues `leaf` on the CPU it runs on. */
export const onCpu =
  (leaf: Leaf) =>
  (_s: S, c: number): readonly [Leaf, number] => [leaf, c];
/** The step issues `leaf` on the calling CPU. */
export const onCaller = (leaf: Leaf) => (): readonly [Leaf, number] => [leaf, CALLER];

/** A step of tdx_enable() on the calling CPU, in task context, once it has reached `step`. */
export function atStep(step: number, st: Omit<Step, 'context' | 'guard'>): Step {
  return { ...st, context: 'task', guard: (s) => s.kernel.step === step };
}

/** What an action (by name, as the transition properties see it) issues. */
export interface Issues {
  /** The leaf an action issues from `s`, and the CPU it issues it on. */
  issued(s: S, name: string, actor: number): readonly [Leaf, number] | undefined;
  /** The CPU on which an action issues `leaf` from `s`, or -1. */
  issuedLeaf(s: S, name: string, actor: number, leaf: Leaf): number;
}

/** `after` runs after every action's effect (the ghosts' bookkeeping). */
export function toActions(steps: readonly Step[], after: (s: S, n: N) => void): { actions: Action<Schema>[]; issues: Issues } {
  const issuesByName = new Map<string, Step['issues']>();
  const actions: Action<Schema>[] = [];
  for (const st of steps) {
    const issues = st.issues;
    const target =
      st.target ?? (issues === undefined ? undefined : (s: S, a: number) => (issues(s, a < 0 ? CALLER : a) === undefined ? undefined : TDX_MODULE));
    const base = {
      ...(st.actors === undefined ? {} : { actors: st.actors, actorKind: st.actorKind ?? 'CPU' }),
      context: st.context,
      ...(target === undefined ? {} : { target }),
      source: st.source,
      guard: st.guard,
    };
    const add = (name: string, failed: boolean): void => {
      // an injected failure is the environment's choice: it may recur, but nothing forces it
      const fairness = failed ? 'none' : st.fairness;
      actions.push({
        ...base,
        ...(fairness === undefined ? {} : { fairness }),
        name,
        effect: (s, n, a) => {
          st.effect(s, n, a, failed);
          after(s, n);
        },
      });
      issuesByName.set(name, st.issues);
    };
    add(st.name, false);
    if (st.failure?.enabled) add(`${st.name} → ${st.failure.label}`, true);
  }
  const issued = (s: S, name: string, actor: number): readonly [Leaf, number] | undefined => {
    const f = issuesByName.get(name);
    return f === undefined ? undefined : f(s, actor < 0 ? CALLER : actor);
  };
  return {
    actions,
    issues: {
      issued,
      issuedLeaf: (s, name, actor, leaf) => {
        const x = issued(s, name, actor);
        return x !== undefined && x[0] === leaf ? x[1] : -1;
      },
    },
  };
}
