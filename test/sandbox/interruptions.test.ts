/**
 * What interrupts a client: its cancel (which must reach its own statement, never another
 * client's), its disconnect mid-statement, and another client's open transaction (waited for,
 * up to lockWaitMs).
 */
import { performance } from 'node:perf_hooks';
import { expect, test } from 'vitest';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { BASELINE, Clients, destroySocket, failed, failure, named, pgCancel, sandboxFile, sandboxTest, sleep } from './support.js';

const file = sandboxFile('test/sandbox/interruptions.test.ts');
const CANCELED = { code: '57014', message: 'canceling statement due to user request' };

sandboxTest(file, "node-postgres's cancel reaches its statement: 57014 at once, the client goes on", async ({ clients }) => {
  const client = await clients.pg(file.sandbox.url);
  const sleeping = failed(client, 'select pg_sleep(5)');
  await sleep(200);
  const sent = performance.now();
  pgCancel(file.sandbox.url, client);
  expect(await sleeping).toEqual({ ...CANCELED, status: 'I' });
  expect(performance.now() - sent).toBeLessThan(1500);
  expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
});

sandboxTest(file, 'a cancel in a client transaction fails it as on a server: 57014, then 25P02, then ROLLBACK; its work is undone', async ({ clients }) => {
  const client = await clients.pg(file.sandbox.url);
  const other = await clients.pg(file.sandbox.url);
  await client.query('begin');
  await client.query("insert into items (owner, n) values ('cancel', 1)");
  const sleeping = failed(client, 'select pg_sleep(5)');
  await sleep(200);
  pgCancel(file.sandbox.url, client);
  expect(await sleeping).toEqual({ ...CANCELED, status: 'E' });
  expect((await failed(client, 'select 1')).code).toBe('25P02');
  await client.query('rollback');
  await client.query("insert into items (owner, n) values ('cancel', 2)");
  expect((await other.query("select n from items where owner = 'cancel'")).rows).toEqual([{ n: 2 }]);
});

sandboxTest(file, "postgres.js's query.cancel(): 57014, the connection goes on", async ({ clients }) => {
  const sql = clients.postgres(file.sandbox.url, { max: 1 });
  const query = sql`select pg_sleep(5)`;
  const sleeping = failure(query);
  await sleep(200);
  const sent = performance.now();
  query.cancel();
  const error = await sleeping;
  expect([error.code, error.message]).toEqual([CANCELED.code, CANCELED.message]);
  expect(performance.now() - sent).toBeLessThan(1500);
  expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
});

sandboxTest(file, "a cancel reaches only its own client's statement: the other client's, waiting behind it, completes", async ({ clients }) => {
  const canceled = await clients.pg(file.sandbox.url);
  const other = await clients.pg(file.sandbox.url);
  const sleeping = failed(canceled, 'select pg_sleep(3)');
  await sleep(100);
  const behind = other.query("select pg_sleep(0.3), 'other' as who");
  await sleep(100);
  pgCancel(file.sandbox.url, canceled);
  expect(await sleeping).toEqual({ ...CANCELED, status: 'I' });
  expect((await behind).rows).toEqual([{ pg_sleep: '', who: 'other' }]);
});

sandboxTest(file, "an idle client's cancel cancels nothing: not another client's running statement, not its own next one", async ({ clients }) => {
  const idle = await clients.pg(file.sandbox.url);
  const busy = await clients.pg(file.sandbox.url);
  const running = busy.query("select pg_sleep(0.5), 'busy' as who");
  await sleep(150);
  pgCancel(file.sandbox.url, idle);
  await sleep(150);
  expect((await running).rows).toEqual([{ pg_sleep: '', who: 'busy' }]);
  expect((await idle.query("select pg_sleep(0.2), 'idle' as who")).rows).toEqual([{ pg_sleep: '', who: 'idle' }]);
});

