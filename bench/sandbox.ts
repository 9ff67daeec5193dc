/**
 * The sandbox (src/sandbox/): what a statement pays for going through it during a test, and what a
 * test's reset costs with it against without it.
 *
 * statementOverhead: the same sequence (a primary-key SELECT, a single-row INSERT … RETURNING, an
 * UPDATE, awaited one at a time) on a direct connection inside BEGIN … ROLLBACK, and through the
 * sandbox inside beginTest … end, with postgres.js (its default prepared statements) and with
 * node-postgres's Pool; each statement timed on its own. Through the sandbox each statement also
 * runs in a savepoint of the test's transaction, which is the price being measured.
 *
 * resetSpeedup: an app-server style test writes 20 rows into 3 tables related by foreign keys
 * through the app's own pg.Pool; the reset is either the sandbox's (end() rolls back, then the next
 * beginTest) or, without it, deleting the committed rows by id, children first, the way a tracker
 * does. Only the reset is timed.
 *
 * Both run in rounds like rounds.ts: one discarded warm-up round, variants in blocks whose order is
 * reversed every other round, medians over rounds.
 */
import pg from 'pg';
import postgres from 'postgres';
import { quoteIdent, type Sql } from '../src/db/connect.js';
import { Sandbox, type SandboxTest } from '../src/sandbox/sandbox.js';
import { median, percentile, round2 } from './rounds.js';

/** Statement latencies are tenths of a millisecond: two decimals would hide the overhead being measured. */
const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** Rows the SELECTs and UPDATEs hit; committed before the rounds, never changed by them. */
const SEEDED_ITEMS = 1000;
const PARENTS = 2;
const CHILDREN_PER_PARENT = 3;
const TOYS_PER_CHILD = 2;
/** 2 parents + 6 children + 12 toys. */
export const ROWS_PER_TEST = PARENTS * (1 + CHILDREN_PER_PARENT * (1 + TOYS_PER_CHILD));
const TESTS_PER_ROUND = 20;

export interface SandboxOptions {
  rounds: number;
  /** Statements per variant per round. */
  statements: number;
  log: (line: string) => void;
}

type DriverName = 'postgresJs' | 'nodePg';
const DRIVERS: readonly DriverName[] = ['postgresJs', 'nodePg'];

/** The mix's statements, in their order: statement i is KINDS[i % 3]. */
const KINDS = ['select', 'insert', 'update'] as const;
type Kind = (typeof KINDS)[number];

interface StatementRound {
  round: number;
  driver: DriverName;
  directP50Ms: number;
  directP95Ms: number;
  sandboxP50Ms: number;
  sandboxP95Ms: number;
  /** Where the overhead goes: each kind's p50 (sandbox − direct), this round. */
  overheadP50MsByKind: Record<Kind, number>;
}

export interface SandboxSamples {
  statements: number;
  rounds: number;
  statementRounds: StatementRound[];
  /** Each reset's latency, all counted rounds. */
  resetMs: { sandbox: number[]; delete: number[] };
}

/** The three statements, as each driver is usually written (postgres.js: tagged templates, prepared by default). */
interface Driver {
  select(id: number): Promise<unknown>;
  insert(name: string): Promise<unknown>;
  update(id: number): Promise<unknown>;
  /** BEGIN / ROLLBACK on the one connection (both pools hold exactly one). */
  command(text: 'begin' | 'rollback'): Promise<unknown>;
  end(): Promise<void>;
}

function postgresJsDriver(url: string): Driver {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'runtag:bench:sandbox' } });
  return {
    select: (id) => sql`select id, name, n from items where id = ${id}`,
    insert: (name) => sql`insert into items (name, n) values (${name}, 0) returning id`,
    update: (id) => sql`update items set n = n + 1 where id = ${id}`,
    command: (text) => sql.unsafe(text),
    end: () => sql.end({ timeout: 5 }),
  };
}

