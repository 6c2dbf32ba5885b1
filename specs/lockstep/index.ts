// `tdx-mc/specs/lockstep` (package.json `exports`): the lockstep spec and its model, for a user's own
// spec file to check, wrap or compare against.
export * from './spec.js';
