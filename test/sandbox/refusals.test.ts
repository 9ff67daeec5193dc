/**
 * What the sandbox refuses, and says so: what cannot live in one shared transaction (LISTEN /
 * NOTIFY, COPY, session-level advisory locks), the primary URL while two tests run at once, a
 * wrong password. Each refusal leaves the client, and the test's transaction, as they were.
 */
import postgres from 'postgres';
import { expect, test } from 'vitest';
import { BASELINE, Clients, failed, failure, type PgError, sandboxFile, sandboxTest, withUrl } from './support.js';

const file = sandboxFile('test/sandbox/refusals.test.ts');

/** A refusal: 0A000, a message that starts "runtag sandbox:" and names `what`; the client idle after it. */
function refused(what: RegExp) {
  return { code: '0A000', message: expect.stringMatching(new RegExp(`^runtag sandbox: .*${what.source}`, 'is')), status: 'I' };
}

sandboxTest(
  file,
  'LISTEN, UNLISTEN and NOTIFY are refused (simple and extended protocol, postgres.js sql.listen); the client and the test go on',
  async ({ clients }) => {
    const client = await clients.pg(file.sandbox.url);
    await client.query("insert into items (owner, n) values ('before', 1)");
    expect(await failed(client, 'listen runtag_channel')).toEqual(refused(/LISTEN/));
    expect(await failed(client, 'UNLISTEN *')).toEqual(refused(/UNLISTEN/));
    expect(await failed(client, "notify runtag_channel, 'hello'")).toEqual(refused(/NOTIFY/));
    // Through Parse/Bind/Execute: a named statement.
    const extended = await failure(client.query({ name: 'notify', text: 'notify runtag_channel' }));
    expect([extended.code, extended.message]).toEqual(['0A000', expect.stringMatching(/^runtag sandbox: .*NOTIFY/is)]);
    const sql = clients.postgres(file.sandbox.url, { max: 1 });
    const listen = await failure(sql.listen('runtag_channel', () => {}));
    expect([listen.code, listen.message]).toEqual(['0A000', expect.stringMatching(/^runtag sandbox: .*LISTEN/is)]);
    expect((await client.query("select n from items where owner = 'before'")).rows).toEqual([{ n: 1 }]);
  },
);

sandboxTest(file, 'COPY FROM STDIN and COPY TO STDOUT are refused; the client and the test go on', async ({ clients }) => {
  const client = await clients.pg(file.sandbox.url);
  await client.query("insert into items (owner, n) values ('before', 1)");
  expect(await failed(client, 'copy items (owner, n) from stdin')).toEqual(refused(/COPY/));
  expect(await failed(client, 'copy items to stdout')).toEqual(refused(/COPY/));
  expect(await failed(client, 'COPY (select 1) TO STDOUT')).toEqual(refused(/COPY/));
  expect((await client.query("select n from items where owner = 'before'")).rows).toEqual([{ n: 1 }]);
});

sandboxTest(file, 'session-level advisory locks are refused, their transaction-level forms allowed', async ({ clients }) => {
  const client = await clients.pg(file.sandbox.url);
  await client.query("insert into items (owner, n) values ('before', 1)");
  for (const call of [
    'pg_advisory_lock(1)',
    'pg_advisory_lock(1, 2)',
    'pg_advisory_lock_shared(1)',
    'pg_try_advisory_lock(1)',
    'pg_try_advisory_lock_shared(1)',
    'pg_advisory_unlock(1)',
    'pg_advisory_unlock_shared(1)',
    'pg_advisory_unlock_all()',
  ]) {
    // One message for the family: it names it and the transaction-level forms to use instead.
    expect(await failed(client, `select ${call}`), call).toEqual(refused(/session-level advisory lock.*pg_advisory_xact_lock/));
  }
  expect(await failed(client, 'SELECT PG_ADVISORY_LOCK(7)')).toEqual(refused(/session-level advisory lock/));
  const extended = await failure(client.query('select pg_advisory_lock($1)', [3]));
  expect([extended.code, extended.message]).toEqual(['0A000', expect.stringMatching(/^runtag sandbox: a session-level advisory lock/)]);
  expect((await client.query('select pg_advisory_xact_lock(1) as locked')).rows).toEqual([{ locked: '' }]);
  expect((await client.query('select pg_try_advisory_xact_lock(2) as locked')).rows).toEqual([{ locked: true }]);
  expect((await client.query('select pg_advisory_xact_lock_shared($1) as locked', [3])).rows).toEqual([{ locked: '' }]);
  expect((await client.query("select n from items where owner = 'before'")).rows).toEqual([{ n: 1 }]);
});

