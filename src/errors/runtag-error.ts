import type { CodeOf, RuntagErrorCode } from './codes.js';

export type { CodeOf, RuntagErrorCode } from './codes.js';

/**
 * The base of every error runtag throws: `error instanceof RuntagError` tells runtag's errors from
 * the app's and the driver's, and `code` (listed in docs/errors.md) says which one it is, stably,
 * whatever the message says. Subclasses add the fields their situation has (a factory's table and
 * column, a leak's findings); a PostgreSQL error behind one stays reachable as its `cause`.
 */
export class RuntagError extends Error {
  readonly code: RuntagErrorCode;

  /**
   * Thrown as is for the codes whose class is RuntagError; subclasses pass their own codes
   * (typed by `CodeOf<'TheirClass'>`, so each code stays on the class docs/errors.md names).
   */
  constructor(code: RuntagErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    // The subclass's own name, so a report reads "FactoryValueError: runtag: …" without each class setting it.
    this.name = new.target.name;
  }
}

/** One step that failed in several ways (closing a test file: its cleanup, its leak check, its schema): each error kept. */
export class RuntagAggregateError extends RuntagError {
  constructor(
    readonly errors: readonly Error[],
    message = errors.map((e) => e.message).join('\n\n'),
  ) {
    super('MULTIPLE_ERRORS' satisfies CodeOf<'RuntagAggregateError'>, message);
  }
}
