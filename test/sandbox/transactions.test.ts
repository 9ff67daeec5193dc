/**
 * The sandbox's core promise, with real clients: every client's unit reaches the one server
 * connection whole, in the running test's transaction; a client's own transactions and savepoints
 * behave as on a server; everything is gone after the test's end(), and rows committed before it stay.
 */
import { and, between, eq } from 'drizzle-orm';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePostgresJs } from 'drizzle-orm/postgres-js';
import type pg from 'pg';
import { expect, test } from 'vitest';
import { BASELINE, Clients, failed, failure, sandboxFile, sandboxTest, sleep } from './support.js';

const file = sandboxFile('test/sandbox/transactions.test.ts');
const items = pgTable('items', { owner: text('owner').notNull(), n: integer('n').notNull() });
const range = (count: number) => Array.from({ length: count }, (_, i) => i);

/** The n of `owner`'s items as `client` sees them. */
async function ns(client: pg.Client | pg.Pool, owner: string): Promise<number[]> {
  const { rows } = await client.query<{ n: number }>('select n from items where owner = $1 order by n', [owner]);
  return rows.map((row) => row.n);
}

/** Runs `text` as one simple Query; its command tag (as the server words it) and the ReadyForQuery status after it. */
function scripted(client: pg.Client) {
  let tag = '';
  client.connection.on('commandComplete', (message: { text: string }) => {
    tag = message.text;
  });
  return async (text: string): Promise<[string, string]> => {
    tag = '';
    await client.query(text);
    return [tag, client.getTransactionStatus() ?? ''];
  };
}

test("the URL: the upstream's user, password, database and options, on 127.0.0.1 at the listener's port", () => {
  const url = new URL(file.sandbox.url);
  const upstream = new URL(file.upstreamUrl);
  expect(url.hostname).toBe('127.0.0.1');
  expect(Number(url.port)).toBeGreaterThan(0);
  expect(url.port).not.toBe(upstream.port);
  expect([url.username, url.password, url.pathname]).toEqual([upstream.username, upstream.password, upstream.pathname]);
  expect(url.searchParams.get('options')).toBe(upstream.searchParams.get('options'));
});

test('with no test begun a client runs as on a direct connection: autocommit, and its BEGIN / ROLLBACK are real', async () => {
  const clients = new Clients();
  try {
    const client = await clients.pg(file.sandbox.url);
    await client.query("insert into items (owner, n) values ('outside', 1)");
    expect(await file.items()).toEqual([...BASELINE, { owner: 'outside', n: 1 }]);
    await client.query('begin');
    await client.query("insert into items (owner, n) values ('outside', 2)");
    expect(client.getTransactionStatus()).toBe('T');
    // Not committed: a direct connection does not see it.
    expect(await file.items()).toEqual([...BASELINE, { owner: 'outside', n: 1 }]);
    await client.query('rollback');
    expect(await ns(client, 'outside')).toEqual([1]);
    await client.query("delete from items where owner = 'outside'");
    expect(await file.items()).toEqual(BASELINE);
  } finally {
    await clients.close();
  }
});

sandboxTest(file, 'two pools interleaving extended-protocol queries: every result exact, all in one server transaction', async ({ clients }) => {
  const nodePg = clients.pgPool(file.sandbox.url, 4);
  const postgresJs = clients.postgres(file.sandbox.url, { max: 4 });
  const count = 60;
  const [doubled, shifted, pgInserted, jsInserted] = await Promise.all([
    Promise.all(range(count).map(async (i) => (await nodePg.query('select $1::int * 2 as v, txid_current()::text as xid', [i])).rows[0])),
    Promise.all(range(count).map(async (i) => (await postgresJs`select ${i}::int + 1000 as v, txid_current()::text as xid`)[0])),
    Promise.all(range(count).map(async (i) => (await nodePg.query("insert into items (owner, n) values ('pg', $1) returning n", [i])).rows[0]?.n)),
    Promise.all(range(count).map(async (i) => (await postgresJs`insert into items (owner, n) values ('js', ${i}) returning n`)[0]?.n)),
  ]);
  expect(doubled.map((row) => row?.v)).toEqual(range(count).map((i) => i * 2));
  expect(shifted.map((row) => row?.v)).toEqual(range(count).map((i) => i + 1000));
  expect(pgInserted).toEqual(range(count));
  expect(jsInserted).toEqual(range(count));
  // One transaction: the test's, whatever connection of whichever pool ran the statement.
  expect(new Set([...doubled, ...shifted].map((row) => row?.xid)).size).toBe(1);
  expect(await ns(nodePg, 'js')).toEqual(range(count));
  expect((await postgresJs`select n from items where owner = 'pg' order by n`).map((row) => row.n)).toEqual(range(count));
  // Not committed: a direct connection sees only what was there before the test.
  expect(await file.items()).toEqual(BASELINE);
});