sandboxTest(file, 'a client that disconnects mid-statement: its open transaction is rolled back, the others go on and keep theirs', async ({ clients }) => {
  const leaver = await clients.pg(file.sandbox.url);
  const stayer = await clients.pg(file.sandbox.url);
  await stayer.query("insert into items (owner, n) values ('stay', 1)");
  // Autocommit, before its transaction: kept until the test's end.
  await leaver.query("insert into items (owner, n) values ('leave', 1)");
  await leaver.query('begin');
  await leaver.query("insert into items (owner, n) values ('leave', 2)");
  const sleeping = failure(leaver.query('select pg_sleep(1)'));
  await sleep(200);
  destroySocket(leaver);
  expect((await sleeping).message).toMatch(/Connection terminated|ECONNRESET|socket/i);
  // The stayer waited for the leaver's transaction; its end (the disconnect) lets it go on.
  await stayer.query("insert into items (owner, n) values ('stay', 2)");
  const after = await clients.pg(file.sandbox.url);
  expect((await after.query('select owner, n from items order by at, n')).rows).toEqual([
    ...BASELINE,
    { owner: 'stay', n: 1 },
    { owner: 'leave', n: 1 },
    { owner: 'stay', n: 2 },
  ]);
});

sandboxTest(file, 'a client that disconnects idle in its transaction: its work is rolled back, a transaction it held up goes on', async ({ clients }) => {
  const leaver = await clients.pg(file.sandbox.url);
  const waiter = await clients.pg(file.sandbox.url);
  await leaver.query('begin');
  await leaver.query("insert into items (owner, n) values ('leave', 1)");
  // A transaction of its own waits for the leaver's to end.
  const waiting = waiter.query('begin').then(() => waiter.query("select count(*)::int as c from items where owner = 'leave'"));
  await sleep(200);
  destroySocket(leaver);
  expect((await waiting).rows).toEqual([{ c: 0 }]);
  await waiter.query('commit');
});

sandboxTest(
  file,
  "another client's plain statements run inside an open transaction, as on Rails' shared test connection: they see its rows, and stay when it commits",
  async ({ clients }) => {
    const holder = await clients.pg(file.sandbox.url);
    const other = await clients.pg(file.sandbox.url);
    const js = clients.postgres(file.sandbox.url, { max: 1 });
    await holder.query('begin');
    await holder.query("insert into items (owner, n) values ('hold', 1)");
    // The holder is idle in its transaction (awaiting something of its own): the others do not wait for it.
    expect((await other.query("insert into items (owner, n) values ('other', 1) returning n")).rows).toEqual([{ n: 1 }]);
    expect([...(await js`select count(*)::int as c from items where owner = 'hold'`)]).toEqual([{ c: 1 }]);
    await holder.query("insert into items (owner, n) values ('hold', 2)");
    await holder.query('commit');
    expect((await other.query("select owner, n from items where owner <> 'base' order by at, n")).rows).toEqual([
      { owner: 'hold', n: 1 },
      { owner: 'other', n: 1 },
      { owner: 'hold', n: 2 },
    ]);
    expect(file.sandbox.takeInternalErrors()).toEqual([]);
  },
);

sandboxTest(file, "a client's own transaction waits for another's to end: two transactions never interleave as savepoints", async ({ clients }) => {
  const holder = await clients.pg(file.sandbox.url);
  const waiter = await clients.pg(file.sandbox.url);
  await holder.query('begin');
  await holder.query("insert into items (owner, n) values ('hold', 1)");
  const done: string[] = [];
  const waiting = waiter
    .query('begin')
    .then(() => waiter.query("insert into items (owner, n) values ('wait', 1)"))
    .then(() => waiter.query('commit'))
    .then(() => done.push('waiter'));
  await sleep(300);
  expect(done).toEqual([]);
  await holder.query("insert into items (owner, n) values ('hold', 2)");
  await holder.query('commit');
  await waiting;
  expect((await waiter.query("select owner, n from items where owner <> 'base' order by at, n")).rows).toEqual([
    { owner: 'hold', n: 1 },
    { owner: 'hold', n: 2 },
    { owner: 'wait', n: 1 },
  ]);
});

