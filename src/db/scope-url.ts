import { RuntagError } from '../errors/runtag-error.js';

/**
 * A connection URL for a scope (a test file, a Playwright worker), for code runtag does not own:
 * the app's own `db` module, its server process. Everything that keeps the scope apart travels in
 * the URL, so the app needs no change and either driver honours it:
 * - the scope's role and password (it can reach only the scope's schema and the extensions);
 * - `options=-c search_path=…`: a startup option the server applies to every connection, which
 *   node-postgres (through pg-connection-string) and postgres.js (unknown query parameters become
 *   startup parameters) both send; a `SET search_path` would reach only one pooled connection;
 * - `application_name`, naming the scope, so the app's connections can be told apart in pg_stat_activity.
 */
export interface ScopeUrlParts {
  credentials?: { user: string; password: string } | undefined;
  searchPath: readonly string[];
  applicationName: string;
  /** Further server settings, e.g. synchronous_commit=off. */
  settings?: Record<string, string>;
}

export function scopeUrl(baseUrl: string, parts: ScopeUrlParts): string {
  const url = new URL(baseUrl);
  if (parts.credentials) {
    url.username = encodeURIComponent(parts.credentials.user);
    url.password = encodeURIComponent(parts.credentials.password);
  }
  const settings = { search_path: parts.searchPath.map(searchPathEntry).join(','), ...parts.settings };
  // Each -c is one backend option; spaces inside a value would need backslashes, and runtag's names have none.
  url.searchParams.set(
    'options',
    Object.entries(settings)
      .map(([name, value]) => `-c ${name}=${value}`)
      .join(' '),
  );
  url.searchParams.set('application_name', parts.applicationName);
  return url.toString();
}

/** A schema name as search_path takes it: bare when it is a plain lower-case name, else quoted. */
function searchPathEntry(schema: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(schema)) return schema;
  if (/\s/.test(schema))
    throw new RuntagError(
      'UNSUPPORTED_SCHEMA_NAME',
      `runtag: the schema name "${schema}" contains white space, which a connection URL's options cannot carry.`,
    );
  return `"${schema.replaceAll('"', '""')}"`;
}
