// `tdx-mc/specs/cpuid` (package.json `exports`): the CPUID-setup model as building blocks
// (docs/api.md). A change is written as a change of the built model's actions: mutateAction,
// andThen and dropAction from `tdx-mc`.

export * from './spec.js';
export { baseKinds, bitNames, moduleVersions, sameConfigurable, type CpuidLayout, type Drift, type ModuleVersion } from './modules.js';
