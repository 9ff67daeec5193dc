import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
/** runtag's exit codes, the same for every command (the README lists them). */
export const EXIT = {
  /** Done, nothing found. */
  OK: 0,
  /** Done, and something needs attention: leaks, failed lint, a doctor problem, a failed test, what a sweep could not remove. */
  FINDINGS: 1,
  /** Could not do the job: a wrong option, no DATABASE_URL, the server unreachable. */
  USAGE: 2,
} as const;

/** An error that is the user's to fix (bad input, missing setting): printed without a stack, exit 2. */
export class UsageError extends RuntagError {
  constructor(message: string) {
    super('CLI_USAGE' satisfies CodeOf<'UsageError'>, message);
  }
}
