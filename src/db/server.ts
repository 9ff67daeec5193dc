import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from './embedded-postgres.js';
import { explainConnectionError, parseDatabaseUrl, DatabaseConnectionError } from './connection-error.js';
import { withConnection } from './connect.js';

/** Where the run's database lives: a server runtag started, or one the user pointed at. */
export interface DatabaseServer {
  url: string;
  /** True when runtag started (and so will stop) the server. */
  embedded: boolean;
  stop(): Promise<void>;
}

export interface StartDatabaseOptions {
  /** Defaults to process.env.DATABASE_URL; when set, nothing is started. */
  databaseUrl?: string | undefined;
  /** Used to name the embedded server's data directory. */
  label: string;
}

/** Settings that trade durability for speed: a crashed test database is thrown away anyway. */
const TEST_TUNING = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'unix_socket_directories='];

export async function startDatabase(options: StartDatabaseOptions): Promise<DatabaseServer> {
  const url = options.databaseUrl ?? process.env.DATABASE_URL;
  if (url) {
    parseDatabaseUrl(url, 'DATABASE_URL');
    await checkReachable(url, 'DATABASE_URL');
    return { url, embedded: false, stop: async () => {} };
  }
  return startEmbedded(options.label);
}

export async function checkReachable(url: string, source: string): Promise<void> {
  try {
    await withConnection(url, (sql) => sql`select 1`);
  } catch (error) {
    throw explainConnectionError(error, url, source);
  }
}

async function startEmbedded(label: string): Promise<DatabaseServer> {
  const password = 'runtag';
  const logs: string[] = [];
  // Under the OS temp dir: PostgreSQL runs as the `postgres` user when we are root, and must be able to reach it.
  const databaseDir = join(tmpdir(), `runtag-pg-${label}`);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir,
      port,
      user: 'postgres',
      password,
      persistent: false,
      createPostgresUser: userInfo().uid === 0,
      postgresFlags: TEST_TUNING.flatMap((setting) => ['-c', setting]),
      onLog: (message) => logs.push(String(message)),
      onError: (message) => logs.push(String(message)),
    });
    try {
      if (attempt === 1) await server.initialise();
      await server.start();
      const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
      return { url, embedded: true, stop: () => server.stop() };
    } catch (error) {
      // Another process may have taken the port between our probe and PostgreSQL's bind.
      const portTaken = logs.some((line) => line.includes('could not bind') || line.includes('Address already in use'));
      if (portTaken && attempt < 5) continue;
      await server.stop().catch(() => {});
      throw new DatabaseConnectionError(
        `runtag could not start the embedded PostgreSQL (data directory ${databaseDir}, port ${port}). ` +
          `Its last output: ${logs.slice(-8).join(' ').trim() || String(error)}. ` +
          'Set DATABASE_URL to use an existing PostgreSQL server instead.',
        { cause: error },
      );
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