sandboxTest(file, "a rollback that undoes another client's writes made inside it fails the test, naming both", async ({ clients }) => {
  const holder = await clients.pg(named(file.sandbox.url, 'sb-rolls-back'));
  const other = await clients.pg(named(file.sandbox.url, 'sb-wrote-inside'));
  await holder.query('begin');
  await other.query("insert into items (owner, n) values ('inside', 1)");
  await holder.query('rollback');
  const [error, ...more] = file.sandbox.takeInternalErrors() as (Error & { code?: string })[];
  expect(more).toEqual([]);
  expect(error?.code).toBe('SANDBOX_ROLLBACK_UNDID_OTHERS');
  expect(error?.message).toMatch(
    /^runtag sandbox: connection "sb-rolls-back #\d+" rolled back its transaction .* 1 write\(s\) other connections made while it was open \("sb-wrote-inside #\d+": insert into items/,
  );
  // What a real server would not have done: the other client's row is gone with the rollback.
  expect((await other.query("select count(*)::int as c from items where owner = 'inside'")).rows).toEqual([{ c: 0 }]);
});

test('lockWaitMs: a statement held up longer fails with an error naming the waiting and the holding client; both go on', async () => {
  const sandbox = await Sandbox.start({ upstreamUrl: file.upstreamUrl, label: 'test/sandbox/interruptions.test.ts (lockWaitMs 300)', lockWaitMs: 300 });
  const sandboxTest = await sandbox.beginTest('lock wait');
  const clients = new Clients();
  try {
    const holder = await clients.pg(named(sandbox.url, 'sb-holder'));
    const waiter = await clients.pg(named(sandbox.url, 'sb-waiter'));
    await holder.query('begin');
    await holder.query("insert into items (owner, n) values ('hold', 1)");
    const started = performance.now();
    // A transaction of its own: it cannot run inside the holder's, so it waits, and gives up.
    const error = await failed(waiter, 'begin');
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(1500);
    expect(error.code).toBe('55P03');
    expect(error.status).toBe('I');
    expect(error.message).toMatch(/^runtag sandbox: /);
    expect(error.message).toContain('sb-waiter');
    expect(error.message).toContain('sb-holder');
    // The holder's transaction is untouched; once it ends the waiter goes on.
    await holder.query("insert into items (owner, n) values ('hold', 2)");
    await holder.query('commit');
    await waiter.query("insert into items (owner, n) values ('wait', 2)");
    expect((await waiter.query("select owner, n from items where owner <> 'base' order by at, n")).rows).toEqual([
      { owner: 'hold', n: 1 },
      { owner: 'hold', n: 2 },
      { owner: 'wait', n: 2 },
    ]);
  } finally {
    await clients.close();
    await sandboxTest.end();
    await sandbox.close();
  }
  expect(await file.items()).toEqual(BASELINE);
});

test('a client inside a transaction when the test ends: its work goes with the test, its next statement says so, ROLLBACK recovers it', async () => {
  const sandboxTest = await file.sandbox.beginTest('open at the end');
  const clients = new Clients();
  try {
    const client = await clients.pg(named(file.sandbox.url, 'sb-open'));
    await client.query('begin');
    await client.query("insert into items (owner, n) values ('open', 1)");
    await sandboxTest.end();
    // Outside a test now: the client's transaction is gone, and it is told, not left to commit nothing.
    const error = await failed(client, "insert into items (owner, n) values ('open', 2)");
    expect(error.code).toBe('25P02');
    expect(error.status).toBe('E');
    expect(error.message).toMatch(/^runtag sandbox: the test "open at the end" ended while this connection was inside a transaction/);
    // COMMIT of the lost transaction answers ROLLBACK, as a failed transaction's would, and commits nothing.
    const commit = await client.query('commit');
    expect(commit.command).toBe('ROLLBACK');
    expect(client.getTransactionStatus()).toBe('I');
    await client.query('select 1');
    expect(await file.items()).toEqual(BASELINE);
  } finally {
    await clients.close();
    await sandboxTest.end();
  }
});
