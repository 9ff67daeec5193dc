import { resolveOption } from '../options/resolve-options.js';
import { explainConnectionError, parseDatabaseUrl } from './connection-error.js';
import { withConnection } from './connect.js';
import { startEmbeddedServer } from './embedded/embedded-server.js';

/** Where the run's database lives: a server runtag started, or one the user pointed at. */
export interface DatabaseServer {
  url: string;
  /** True when runtag started (and so will stop) the server. */
  embedded: boolean;
  stop(): Promise<void>;
  /** Only for a server runtag started: restart it in place (fault tests). */
  restart?: () => Promise<void>;
  /** Only for a server runtag started: why it went away under the run (its supervisor was killed), if it did. */
  lost?: () => string | undefined;
}

export interface StartDatabaseOptions {
  /**
   * The server to use; when set, nothing is started. Given as undefined: start an embedded one.
   * Not given at all: DATABASE_URL, through the options resolver (for callers outside a run).
   */
  databaseUrl?: string | undefined;
  /** Used to name the embedded server's data directory. */
  label: string;
  /** Server settings for the embedded server, e.g. { max_connections: '30' }. */
  settings?: Record<string, string>;
}

export async function startDatabase(options: StartDatabaseOptions): Promise<DatabaseServer> {
  const url = 'databaseUrl' in options ? options.databaseUrl : resolveOption('databaseUrl');
  if (url) {
    parseDatabaseUrl(url, 'DATABASE_URL');
    await checkReachable(url, 'DATABASE_URL');
    return { url, embedded: false, stop: async () => {} };
  }
  const server = await startEmbeddedServer(options.label, options.settings);
  return { url: server.url, embedded: true, stop: () => server.stop(), restart: () => server.restart(), lost: () => server.lost() };
}

export async function checkReachable(url: string, source: string): Promise<void> {
  try {
    await withConnection(url, (sql) => sql`select 1`);
  } catch (error) {
    throw explainConnectionError(error, url, source);
  }
}