sandboxTest(file, "one test: its own URL and the sandbox's URL are one transaction", async ({ clients, sandboxTest }) => {
  expect(sandboxTest.url).not.toBe(file.sandbox.url);
  const own = await clients.pg(sandboxTest.url);
  const primary = clients.postgres(file.sandbox.url, { max: 1 });
  await own.query("insert into items (owner, n) values ('own', 1)");
  await primary`insert into items (owner, n) values ('primary', 1)`;
  const [{ xid: ownXid }] = (await own.query<{ xid: string }>('select txid_current()::text as xid')).rows as [{ xid: string }];
  const [{ xid: primaryXid }] = (await primary<Array<{ xid: string }>>`select txid_current()::text as xid`) as unknown as [{ xid: string }];
  expect(ownXid).toBe(primaryXid);
  expect((await own.query("select owner from items where owner <> 'base' order by at")).rows).toEqual([{ owner: 'own' }, { owner: 'primary' }]);
});

test("two tests at once: the sandbox's URL is refused, each test's own URL works and sees only its own rows", async () => {
  const clients = new Clients();
  const before = await clients.pg(file.sandbox.url);
  const [one, two] = await Promise.all([file.sandbox.beginTest('one'), file.sandbox.beginTest('two')]);
  try {
    expect(new Set([file.sandbox.url, one.url, two.url]).size).toBe(3);
    // A client connected before, and one connected during: both refused, both told what to use.
    const during = await clients.pg(file.sandbox.url);
    for (const client of [before, during]) {
      const error = (await failure(client.query('select 1'))) as PgError;
      expect(error.code).toBe('0A000');
      expect(error.message).toMatch(/^runtag sandbox: 2 tests of "test\/sandbox\/refusals.test.ts" are running at once \("one", "two"\)/);
      // What to do is in the message itself: tools that show only the message still say it.
      expect(error.message).toMatch(/each test's own URL \(the databaseUrl fixture\)/);
      expect(client.getTransactionStatus()).toBe('I');
    }
    const a = await clients.pg(one.url);
    const b = clients.postgres(two.url, { max: 2 });
    await Promise.all([a.query("insert into items (owner, n) values ('one', 1)"), b`insert into items (owner, n) values ('two', 1)`]);
    await Promise.all([a.query("insert into items (owner, n) values ('one', 2)"), b`insert into items (owner, n) values ('two', 2)`]);
    expect((await a.query("select owner, n from items where owner <> 'base' order by n")).rows).toEqual([
      { owner: 'one', n: 1 },
      { owner: 'one', n: 2 },
    ]);
    expect([...(await b`select owner, n from items where owner <> 'base' order by n`)]).toEqual([
      { owner: 'two', n: 1 },
      { owner: 'two', n: 2 },
    ]);
    expect(await file.items()).toEqual(BASELINE);
  } finally {
    await clients.close();
    await Promise.all([one.end(), two.end()]);
  }
  expect(await file.items()).toEqual(BASELINE);
  // Both ended: the sandbox's URL works again.
  const after = new Clients();
  try {
    expect((await (await after.pg(file.sandbox.url)).query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  } finally {
    await after.close();
  }
});

test('a wrong password is refused with 28P01, on both drivers', async () => {
  const wrong = withUrl(file.sandbox.url, (u) => {
    u.password = 'wrong';
  });
  const clients = new Clients();
  try {
    const pgError = await failure(clients.pg(wrong));
    expect(pgError.code).toBe('28P01');
    const sql = postgres(wrong, { max: 1, onnotice: () => {} });
    try {
      expect((await failure(sql`select 1`)).code).toBe('28P01');
    } finally {
      await sql.end({ timeout: 1 });
    }
    // The right one still works.
    expect((await (await clients.pg(file.sandbox.url)).query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  } finally {
    await clients.close();
  }
});
