/**
 * The escape probe against a real server: a test's transaction on one connection, commits on
 * others, and the counts the probe reports for each table, exactly.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import * as schema from '../../schema/index.js';
import { connect, type Sql } from '../../src/db/connect.js';
import { EscapeProbe } from '../../src/isolation/escape-probe.js';
import { TestSchema } from '../../src/isolation/test-schema.js';
import { TestTransaction } from '../../src/isolation/test-transaction.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';

const config = () => inject('runtag');
let ts: TestSchema<typeof schema>;
let probe: EscapeProbe;
/** Another connection of the file's role: what commits around the test's transaction. */
let other: Sql;
/** The test transactions' sandbox, and runtag's pools on its URLs (as a scope keeps them). */
let sandbox: Sandbox;
const pools = new Map<string, Sql>();
const poolFor = (url: string) => pools.get(url) ?? pools.set(url, connect(url, { max: 2 })).get(url)!;

const ODD = 'O\'Brien "Quoted" Table';
const CAPS = 'CamelCase';

beforeAll(async () => {
  ts = await TestSchema.open({
    url: config().databaseUrl,
    runId: config().runId,
    scope: 'epaaaa',
    mode: 'schema',
    schema,
    migrationsFolder: config().migrationsFolder,
    poolSize: 4,
  });
  await ts.sql.unsafe(`create table "${ODD.replaceAll('"', '""')}" (id int primary key, label text)`);
  await ts.sql.unsafe(`create table "${CAPS}" (id int primary key)`);
  await ts.sql.unsafe('create table parts (id int, at int) partition by range (at)');
  await ts.sql.unsafe('create table parts_low partition of parts for values from (0) to (100)');
  other = connect(ts.connectionUrl, { max: 2 });
  sandbox = await Sandbox.start({ upstreamUrl: ts.connectionUrl, label: 'escape-probe.test.ts' });
  probe = await EscapeProbe.of(ts.sql, ts.name);
});

afterAll(async () => {
  await other?.end();
  for (const pool of pools.values()) await pool.end();
  await sandbox?.close();
  await ts?.teardown();
});

/**
 * A test's transaction, its before snapshot taken: BEGIN's round trip is not awaited by runtag (the
 * test's own statements queue behind it on its connection), but the commits below come from other
 * connections, which could otherwise land ahead of it.
 */
async function begin(): Promise<TestTransaction> {
  const transaction = await TestTransaction.begin(sandbox, 'escape probe', poolFor, probe);
  await transaction.committedBefore();
  return transaction;
}

async function fill() {
  await ts.sql.unsafe(`truncate users, instructor_profiles, children, bookings, "${ODD.replaceAll('"', '""')}", "${CAPS}", parts cascade`);
  await ts.sql.unsafe(`insert into "${ODD.replaceAll('"', '""')}" values (1, 'one'), (2, 'two'), (3, 'three')`);
  await ts.sql.unsafe(`insert into "${CAPS}" values (1), (2)`);
  await ts.sql.unsafe('insert into parts values (1, 10)');
}

it("lists the schema's tables once, a partitioned one through its root, names as they are", () => {
  expect(probe.tables.map((t) => t.name)).toEqual(['CamelCase', ODD, '__drizzle_migrations', 'bookings', 'children', 'instructor_profiles', 'parts', 'users']);
});

it('counts inserts into a filled table, an update and a delete, each exactly, and removes only the pure inserts', async () => {
  await fill();
  const transaction = await begin();
  // The test's own writes, rolled back: never reported.
  await transaction.client.unsafe(`insert into "${CAPS}" values (10), (11)`);
  await transaction.client.unsafe('delete from parts');
  // Committed on other connections while the test runs.
  await other.unsafe(`insert into "${ODD.replaceAll('"', '""')}" values (4, 'four'), (5, 'five')`);
  await other.unsafe(`update "${CAPS}" set id = 20 where id = 1`);
  await other.unsafe(`delete from "${CAPS}" where id = 2`);
  await other.unsafe('insert into parts values (2, 20)');
  const escapes = (await transaction.rollbackAndProbe()).escapes;
  expect(escapes).toEqual([
    { table: CAPS, inserted: 1, lostOrChanged: 2 },
    { table: ODD, inserted: 2, lostOrChanged: 0 },
    { table: 'parts', inserted: 1, lostOrChanged: 0 },
  ]);

  const before = (await transaction.committedBefore())!;
  const removal = probe.removalQuery(before, escapes)!;
  expect(probe.parseRemoved(await ts.sql.unsafe(removal))).toBe(3);
  // What the file had before the test, where it can be restored; the rewritten table as it is now.
  expect((await ts.sql.unsafe(`select id from "${ODD.replaceAll('"', '""')}" order by id`)).map((r) => r.id)).toEqual([1, 2, 3]);
  expect((await ts.sql.unsafe('select id from parts')).map((r) => r.id)).toEqual([1]);
  expect((await ts.sql.unsafe(`select id from "${CAPS}"`)).map((r) => r.id)).toEqual([20]);
});