sandboxTest(file, "node-postgres: two clients prepare the same name 'q' with different texts, each runs its own", async ({ clients }) => {
  const one = await clients.pg(file.sandbox.url);
  const two = await clients.pg(file.sandbox.url);
  const rounds = 25;
  const results = await Promise.all(
    range(rounds).flatMap((i) => [
      one.query<{ v: unknown }>({ name: 'q', text: 'select $1::int + 1 as v', values: [i] }).then((r) => r.rows[0]?.v),
      two.query<{ v: unknown }>({ name: 'q', text: "select $1::text || '!' as v", values: [String(i)] }).then((r) => r.rows[0]?.v),
    ]),
  );
  expect(results).toEqual(range(rounds).flatMap((i) => [i + 1, `${i}!`]));
});

sandboxTest(file, "postgres.js: two pools' statement caches (a named statement per query per connection) stay apart", async ({ clients }) => {
  const one = clients.postgres(file.sandbox.url, { max: 2 });
  const two = clients.postgres(file.sandbox.url, { max: 2 });
  const rounds = 25;
  const results = await Promise.all(
    range(rounds).flatMap((i) => [
      one`select ${i}::int * 3 as v`.then((rows) => rows[0]?.v),
      two`select ${String(i)}::text || 'x' as v`.then((rows) => rows[0]?.v),
      // The same text on both: each connection's own statement.
      one`select ${i}::int as same`.then((rows) => rows[0]?.same),
      two`select ${i}::int as same`.then((rows) => rows[0]?.same),
    ]),
  );
  expect(results).toEqual(range(rounds).flatMap((i) => [i * 3, `${i}x`, i, i]));
});

sandboxTest(
  file,
  'postgres.js cursors on two clients at once (Execute with a row limit, Sync only at the end): each gets its own batches, in order',
  async ({ clients }) => {
    const one = clients.postgres(file.sandbox.url, { max: 1 });
    const two = clients.postgres(file.sandbox.url, { max: 1 });
    const read = async (sql: typeof one, from: number) => {
      const seen: number[] = [];
      for await (const rows of sql<Array<{ g: number }>>`select g from generate_series(${from}::int, ${from + 9}::int) g`.cursor(3)) {
        seen.push(...rows.map((row) => row.g));
        await sleep(5);
      }
      return seen;
    };
    const [a, b] = await Promise.all([read(one, 0), read(two, 100)]);
    expect(a).toEqual(range(10));
    expect(b).toEqual(range(10).map((i) => i + 100));
  },
);

test("a client's prepared statements outlive the tests: prepared outside, used in two tests one after the other, then outside again", async () => {
  const clients = new Clients();
  try {
    const client = await clients.pg(file.sandbox.url);
    const sql = clients.postgres(file.sandbox.url, { max: 1 });
    // node-postgres parses a name once per connection, then only binds it: a lost statement fails with 26000.
    const count = async () =>
      (await client.query<{ c: number }>({ name: 'count', text: 'select count(*)::int as c from items where owner = $1', values: ['kept'] })).rows[0]?.c;
    const jsCount = async () => (await sql`select count(*)::int as c from items where owner = ${'kept'}`)[0]?.c;
    expect([await count(), await jsCount()]).toEqual([0, 0]);
    for (const name of ['first', 'second']) {
      const sandboxTest = await file.sandbox.beginTest(name);
      try {
        await client.query("insert into items (owner, n) values ('kept', 1)");
        expect([await count(), await jsCount()]).toEqual([1, 1]);
      } finally {
        await sandboxTest.end();
      }
      expect([await count(), await jsCount()]).toEqual([0, 0]);
    }
  } finally {
    await clients.close();
  }
  expect(await file.items()).toEqual(BASELINE);
});

