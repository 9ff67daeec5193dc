import { connect, type Sql } from '../db/connect.js';
import type { ScopeRuntime } from '../lifecycle/scope-runtime.js';
import { runApplicationName } from '../run/run-id.js';

/** What the toolkit's own connections are for; each becomes the suffix of their application_name. */
export type ToolkitPurpose = 'race' | 'chaos';

type AnyRuntime = ScopeRuntime;

/**
 * A client of its own (one connection by default) that logs in and resolves names exactly like the
 * scope's pool: the same credentials, server settings and search_path, so it sees the file's
 * schema and nothing else, and isolation holds. Named `runtag:<run>:<purpose>`, so it is provably
 * this run's, counted by `runtag sweep` and never mistaken for the file's own pool.
 */
export async function openFileConnection(runtime: AnyRuntime, purpose: ToolkitPurpose, max = 1): Promise<Sql> {
  const pool = runtime.testSchema.sql.options;
  const { application_name: _name, search_path: _path, ...parameters } = pool.connection as Record<string, string>;
  // postgres.js accepts a password function; the file's pool may have been given one.
  const password = typeof pool.pass === 'function' ? await (pool.pass as () => string | Promise<string>)() : pool.pass;
  return connect(runtime.config.databaseUrl, {
    max,
    searchPath: runtime.testSchema.searchPath,
    applicationName: runApplicationName(runtime.config.runId, purpose),
    parameters,
    credentials: { user: pool.user, password: password ?? '' },
  });
}

/** The application_name of the scope's own pool (what `db`, the factories and the session use). */
export function fileApplicationName(runtime: AnyRuntime): string {
  return (runtime.testSchema.sql.options.connection as Record<string, string>).application_name ?? '';
}
