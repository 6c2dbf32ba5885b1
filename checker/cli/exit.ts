// Exit codes are a contract with users' CI scripts (TLC-style classes). Change only by issue.

export const EXIT = {
  pass: 0,
  violation: 1,
  badInput: 2,
  incomplete: 3,
} as const;

/** Bad input: printed as one line on stderr, exit 2; the stack only with --debug. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
