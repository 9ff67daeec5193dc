/**
 * The sandbox's protocol tests: one Sandbox per file on the file's own direct URL (its role, its
 * schema), a table of the file's own with rows committed before any test, and real clients
 * (node-postgres, postgres.js, Drizzle over both) on the sandbox's URLs. After every test's end()
 * a direct connection must see exactly the rows committed before it.
 */
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Sandbox, type SandboxTest } from '../../src/sandbox/sandbox.js';
import { fileDatabaseUrl } from '../../src/vitest/runtag-test.js';

export interface Item {
  owner: string;
  n: number;
}

/** Committed in beforeAll, through a direct connection: every test's end() must leave exactly these. */
export const BASELINE: readonly Item[] = [
  { owner: 'base', n: 1 },
  { owner: 'base', n: 2 },
  { owner: 'base', n: 3 },
];

export interface PgError {
  code?: string;
  message: string;
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<PgError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)?.slice(0, 200)}`);
  return outcome.error as PgError;
}

/**
 * `client.query(text, values)`'s error and the ReadyForQuery status after it: node-postgres rejects
 * on the ErrorResponse, before the ReadyForQuery that follows it, so getTransactionStatus() is not yet current.
 */
export async function failed(client: pg.Client, text: string, values?: unknown[]): Promise<PgError & { status: string }> {
  const status = new Promise<string>((resolve) => client.connection.once('readyForQuery', (message: { status: string }) => resolve(message.status)));
  const error = await failure(client.query(text, values));
  return { code: error.code, message: error.message, status: await status };
}

/** `url` with its password (or another part) changed. */
export function withUrl(url: string, change: (u: URL) => void): string {
  const u = new URL(url);
  change(u);
  return u.toString();
}

/** `url` whose connections say `name` as their application_name (the URL's own would win over a config field). */
export function named(url: string, name: string): string {
  return withUrl(url, (u) => u.searchParams.set('application_name', name));
}

/** Clients opened during one test, all closed before its end(). */
export class Clients {
  private readonly closers: Array<() => Promise<unknown>> = [];

  async pg(url: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url });
    // A client whose socket a test destroys emits 'error'; the test asserts what it needs.
    client.on('error', () => {});
    await client.connect();
    this.closers.push(() => client.end());
    return client;
  }

  pgPool(url: string, max = 4): pg.Pool {
    const pool = new pg.Pool({ connectionString: url, max });
    pool.on('error', () => {});
    this.closers.push(() => pool.end());
    return pool;
  }

  postgres(url: string, options: postgres.Options<Record<string, postgres.PostgresType>> = {}): postgres.Sql {
    const sql = postgres(url, { onnotice: () => {}, ...options });
    this.closers.push(() => sql.end({ timeout: 1 }));
    return sql;
  }

  async close(): Promise<void> {
    // A client the test broke must not hold the test up: each gets 2 s.
    const closers = this.closers.splice(0);
    await Promise.all(closers.map((close) => Promise.race([close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2000))])));
  }
}

/** Sends a CancelRequest for `client`'s running statement the way node-postgres does (a connection of its own). */
export function pgCancel(url: string, client: pg.Client): void {
  const canceller = new pg.Client({ connectionString: url }) as unknown as { cancel(target: pg.Client, query: unknown): void };
  canceller.cancel(client, (client as unknown as { activeQuery: unknown }).activeQuery);
}

/** Destroys `client`'s socket, as a crashed process or a killed container would. */
export function destroySocket(client: pg.Client): void {
  (client.connection as unknown as { stream: { destroy(): void } }).stream.destroy();
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SandboxFile {
  readonly sandbox: Sandbox;
  /** The file's direct URL (its role and schema), what the sandbox's upstream is. */
  readonly upstreamUrl: string;
  /** A direct connection to the file's schema, outside any sandbox. */
  readonly direct: postgres.Sql;
  /** The items a direct connection sees, in insertion order. */
  items(): Promise<Item[]>;
}

/**
 * The file's table and sandbox, opened in beforeAll and closed in afterAll. The table has no
 * serial: a rolled-back nextval would not be rolled back, and the tests compare exact rows.
 */
export function sandboxFile(label: string, options: { lockWaitMs?: number } = {}): SandboxFile {
  let sandbox: Sandbox | undefined;
  let direct: postgres.Sql | undefined;
  let upstreamUrl = '';
  const file: SandboxFile = {
    get sandbox() {
      if (!sandbox) throw new Error('the sandbox is opened in beforeAll');
      return sandbox;
    },
    get upstreamUrl() {
      return upstreamUrl;
    },
    get direct() {
      if (!direct) throw new Error('the direct connection is opened in beforeAll');
      return direct;
    },
    async items() {
      return [...(await file.direct<Item[]>`select owner, n from items order by at, n`)];
    },
  };
  beforeAll(async () => {
    upstreamUrl = fileDatabaseUrl();
    direct = postgres(upstreamUrl, { max: 1, onnotice: () => {} });
    await direct.unsafe('create table items (owner text not null, n int not null, at timestamptz not null default clock_timestamp(), primary key (owner, n))');
    await direct`insert into items ${direct(BASELINE.map((item) => ({ ...item })))}`;
    sandbox = await Sandbox.start({ upstreamUrl, label, ...options });
  });
  afterAll(async () => {
    await sandbox?.close();
    await direct?.end({ timeout: 1 });
  });
  return file;
}

export interface SandboxTestContext {
  /** The test as the sandbox knows it: its own URL, its end(). */
  sandboxTest: SandboxTest;
  /** Clients for this test, closed before its end(). */
  clients: Clients;
}

/**
 * A Vitest test run inside one sandbox test: begun before `body`, its clients closed and the test
 * ended after it, then the direct connection must see exactly the rows committed before it.
 */
export function sandboxTest(file: SandboxFile, name: string, body: (context: SandboxTestContext) => Promise<void>, timeout?: number): void {
  test(
    name,
    async () => {
      const sandboxTest = await file.sandbox.beginTest(name);
      const clients = new Clients();
      try {
        await body({ sandboxTest, clients });
      } finally {
        await clients.close();
        await sandboxTest.end();
      }
      expect(await file.items()).toEqual(BASELINE);
    },
    timeout,
  );
}