sandboxTest(
  file,
  'raw BEGIN / START TRANSACTION / SAVEPOINT / ROLLBACK TO / RELEASE / END / ABORT: tags, statuses and rows as on a server',
  async ({ clients }) => {
    const client = await clients.pg(file.sandbox.url);
    const other = await clients.pg(file.sandbox.url);
    const run = scripted(client);
    expect(await run('select 1')).toEqual(['SELECT 1', 'I']);
    expect(await run('begin')).toEqual(['BEGIN', 'T']);
    expect(await run("insert into items (owner, n) values ('raw', 1)")).toEqual(['INSERT 0 1', 'T']);
    expect(await ns(client, 'raw')).toEqual([1]);
    expect(await run('rollback')).toEqual(['ROLLBACK', 'I']);
    expect(await ns(client, 'raw')).toEqual([]);

    expect(await run('start transaction')).toEqual(['START TRANSACTION', 'T']);
    expect(await run("insert into items (owner, n) values ('raw', 2)")).toEqual(['INSERT 0 1', 'T']);
    expect(await run('savepoint s1')).toEqual(['SAVEPOINT', 'T']);
    expect(await run("insert into items (owner, n) values ('raw', 3)")).toEqual(['INSERT 0 1', 'T']);
    expect(await run('savepoint s2')).toEqual(['SAVEPOINT', 'T']);
    expect(await run("insert into items (owner, n) values ('raw', 4)")).toEqual(['INSERT 0 1', 'T']);
    expect(await ns(client, 'raw')).toEqual([2, 3, 4]);
    expect(await run('rollback to s2')).toEqual(['ROLLBACK', 'T']);
    expect(await run('release s1')).toEqual(['RELEASE', 'T']);
    expect(await ns(client, 'raw')).toEqual([2, 3]);
    expect(await run('end')).toEqual(['COMMIT', 'I']);
    // Committed by the client: the other client sees it, until the test's end.
    expect(await ns(other, 'raw')).toEqual([2, 3]);

    expect(await run('begin')).toEqual(['BEGIN', 'T']);
    expect(await run("insert into items (owner, n) values ('raw', 5)")).toEqual(['INSERT 0 1', 'T']);
    expect(await run('abort')).toEqual(['ROLLBACK', 'I']);
    expect(await run("begin; insert into items (owner, n) values ('raw', 6); commit")).toEqual(['COMMIT', 'I']);
    expect(await ns(other, 'raw')).toEqual([2, 3, 6]);
    expect(await file.items()).toEqual(BASELINE);
  },
);

sandboxTest(
  file,
  'COMMIT / ROLLBACK with no transaction, a second BEGIN, SAVEPOINT outside one: the warnings, errors and statuses of a server',
  async ({ clients }) => {
    const client = await clients.pg(file.sandbox.url);
    const notices: Array<string | undefined> = [];
    client.on('notice', (notice: { code?: string }) => notices.push(notice.code));
    const run = scripted(client);
    expect(await run('commit')).toEqual(['COMMIT', 'I']);
    expect(await run('rollback')).toEqual(['ROLLBACK', 'I']);
    expect(await run('begin')).toEqual(['BEGIN', 'T']);
    expect(await run('begin')).toEqual(['BEGIN', 'T']);
    expect(await run('commit')).toEqual(['COMMIT', 'I']);
    // 25P01 no_active_sql_transaction (twice), 25001 active_sql_transaction.
    expect(notices).toEqual(['25P01', '25P01', '25001']);
    expect(await failed(client, 'savepoint s')).toEqual({ code: '25P01', message: 'SAVEPOINT can only be used in transaction blocks', status: 'I' });
    expect(await failed(client, 'begin; rollback to nowhere')).toEqual({ code: '3B001', message: 'savepoint "nowhere" does not exist', status: 'E' });
    expect(await run('rollback')).toEqual(['ROLLBACK', 'I']);
  },
);

sandboxTest(
  file,
  'a simple Query of several statements outside a client transaction is one implicit transaction: an error in it loses all of it',
  async ({ clients }) => {
    const client = await clients.pg(file.sandbox.url);
    await client.query("insert into items (owner, n) values ('multi', 1)");
    expect(await failed(client, "insert into items (owner, n) values ('multi', 2); select 1/0; insert into items (owner, n) values ('multi', 3)")).toEqual({
      code: '22012',
      message: 'division by zero',
      status: 'I',
    });
    expect(await ns(client, 'multi')).toEqual([1]);
  },
);