it("a transaction running (with rows written) when the test began and committing during it counts as the test's", async () => {
  await fill();
  const early = await other.reserve();
  let committed = false;
  let transaction: TestTransaction | undefined;
  try {
    await early.unsafe('begin');
    await early.unsafe(`insert into "${CAPS}" values (30)`);
    // A later transaction completing puts the snapshot's horizon past the early one, which the snapshot then lists as running.
    await other.unsafe('select pg_current_xact_id()');
    transaction = await begin();
    const before = (await transaction.committedBefore())!;
    const [row] = await early.unsafe<{ xid: string }[]>('select pg_current_xact_id()::xid::text as xid');
    expect(before.running).toContain(row!.xid);
    await early.unsafe('commit');
    committed = true;
    expect((await transaction.rollbackAndProbe()).escapes).toEqual([{ table: CAPS, inserted: 1, lostOrChanged: 0 }]);
  } finally {
    await transaction?.rollback();
    if (!committed) await early.unsafe('rollback');
    early.release();
  }
});

it('reports nothing when nothing was committed around the test, whatever the test wrote', async () => {
  await fill();
  const transaction = await begin();
  await transaction.client.unsafe(`update "${ODD.replaceAll('"', '""')}" set label = 'changed'`);
  await transaction.client.unsafe("insert into users (role, email, clerk_id, first_name, last_name) values ('PARENT', 'p@example.com', 'p', 'P', 'Q')");
  expect((await transaction.rollbackAndProbe()).escapes).toEqual([]);
  expect(probe.removalQuery((await transaction.committedBefore())!, [])).toBeUndefined();
});

it('new rows referencing each other across tables are removed in one statement, whatever the order', async () => {
  await fill();
  const transaction = await begin();
  const [parent] = await other.unsafe(
    "insert into users (role, email, clerk_id, first_name, last_name) values ('PARENT', 'fk@example.com', 'fk', 'F', 'K') returning id",
  );
  await other.unsafe("insert into children (parent_id, name, birth_date) values ($1, 'C', '2020-01-01')", [parent!.id]);
  const escapes = (await transaction.rollbackAndProbe()).escapes;
  expect(escapes).toEqual([
    { table: 'children', inserted: 1, lostOrChanged: 0 },
    { table: 'users', inserted: 1, lostOrChanged: 0 },
  ]);
  expect(probe.parseRemoved(await ts.sql.unsafe(probe.removalQuery((await transaction.committedBefore())!, escapes)!))).toBe(2);
});

it('a schema without tables has no before statement', () => {
  const empty = EscapeProbe.fromCatalog('nothing_here', []);
  expect(empty.beforeQuery).toBeUndefined();
});

it('a result of the wrong shape is refused, not read as counts of other tables', async () => {
  expect(() => probe.parseBefore([])).toThrow(
    expect.objectContaining({ code: 'ESCAPE_PROBE_RESULT', message: expect.stringMatching(/before statement returned 0 rows/) }),
  );
  const before = probe.parseBefore(await ts.sql.unsafe(probe.beforeQuery!));
  expect(() => probe.compare(before, [{ counts: '{{1,0}}' }])).toThrow(
    expect.objectContaining({ code: 'ESCAPE_PROBE_RESULT', message: expect.stringMatching(/after statement returned 2 counts for 8 tables/) }),
  );
});
