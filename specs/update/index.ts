// `tdx-mc/specs/update`: the update model as building blocks, for a reviewer's own file. A
// proposed change of the update is written as a change of the reference's list of steps (one
// inserted, replaced or dropped) and checked against the same properties, which judge whatever
// list the change returns (docs/api.md, docs/review-an-update-step.md).

import { defineSpec, type Expectation, type ExpectationParams, type Spec } from '../../checker/spec.js';
import { PROPERTIES } from './properties.js';
import { params, update as reference, updateModel, type StepEdit } from './spec.js';

export { params, updateModel, type StepEdit, type UpdateParams, type UpdateParts } from './spec.js';
export { design, ERAS, PLATFORMS, VARIANTS, type Abort, type Design, type Era, type Platform, type Variant } from './design.js';
export * from './state.js';
export * from './step.js';
export { fwUpload } from './fwUpload.js';
export { stepMachine } from './stepMachine.js';
export { liveMachine } from './liveMachine.js';
export { updateCtrl, type UpdateCtrl } from './updateCtrl.js';
export { properties, PROPERTIES } from './properties.js';
// The kernel and module vocabulary a step is written in.
export { ModuleUpdateState, UpdateCtrlState, UPDATE_LEAVES } from '../../model/seamldr.js';
export { SeamcallLeaf } from '../../model/leaf.js';
export { TdxStatus } from '../../model/status.js';
export { SysState, type TdxModule } from '../../model/module.js';
export { Errno, tdxCpuEnable, TdxModuleStatus } from '../../model/kernel.js';

/** A proposed change of the update, checked against the reference's properties. */
export interface UpdateVariant {
  /** How `tdxmc` names it (`tdxmc check ./file.ts` checks every spec the file exports). */
  readonly name: string;
  readonly description: string;
  /** The reference's steps, changed: `(steps) => insertAfter(steps, 'SEAMRET from SEAMLDR.INSTALL', mine)`. */
  readonly steps: StepEdit;
  /** The verdict `tdxmc ci ./file.ts` holds the variant to, at `params` (default: the update's defaults). */
  readonly expect?: Expectation['expect'];
  readonly params?: ExpectationParams<typeof params>;
}

/** The update spec; `update.with(variant)` is the spec of the update with its steps changed. */
export const update: Spec & { readonly with: (v: UpdateVariant) => Spec } = {
  ...reference,
  with: (v) =>
    defineSpec({
      name: v.name,
      description: v.description,
      params,
      properties: PROPERTIES,
      build: (p) => updateModel(p, v.steps),
      ...(v.expect === undefined ? {} : { expectations: [{ name: v.name, params: v.params ?? {}, expect: v.expect }] }),
    }),
};

/** The index of the step named `name`; an unknown name is an error that lists the step names. */
function indexOf<T extends { readonly name: string }>(steps: readonly T[], name: string): number {
  const i = steps.findIndex((s) => s.name === name);
  if (i < 0) throw new Error(`no step named '${name}' (the steps: ${steps.map((s) => `'${s.name}'`).join(', ')})`);
  return i;
}

/** The step named `name`, to copy or wrap. */
export const stepNamed = <T extends { readonly name: string }>(steps: readonly T[], name: string): T => steps[indexOf(steps, name)]!;

/** The steps with `added` right after the step named `name`. */
export function insertAfter<T extends { readonly name: string }>(steps: readonly T[], name: string, ...added: readonly NoInfer<T>[]): T[] {
  const i = indexOf(steps, name) + 1;
  return [...steps.slice(0, i), ...added, ...steps.slice(i)];
}

/** The steps with the step named `name` replaced by `change(old)`: a guard or effect changed, or wrapped. */
export const replaceStep = <T extends { readonly name: string }>(steps: readonly T[], name: string, change: (old: T) => NoInfer<T>): T[] => {
  const i = indexOf(steps, name);
  return steps.map((s, j) => (j === i ? change(s) : s));
};

/** The steps without the step named `name`. */
export const removeStep = <T extends { readonly name: string }>(steps: readonly T[], name: string): T[] => {
  const i = indexOf(steps, name);
  return steps.filter((_s, j) => j !== i);
};
