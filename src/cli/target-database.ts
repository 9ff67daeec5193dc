import { withConnection, type Sql } from '../db/connect.js';
import { checkReachable } from '../db/server.js';
import { resolveOption } from '../options/resolve-options.js';
import { UsageError } from './exit-codes.js';

/**
 * The server a command inspects: DATABASE_URL. An embedded PostgreSQL lives and dies with its run,
 * so only a server you point at can hold other runs, leftovers or templates.
 */
export async function withTargetDatabase<T>(command: string, work: (sql: Sql, url: string) => Promise<T>): Promise<T> {
  // Checked as it is read (a malformed URL is refused there, naming DATABASE_URL).
  const url = resolveOption('databaseUrl');
  if (!url) {
    throw new UsageError(
      `runtag ${command} needs DATABASE_URL: an embedded PostgreSQL lives and dies with its run, so only a server you point at can hold runs, leftovers and templates. ` +
        `Example: DATABASE_URL=postgres://user:pass@localhost:5432/app_test npx runtag ${command}`,
    );
  }
  await checkReachable(url, 'DATABASE_URL');
  return withConnection(url, (sql) => work(sql, url), { max: 2, applicationName: 'runtag-cli' });
}

/** A whole number ≥ min from an option, or a UsageError naming the option. */
export function wholeNumber(value: string, option: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${option} must be a whole number ≥ ${min}, got "${value}".`);
  return n;
}

/** `--stale-minutes`, as `runtag runs` and `runtag sweep` take it: when a silent run counts as dead. */
export const STALE_MINUTES_OPTION = ['--stale-minutes <n>', 'a run with no heartbeat for this long and no connection open is dead', '2'] as const;

export function staleAfterMs(staleMinutes: string): number {
  return wholeNumber(staleMinutes, '--stale-minutes') * 60_000;
}
