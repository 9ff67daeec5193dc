/**
 * A file's migrated schema, runtag's way (claimed from the run's pool, 4 workers claiming at once)
 * against the naive way (create a schema and run drizzle-orm's migrate() into it), on a schema of
 * 24 tables. The pool is refilled between rounds, untimed: its builds run beside the tests, off
 * their path, which is the point of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { connect, quoteIdent, type Sql } from '../src/db/connect.js';
import { loadMigrations } from '../src/isolation/migration-files.js';
import { migrateSchema } from '../src/isolation/migrations.js';
import { runSchemaPrefix } from '../src/run/schema-names.js';
import { claimPooledSchema, openOffers } from '../src/isolation/schema-claim.js';
import { SchemaPool } from '../src/isolation/schema-pool.js';
import { MigratingSchemaSource } from '../src/isolation/schema-source.js';
import { ensureTemplate } from '../src/isolation/schema-template.js';
import { dropScopeRole } from '../src/ownership/scope-role.js';
import { registerRunWithLease } from '../src/registry/connection-lease.js';
import { freshRunKey } from '../src/registry/fresh-run-key.js';
import { hostIdentity } from '../src/util/host-identity.js';
import { ensureRegistry } from '../src/registry/registry-schema.js';
import { closeRunRecord } from '../src/registry/run-records.js';
import type { RunId } from '../src/run/run-id.js';
import { writeWideMigrations } from './wide-migrations.js';

const WORKERS = 4;
const CLAIMS_PER_WORKER = 2;

export interface HandoutSamples {
  /** Each claim's latency, all rounds, measured while WORKERS claim at once. */
  claimsMs: number[];
  /** create schema + drizzle migrate(), per schema. */
  naiveMs: number[];
  /** What the pool does off the tests' path, per copy: a schema built from the sealed template (replay, as its own role, connected). */
  schemaCopyMs: number[];
  /** The alternative the issue names: CREATE DATABASE … TEMPLATE of a migrated database, and a first connection to it. */
  databaseCloneMs: number[];
}

export async function measureSchemaHandout(url: string, admin: Sql, runId: RunId, rounds: number, log: (line: string) => void): Promise<HandoutSamples> {
  const wide = writeWideMigrations();
  await ensureRegistry(admin);
  const runKey = await freshRunKey(admin, undefined);
  await registerRunWithLease(admin, {
    runId,
    runKey,
    host: hostname(),
    hostIdentity: hostIdentity(),
    pid: process.pid,
    shard: undefined,
    isolation: 'schema',
    sharedSchema: undefined,
    workers: WORKERS,
    waitMs: 0,
  });
  const workers = Array.from({ length: WORKERS }, (_, w) => connect(url, { max: 1, applicationName: `runtag:bench:claim${w}` }));
  const samples: HandoutSamples = { claimsMs: [], naiveMs: [], schemaCopyMs: [], databaseCloneMs: [] };
  const templateDb = await migratedDatabase(url, admin, wide.folder);
  try {
    for (let round = 0; round <= rounds; round++) {
      const claims = await claimRound(url, admin, runId, wide.folder, workers, round);
      const naive: number[] = [];
      for (let i = 0; i < CLAIMS_PER_WORKER; i++) naive.push(await naiveSchema(url, admin, wide.folder, `rt_bench_naive_${round}_${i}`));
      const schemaCopy = await schemaFromTemplate(url, admin, runId, wide.folder, round);
      const databaseClone = await cloneDatabase(url, admin, templateDb, round);
      // Round 0 warms up (JIT, catalog caches, prepared statements) and is not counted.
      if (round > 0) {
        samples.claimsMs.push(...claims);
        samples.naiveMs.push(...naive);
        samples.schemaCopyMs.push(schemaCopy);
        samples.databaseCloneMs.push(databaseClone);
      }
    }
    log(`  schema handout: ${rounds} rounds of ${WORKERS * CLAIMS_PER_WORKER} claims`);
  } finally {
    await Promise.all(workers.map((w) => w.end({ timeout: 5 })));
    await closeRunRecord(admin, runId, undefined);
    await admin.unsafe(`drop database if exists ${quoteIdent(templateDb)}`);
    wide.remove();
  }
  return samples;
}

