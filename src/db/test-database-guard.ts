import { OPTION_LIST } from '../options/option-list.js';
import { resolveOption } from '../options/resolve-options.js';
import { redactUrl } from './connection-error.js';
import { RuntagError, type CodeOf } from '../errors/runtag-error.js';

export const ALLOW_DATABASE_ENV = OPTION_LIST.allowDatabase.env;

export class NotATestDatabaseError extends RuntagError {
  constructor(message: string) {
    super('NOT_A_TEST_DATABASE' satisfies CodeOf<'NotATestDatabaseError'>, message);
  }
}

/**
 * runtag creates roles and schemas, migrates, deletes rows and drops what dead runs left. It does
 * that only where the database says it is for tests: an embedded server runtag started, a database
 * whose name contains "test", or one the user names explicitly (the allowDatabase option, or
 * RUNTAG_ALLOW_DATABASE when `allowed` is not given).
 */
export function assertTestDatabase(url: string, options: { embedded: boolean; action: string; allowed?: readonly string[] | undefined }): void {
  if (options.embedded) return;
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  if (/test/i.test(database)) return;
  if ((options.allowed ?? resolveOption('allowDatabase')).includes(database)) return;
  throw new NotATestDatabaseError(
    `runtag: refusing to ${options.action} in database "${database}" (${redactUrl(url)}): its name does not contain "test", ` +
      `so it may hold data that is not a test's. runtag creates roles and schemas there, migrates, and deletes what its runs created. ` +
      `Point DATABASE_URL at a test database (e.g. "${database}_test"), or, if this database really is for tests, ` +
      `set ${ALLOW_DATABASE_ENV}=${database}.`,
  );
}
