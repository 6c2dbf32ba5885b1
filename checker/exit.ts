// Exit codes are a contract with users' CI scripts (TLC-style classes). Change only by issue.
// The command line maps outcomes to them; the CI library computes a whole run's from its rows.

export const EXIT = {
  pass: 0,
  violation: 1,
  /** Bad input: usage, an unknown spec or flag, a bad parameter or expectation, a model that throws. */
  badInput: 2,
  incomplete: 3,
} as const;

/** Bad input: printed as one line on stderr, exit 2; the stack only with --debug. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