sandboxTest(
  file,
  'postgres.js sql.begin, sql.savepoint and sql.reserve: what the client commits stays until the end, what it rolls back goes',
  async ({ clients }) => {
    const sql = clients.postgres(file.sandbox.url, { max: 2 });
    const other = await clients.pg(file.sandbox.url);
    const seen = await sql.begin(async (tx) => {
      await tx`insert into items (owner, n) values ('js', 1)`;
      await tx.savepoint(async (sp) => {
        await sp`insert into items (owner, n) values ('js', 2)`;
      });
      const undone = await failure(
        tx.savepoint(async (sp) => {
          await sp`insert into items (owner, n) values ('js', 3)`;
          throw new Error('undo 3');
        }),
      );
      expect(undone.message).toBe('undo 3');
      return (await tx`select n from items where owner = 'js' order by n`).map((row) => row.n);
    });
    expect(seen).toEqual([1, 2]);
    expect(await ns(other, 'js')).toEqual([1, 2]);

    const thrown = await failure(
      sql.begin(async (tx) => {
        await tx`insert into items (owner, n) values ('js', 4)`;
        throw new Error('undo 4');
      }),
    );
    expect(thrown.message).toBe('undo 4');

    const reserved = await sql.reserve();
    try {
      await reserved`begin`;
      await reserved`insert into items (owner, n) values ('js', 5)`;
      expect((await reserved`select count(*)::int as c from items where owner = 'js'`)[0]?.c).toBe(3);
      await reserved`rollback`;
      await reserved`insert into items (owner, n) values ('js', 6)`;
    } finally {
      reserved.release();
    }
    expect(await ns(other, 'js')).toEqual([1, 2, 6]);
    expect(await file.items()).toEqual(BASELINE);
  },
);

sandboxTest(
  file,
  "transaction statements re-run from a client's statement cache (Bind only, no Parse) are still savepoints: postgres.js sql.begin three times on one connection, pg named BEGIN / COMMIT",
  async ({ clients }) => {
    const sql = clients.postgres(file.sandbox.url, { max: 1 });
    const client = await clients.pg(file.sandbox.url);
    const other = await clients.pg(file.sandbox.url);
    for (const n of [1, 2, 3]) {
      await sql.begin(async (tx) => {
        await tx`insert into items (owner, n) values ('cached-js', ${n})`;
      });
    }
    expect(await ns(other, 'cached-js')).toEqual([1, 2, 3]);
    for (const n of [1, 2]) {
      await client.query({ name: 'tx-begin', text: 'begin' });
      expect(client.getTransactionStatus()).toBe('T');
      await client.query("insert into items (owner, n) values ('cached-pg', $1)", [n]);
      await client.query({ name: 'tx-commit', text: 'commit' });
      expect(client.getTransactionStatus()).toBe('I');
    }
    expect(await ns(other, 'cached-pg')).toEqual([1, 2]);
  },
);

sandboxTest(file, 'Drizzle over postgres.js and node-postgres: db.transaction with nested transactions, committed and rolled back', async ({ clients }) => {
  const dbs = [
    { owner: 'drizzle-js', db: drizzlePostgresJs(clients.postgres(file.sandbox.url, { max: 2 })) },
    { owner: 'drizzle-pg', db: drizzleNodePg(clients.pgPool(file.sandbox.url, 2)) },
  ];
  const other = await clients.pg(file.sandbox.url);
  for (const { owner, db } of dbs) {
    const seen = await db.transaction(async (tx) => {
      await tx.insert(items).values({ owner, n: 1 });
      await tx.transaction(async (inner) => {
        await inner.insert(items).values({ owner, n: 2 });
      });
      const undone = await failure(
        tx.transaction(async (inner) => {
          await inner.insert(items).values({ owner, n: 3 });
          inner.rollback();
        }),
      );
      expect(undone.message).toBe('Rollback');
      return (await tx.select({ n: items.n }).from(items).where(eq(items.owner, owner)).orderBy(items.n)).map((row) => row.n);
    });
    expect(seen).toEqual([1, 2]);
    const rolledBack = await failure(
      db.transaction(async (tx) => {
        await tx.insert(items).values({ owner, n: 4 });
        tx.rollback();
      }),
    );
    expect(rolledBack.message).toBe('Rollback');
    expect(await ns(other, owner)).toEqual([1, 2]);
  }
  expect(await file.items()).toEqual(BASELINE);
});