function nodePgDriver(url: string): Driver {
  const pool = new pg.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 0, application_name: 'runtag:bench:sandbox' });
  return {
    select: (id) => pool.query('select id, name, n from items where id = $1', [id]),
    insert: (name) => pool.query('insert into items (name, n) values ($1, 0) returning id', [name]),
    update: (id) => pool.query('update items set n = n + 1 where id = $1', [id]),
    command: (text) => pool.query(text),
    end: () => pool.end(),
  };
}

function sinceMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const ofKind = (latencies: readonly number[], kind: Kind) => latencies.filter((_, i) => KINDS[i % 3] === kind);

/** The mix, awaited one at a time; each statement's latency, in order (statement i is KINDS[i % 3]). */
async function statementSequence(driver: Driver, n: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = 1 + ((i * 7) % SEEDED_ITEMS);
    const start = process.hrtime.bigint();
    if (i % 3 === 0) await driver.select(id);
    else if (i % 3 === 1) await driver.insert(`item-${i}`);
    else await driver.update(id);
    latencies.push(sinceMs(start));
  }
  return latencies;
}

/** A URL for the same server that resolves unqualified names in `schema` (the upstream the sandbox is given). */
export function schemaUrl(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

async function createSchema(admin: Sql, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await admin.unsafe(`drop schema if exists ${s} cascade`);
  await admin.unsafe(`create schema ${s}`);
  await admin.unsafe(`
    create table ${s}.items (id int generated always as identity primary key, name text not null, n int not null);
    create table ${s}.parents (id int generated always as identity primary key, name text not null);
    create table ${s}.children (id int generated always as identity primary key, parent_id int not null references ${s}.parents, name text not null);
    create table ${s}.toys (id int generated always as identity primary key, child_id int not null references ${s}.children, name text not null);
    create index on ${s}.children (parent_id);
    create index on ${s}.toys (child_id);
    insert into ${s}.items (name, n) select 'seeded-' || g, 0 from generate_series(1, ${SEEDED_ITEMS}) g;`);
  await vacuum(admin, schema);
}

/** Untimed between blocks: a block's dead rows must not slow the next one's scans and foreign-key checks. */
async function vacuum(admin: Sql, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await admin.unsafe(`vacuum analyze ${s}.items, ${s}.parents, ${s}.children, ${s}.toys`);
}

/** What the test changed must be gone after its reset, whichever way: a reset that leaves rows is not a reset. */
async function assertReset(admin: Sql, schema: string, what: string): Promise<void> {
  const s = quoteIdent(schema);
  const [row] = await admin.unsafe<{ items: number; parents: number; children: number; toys: number; touched: number }[]>(`
    select (select count(*)::int from ${s}.items) as items, (select count(*)::int from ${s}.parents) as parents,
           (select count(*)::int from ${s}.children) as children, (select count(*)::int from ${s}.toys) as toys,
           (select count(*)::int from ${s}.items where n <> 0) as touched`);
  const left = row!.items !== SEEDED_ITEMS || row!.parents + row!.children + row!.toys + row!.touched > 0;
  if (left) throw new Error(`${what} left rows behind in schema ${schema}: ${JSON.stringify(row)}; the reset being measured does not reset.`);
}

interface WrittenIds {
  parents: number[];
  children: number[];
  toys: number[];
}

/** The test's body, as an app server's handlers would write: one INSERT per row through the app's pool. */
async function writeTest(pool: pg.Pool, test: number): Promise<WrittenIds> {
  const ids: WrittenIds = { parents: [], children: [], toys: [] };
  const insert = async (text: string, values: unknown[]) => (await pool.query<{ id: number }>(text, values)).rows[0]!.id;
  for (let p = 0; p < PARENTS; p++) {
    const parent = await insert('insert into parents (name) values ($1) returning id', [`parent-${test}-${p}`]);
    ids.parents.push(parent);
    for (let c = 0; c < CHILDREN_PER_PARENT; c++) {
      const child = await insert('insert into children (parent_id, name) values ($1, $2) returning id', [parent, `child-${test}-${p}-${c}`]);
      ids.children.push(child);
      for (let t = 0; t < TOYS_PER_CHILD; t++)
        ids.toys.push(await insert('insert into toys (child_id, name) values ($1, $2) returning id', [child, `toy-${t}`]));
    }
  }
  return ids;
}

export async function measureSandbox(serverUrl: string, admin: Sql, options: SandboxOptions): Promise<SandboxSamples> {
  const { rounds, statements, log } = options;
  const schema = `rt_bench_sandbox_${process.pid}`;
  await createSchema(admin, schema);
  const upstreamUrl = schemaUrl(serverUrl, schema);
  const sandbox = await Sandbox.start({ upstreamUrl, label: 'bench' });
  const direct = { postgresJs: postgresJsDriver(upstreamUrl), nodePg: nodePgDriver(upstreamUrl) };
  const viaSandbox = { postgresJs: postgresJsDriver(sandbox.url), nodePg: nodePgDriver(sandbox.url) };
  // The app's pools: made once, like an app server's, and kept across tests.
  const appPool = new pg.Pool({ connectionString: sandbox.url, max: 4, idleTimeoutMillis: 0, application_name: 'runtag:bench:app' });
  const directPool = new pg.Pool({ connectionString: upstreamUrl, max: 4, idleTimeoutMillis: 0, application_name: 'runtag:bench:app' });
  const samples: SandboxSamples = { statements, rounds, statementRounds: [], resetMs: { sandbox: [], delete: [] } };
  let tests = 0;
  const label = () => `bench-${++tests}`;
  try {
    for (let round = 0; round <= rounds; round++) {
      // Statement overhead: four blocks (two drivers × direct / sandbox), order reversed every other round.
      const latencies = new Map<string, number[]>();
      const blocks = DRIVERS.flatMap((driver) => [
        {
          key: `${driver}:direct`,
          run: async () => {
            await direct[driver].command('begin');
            try {
              return await statementSequence(direct[driver], statements);
            } finally {
              await direct[driver].command('rollback');
            }
          },
        },
        {
          key: `${driver}:sandbox`,
          run: async () => {
            const test = await sandbox.beginTest(label());
            try {
              return await statementSequence(viaSandbox[driver], statements);
            } finally {
              await test.end();
            }
          },
        },
      ]);
      if (round % 2 === 0) blocks.reverse();
      for (const block of blocks) {
        latencies.set(block.key, await block.run());
        await assertReset(admin, schema, block.key);
        await vacuum(admin, schema);
      }
      // The reset: a block of tests each way.
      const resets = { sandbox: [] as number[], delete: [] as number[] };
      const resetBlocks = [
        async () => {
          let test: SandboxTest = await sandbox.beginTest(label());
          for (let t = 0; t < TESTS_PER_ROUND; t++) {
            await writeTest(appPool, t);
            const start = process.hrtime.bigint();
            await test.end();
            test = await sandbox.beginTest(label());
            resets.sandbox.push(sinceMs(start));
          }
          await test.end();
          await assertReset(admin, schema, 'the sandbox reset');
        },
        async () => {
          for (let t = 0; t < TESTS_PER_ROUND; t++) {
            const ids = await writeTest(directPool, t);
            const start = process.hrtime.bigint();
            await directPool.query('delete from toys where id = any($1::int[])', [ids.toys]);
            await directPool.query('delete from children where id = any($1::int[])', [ids.children]);
            await directPool.query('delete from parents where id = any($1::int[])', [ids.parents]);
            resets.delete.push(sinceMs(start));
          }
          await assertReset(admin, schema, 'the delete reset');
        },
      ];
      if (round % 2 === 0) resetBlocks.reverse();
      for (const block of resetBlocks) {
        await block();
        await vacuum(admin, schema);
      }
      // Round 0 warms up (JIT, connections, prepared statements, the sandbox's own caches) and is not counted.
      if (round === 0) {
        log('  sandbox: warm-up done');
        continue;
      }
      for (const driver of DRIVERS) {
        const d = latencies.get(`${driver}:direct`)!;
        const s = latencies.get(`${driver}:sandbox`)!;
        samples.statementRounds.push({
          round,
          driver,
          directP50Ms: percentile(d, 50),
          directP95Ms: percentile(d, 95),
          sandboxP50Ms: percentile(s, 50),
          sandboxP95Ms: percentile(s, 95),
          overheadP50MsByKind: Object.fromEntries(KINDS.map((k) => [k, percentile(ofKind(s, k), 50) - percentile(ofKind(d, k), 50)])) as Record<Kind, number>,
        });
      }
      samples.resetMs.sandbox.push(...resets.sandbox);
      samples.resetMs.delete.push(...resets.delete);
      log(`  sandbox: round ${round}/${rounds} done`);
    }
  } finally {
    await Promise.allSettled([...Object.values(direct), ...Object.values(viaSandbox)].map((d) => d.end()));
    await Promise.allSettled([appPool.end(), directPool.end()]);
    await sandbox.close();
    await admin.unsafe(`drop schema if exists ${quoteIdent(schema)} cascade`);
  }
  return samples;
}

export interface DriverOverhead {
  /** Medians over rounds of each round's p50 / p95. */
  directP50Ms: number;
  sandboxP50Ms: number;
  directP95Ms: number;
  sandboxP95Ms: number;
  /** Median over rounds of (sandbox − direct), same round. */
  overheadP50Ms: number;
  overheadP95Ms: number;
  /** The same as overheadP50Ms, per statement of the mix. */
  overheadP50MsByKind: Record<Kind, number>;
}

export interface SandboxFigures {
  statementOverhead: { p50Ms: number; p95Ms: number; statementsPerRound: number; rounds: number } & Record<DriverName, DriverOverhead>;
  resetSpeedup: number;
  reset: { sandboxP50Ms: number; sandboxP95Ms: number; deleteP50Ms: number; deleteP95Ms: number; rowsPerTest: number; resets: number };
  statementRounds: StatementRound[];
}

export function sandboxFigures(samples: SandboxSamples): SandboxFigures {
  const byDriver = (driver: DriverName): DriverOverhead => {
    const rows = samples.statementRounds.filter((r) => r.driver === driver);
    const med = (f: (r: StatementRound) => number) => round3(median(rows.map(f)));
    return {
      directP50Ms: med((r) => r.directP50Ms),
      sandboxP50Ms: med((r) => r.sandboxP50Ms),
      directP95Ms: med((r) => r.directP95Ms),
      sandboxP95Ms: med((r) => r.sandboxP95Ms),
      overheadP50Ms: med((r) => r.sandboxP50Ms - r.directP50Ms),
      overheadP95Ms: med((r) => r.sandboxP95Ms - r.directP95Ms),
      overheadP50MsByKind: Object.fromEntries(KINDS.map((k) => [k, med((r) => r.overheadP50MsByKind[k])])) as Record<Kind, number>,
    };
  };
  const postgresJs = byDriver('postgresJs');
  const nodePg = byDriver('nodePg');
  const { sandbox, delete: del } = samples.resetMs;
  return {
    // The headline is the worse driver's: the target has to hold for whichever one an app uses.
    statementOverhead: {
      p50Ms: Math.max(postgresJs.overheadP50Ms, nodePg.overheadP50Ms),
      p95Ms: Math.max(postgresJs.overheadP95Ms, nodePg.overheadP95Ms),
      statementsPerRound: samples.statements,
      rounds: samples.rounds,
      postgresJs,
      nodePg,
    },
    resetSpeedup: round2(median(del) / median(sandbox)),
    reset: {
      sandboxP50Ms: round2(median(sandbox)),
      sandboxP95Ms: round2(percentile(sandbox, 95)),
      deleteP50Ms: round2(median(del)),
      deleteP95Ms: round2(percentile(del, 95)),
      rowsPerTest: ROWS_PER_TEST,
      resets: sandbox.length,
    },
    statementRounds: samples.statementRounds.map((r) => ({
      ...r,
      directP50Ms: round3(r.directP50Ms),
      directP95Ms: round3(r.directP95Ms),
      sandboxP50Ms: round3(r.sandboxP50Ms),
      sandboxP95Ms: round3(r.sandboxP95Ms),
      overheadP50MsByKind: Object.fromEntries(KINDS.map((k) => [k, round3(r.overheadP50MsByKind[k])])) as Record<Kind, number>,
    })),
  };
}
