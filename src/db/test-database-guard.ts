import { redactUrl } from './connection-error.js';

export const ALLOW_DATABASE_ENV = 'RUNTAG_ALLOW_DATABASE';

export class NotATestDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotATestDatabaseError';
  }
}

/**
 * runtag creates roles and schemas, migrates, deletes rows and drops what dead runs left. It does
 * that only where the database says it is for tests: an embedded server runtag started, a database
 * whose name contains "test", or one the user names explicitly in RUNTAG_ALLOW_DATABASE.
 */
export function assertTestDatabase(url: string, options: { embedded: boolean; action: string }): void {
  if (options.embedded) return;
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  if (/test/i.test(database)) return;
  const allowed = (process.env[ALLOW_DATABASE_ENV] ?? '').split(',').map((s) => s.trim());
  if (allowed.includes(database)) return;
  throw new NotATestDatabaseError(
    `runtag: refusing to ${options.action} in database "${database}" (${redactUrl(url)}): its name does not contain "test", ` +
      `so it may hold data that is not a test's. runtag creates roles and schemas there, migrates, and deletes what its runs created. ` +
      `Point DATABASE_URL at a test database (e.g. "${database}_test"), or, if this database really is for tests, ` +
      `set ${ALLOW_DATABASE_ENV}=${database}.`,
  );
}
