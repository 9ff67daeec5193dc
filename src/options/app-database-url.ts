/**
 * The one place runtag writes a variable for someone else to read: the app under test. Its own
 * `db` module reads `process.env.DATABASE_URL` (or the names `databaseUrlEnv` lists) when a test
 * file imports it; runtag's setup file sets them to the file's own URL just before. runtag never
 * reads them back (its workers get the run's config from Vitest's `inject`).
 */
export function exposeDatabaseUrl(names: readonly string[], url: string): void {
  for (const name of names) process.env[name] = url;
}