async function claimRound(url: string, admin: Sql, runId: RunId, folder: string, workers: Sql[], round: number): Promise<number[]> {
  const size = WORKERS * CLAIMS_PER_WORKER;
  const runDir = mkdtempSync(join(tmpdir(), 'runtag-bench-handout-'));
  const pool = SchemaPool.start({ url, runId, migrationsFolder: folder, size, runDir });
  while (openOffers(runDir).length < size) {
    if (pool.stats.failure) throw new Error(`the schema pool failed: ${pool.stats.failure}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const claimed: string[] = [];
  const latencies: number[] = [];
  let go!: () => void;
  const barrier = new Promise<void>((resolve) => (go = resolve));
  // What a file does to claim: a rename in the run directory (the pool records it in the registry off the file's path).
  const claimers = workers.map(async (_sql, w) => {
    await barrier;
    for (let j = 0; j < CLAIMS_PER_WORKER; j++) {
      const start = performance.now();
      const schema = claimPooledSchema(runDir, `bench-${round}-${w}-${j}`);
      latencies.push(performance.now() - start);
      if (!schema) throw new Error('a claim found the pool empty');
      claimed.push(schema.name);
    }
  });
  go();
  await Promise.all(claimers);
  await pool.stop();
  for (const name of claimed) await dropScopeRole(admin, name);
  rmSync(runDir, { recursive: true, force: true });
  return latencies;
}

/** What a test file does without runtag: a schema of its own, migrated by drizzle's migrator. */
async function naiveSchema(url: string, admin: Sql, folder: string, name: string): Promise<number> {
  const start = performance.now();
  await admin.unsafe(`create schema ${quoteIdent(name)}`);
  const sql = connect(url, { max: 1, searchPath: name, applicationName: 'runtag:bench:naive' });
  try {
    await migrate(drizzle(sql), { migrationsFolder: folder, migrationsSchema: name });
  } finally {
    await sql.end({ timeout: 5 });
  }
  const elapsed = performance.now() - start;
  await admin.unsafe(`drop schema ${quoteIdent(name)} cascade`);
  return elapsed;
}

function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A database migrated like a file's schema, to clone from (the template-database way). */
async function migratedDatabase(url: string, admin: Sql, folder: string): Promise<string> {
  const name = `rt_bench_template_db_${process.pid}`;
  await admin.unsafe(`create database ${quoteIdent(name)}`);
  const sql = connect(databaseUrl(url, name), { max: 1 });
  try {
    await migrateSchema(sql, 'public', loadMigrations(folder));
  } finally {
    await sql.end({ timeout: 5 });
  }
  return name;
}

/** One pooled schema, built the way the pool builds it from the sealed template; dropped untimed. */
async function schemaFromTemplate(url: string, admin: Sql, runId: RunId, folder: string, round: number): Promise<number> {
  const migrations = loadMigrations(folder);
  const template = await ensureTemplate(admin, { url, runId, migrations });
  const source = new MigratingSchemaSource(admin, url, migrations, runSchemaPrefix(runId), 'runtag:bench:copy', { template });
  const name = `${runSchemaPrefix(runId)}copy${round}`;
  const start = performance.now();
  await source.acquire(name);
  const elapsed = performance.now() - start;
  await source.release(name);
  return elapsed;
}

/** One clone of the migrated database and a first connection to it (a file needs one); dropped untimed. */
async function cloneDatabase(url: string, admin: Sql, template: string, round: number): Promise<number> {
  const name = `rt_bench_clone_${process.pid}_${round}`;
  const start = performance.now();
  await admin.unsafe(`create database ${quoteIdent(name)} template ${quoteIdent(template)}`);
  const sql = connect(databaseUrl(url, name), { max: 1 });
  await sql`select 1`;
  const elapsed = performance.now() - start;
  await sql.end({ timeout: 5 });
  await admin.unsafe(`drop database ${quoteIdent(name)}`);
  return elapsed;
}
