// A step of the init model and the actions it becomes: the step as it runs and, where it can
// fail, a second action `${name} → ${label}` with the failure injected. Each action keeps the
// SEAMCALL its step issues, which the transition properties (I1, I2, I4-I13, I19) read, and
// which reports draw as a call into the TDX module's lane.

import type { Action, ActionRef } from '../../checker/model.js';
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
  /** The SEAMCALL this step issues, if any. */
  readonly issues?: Issue;
  /** The shared actor the step calls when it is not a SEAMCALL into the TDX module (the P-SEAMLDR). */
  readonly target?: string;
  readonly guard: (s: S, actor: number) => boolean;
  readonly effect: (s: S, n: N, actor: number, failed: boolean) => void;
  /** An injectable failure: a second action `${name} → ${label}` runs effect with failed = true. */
  readonly failure?: { readonly label: string; readonly enabled: boolean };
  /** Liveness fairness of the step itself (default weak: the kernel's own steps); an injected failure never has any. */
  readonly fairness?: Action<Schema>['fairness'];
}

/**
 * The SEAMCALL a step issues: one leaf, known from the step alone (the transition properties
 * declare by it which steps they concern), on the CPU the step runs on or on the calling CPU.
 */
export interface Issue {
  readonly leaf: Leaf;
  readonly on: 'cpu' | 'caller';
  /** In which states the step issues it; absent: whenever it runs. */
  readonly when?: (s: S) => boolean;
}

/** The step issues `leaf` on the CPU it runs on (the caller's, for a step without actors). */
export const onCpu = (leaf: Leaf, when?: (s: S) => boolean): Issue => ({ leaf, on: 'cpu', ...(when === undefined ? {} : { when }) });
/** The step issues `leaf` on the calling CPU. */
export const onCaller = (leaf: Leaf): Issue => ({ leaf, on: 'caller' });

/** A step of tdx_enable() on the calling CPU, in task context, once it has reached `step`. */
export function atStep(step: number, st: Omit<Step, 'context' | 'guard'>): Step {
  return { ...st, context: 'task', guard: (s) => s.kernel.step === step };
}

/** What an action issues, as the transition properties see it. */
export interface Issues {
  /** The leaf action `action` (its index in the model's actions) may issue, or undefined. */
  leaf(action: number): Leaf | undefined;
  /** The CPU on which action instance `a` issues its leaf from `s`, or -1 if it issues none there. */
  cpu(s: S, a: ActionRef): number;
}

/** `after` runs after every action's effect (the ghosts' bookkeeping). */
export function toActions(steps: readonly Step[], after: (s: S, n: N) => void): { actions: Action<Schema>[]; issues: Issues } {
  const issuesOf: (Issue | undefined)[] = [];
  const actions: Action<Schema>[] = [];
  for (const st of steps) {
    const when = st.issues?.when;
    const target = st.target ?? (st.issues === undefined ? undefined : (s: S) => (when === undefined || when(s) ? TDX_MODULE : undefined));
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
      issuesOf.push(st.issues);
    };
    add(st.name, false);
    if (st.failure?.enabled) add(`${st.name} → ${st.failure.label}`, true);
  }
  // By action index in typed arrays: the properties ask on every step.
  const leafOf = Int32Array.from(issuesOf, (x) => x?.leaf ?? -1);
  const onCallerOf = Uint8Array.from(issuesOf, (x) => (x?.on === 'caller' ? 1 : 0));
  const whenOf = issuesOf.map((x) => x?.when);
  return {
    actions,
    issues: {
      leaf: (action) => (leafOf[action]! < 0 ? undefined : leafOf[action]),
      cpu: (s, a) => {
        if (leafOf[a.action]! < 0) return -1;
        const when = whenOf[a.action];
        if (when !== undefined && !when(s)) return -1;
        return onCallerOf[a.action] === 1 || a.actor < 0 ? CALLER : a.actor;
      },
    },
  };
}
