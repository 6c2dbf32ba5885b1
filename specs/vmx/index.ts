// `tdx-mc/specs/vmx` (package.json `exports`): the VMX-ownership model as building blocks
// (docs/api.md). Its transition properties read the actions by their position, so a change is
// written as a change of the built model's actions: mutateAction, andThen and dropAction from `tdx-mc`.

export * from './spec.js';
export * from './schema.js';
export { vmxActions, type Seamcall, type VmxAction, type VmxInstruction } from './actions.js';
export { ownership, type Client, type Ownership } from './ownership.js';
export { PROPERTIES, vmxInvariants, vmxLiveness, vmxTargets, vmxTransitionProperties } from './properties.js';
