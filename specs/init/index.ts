// `tdx-mc/specs/init` (package.json `exports`): the bring-up model as building blocks
// (docs/api.md). Its transition properties find an action's SEAMCALL by the action's name, so a
// change is written as a change of the built model's actions: mutateAction, andThen and
// dropAction from `tdx-mc`.

export * from './spec.js';
export { CALLER, ERAS, Machine, VARIANTS, type Era, type Variant } from './machine.js';
export * from './state.js';
export { atStep, onCaller, onCpu, toActions, type Issues, type Step } from './step.js';
export { callerSteps, cpuSteps } from './bringUp.js';
export { cleanupSteps, errAfterConfig, initFailed } from './cleanup.js';
export { environmentSteps } from './environment.js';
export { LAYOUTS, MAX_REGIONS, platforms, Platform, type LayoutChoice } from './layouts.js';
export { invariants, liveness, PROPERTIES, targets, transitionProperties } from './properties.js';