sandboxTest(file, 'concurrent client transactions from both drivers take turns: each sees its own rows whole, all are kept', async ({ clients }) => {
  const js = drizzlePostgresJs(clients.postgres(file.sandbox.url, { max: 3 }));
  const nodePg = drizzleNodePg(clients.pgPool(file.sandbox.url, 3));
  const other = await clients.pg(file.sandbox.url);
  const values = (k: number) => [0, 1, 2].map((i) => ({ owner: 'turns', n: k * 10 + i }));
  const mine = (k: number) => and(eq(items.owner, 'turns'), between(items.n, k * 10, k * 10 + 9));
  const seen = await Promise.all(
    range(16).map((k) =>
      k % 2
        ? js.transaction(async (tx) => {
            await tx.insert(items).values(values(k));
            return (await tx.select().from(items).where(mine(k))).length;
          })
        : nodePg.transaction(async (tx) => {
            await tx.insert(items).values(values(k));
            return (await tx.select().from(items).where(mine(k))).length;
          }),
    ),
  );
  expect(seen).toEqual(range(16).map(() => 3));
  expect(await ns(other, 'turns')).toEqual(range(16).flatMap((k) => [k * 10, k * 10 + 1, k * 10 + 2]));
});

sandboxTest(
  file,
  'an error in a client transaction: 25P02 for its next statements (simple and extended), ROLLBACK ends it, then it and another client go on',
  async ({ clients }) => {
    const client = await clients.pg(file.sandbox.url);
    const other = await clients.pg(file.sandbox.url);
    await other.query("insert into items (owner, n) values ('other', 1)");
    await client.query('begin');
    await client.query("insert into items (owner, n) values ('err', 1)");
    expect(await failed(client, 'select 1/0')).toEqual({ code: '22012', message: 'division by zero', status: 'E' });
    const aborted = { code: '25P02', message: 'current transaction is aborted, commands ignored until end of transaction block', status: 'E' };
    expect(await failed(client, 'select 1')).toEqual(aborted);
    expect(await failed(client, 'select $1::int as v', [1])).toEqual(aborted);
    expect(await failed(client, "insert into items (owner, n) values ('err', 9)")).toEqual(aborted);
    expect((await client.query('rollback')).command).toBe('ROLLBACK');
    expect(client.getTransactionStatus()).toBe('I');
    await client.query("insert into items (owner, n) values ('err', 2)");
    await other.query("insert into items (owner, n) values ('other', 2)");
    expect([await ns(other, 'err'), await ns(client, 'other')]).toEqual([[2], [1, 2]]);
  },
);

sandboxTest(file, 'COMMIT of a failed transaction answers ROLLBACK and keeps none of it; ROLLBACK TO a savepoint recovers one', async ({ clients }) => {
  const client = await clients.pg(file.sandbox.url);
  const run = scripted(client);
  await client.query('begin');
  await client.query("insert into items (owner, n) values ('failed', 1)");
  await client.query('savepoint s');
  expect((await failed(client, 'select 1/0')).status).toBe('E');
  expect(await run('rollback to s')).toEqual(['ROLLBACK', 'T']);
  await client.query("insert into items (owner, n) values ('failed', 2)");
  expect(await run('commit')).toEqual(['COMMIT', 'I']);
  await client.query('begin');
  await client.query("insert into items (owner, n) values ('failed', 3)");
  expect((await failed(client, 'select 1/0')).status).toBe('E');
  expect(await run('commit')).toEqual(['ROLLBACK', 'I']);
  expect(await ns(client, 'failed')).toEqual([1, 2]);
});

sandboxTest(file, 'an error outside a client transaction loses only that statement, on both drivers', async ({ clients }) => {
  const client = await clients.pg(file.sandbox.url);
  const sql = clients.postgres(file.sandbox.url, { max: 1 });
  await client.query("insert into items (owner, n) values ('lone', 1)");
  expect(await failed(client, "insert into items (owner, n) values ('lone', 1)")).toEqual({
    code: '23505',
    message: 'duplicate key value violates unique constraint "items_pkey"',
    status: 'I',
  });
  expect(await failed(client, 'select $1::int', ['x'])).toEqual({ code: '22P02', message: 'invalid input syntax for type integer: "x"', status: 'I' });
  await client.query("insert into items (owner, n) values ('lone', 2)");
  const js = await failure(sql`select 1/0`);
  expect([js.code, js.message]).toEqual(['22012', 'division by zero']);
  await sql`insert into items (owner, n) values ('lone', 3)`;
  expect(await ns(client, 'lone')).toEqual([1, 2, 3]);
});
