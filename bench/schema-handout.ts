/**
 * A file's migrated schema, runtag's way (claimed from the run's pool, 4 workers claiming at once)
 * against the naive way (create a schema and run drizzle-orm's migrate() into it), on a schema of
 * 24 tables. The pool is refilled between rounds, untimed: its builds run beside the tests, off
 * their path, which is the point of it.
 */
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { connect, quoteIdent, type Sql } from '../src/db/connect.js';
import { claimPooledSchema, SchemaPool } from '../src/isolation/schema-pool.js';
import { dropScopeRole } from '../src/isolation/scope-role.js';
import { registerRunWithLease } from '../src/registry/connection-lease.js';
import { freshRunKey } from '../src/registry/fresh-run-key.js';
import { hostIdentity } from '../src/registry/host-identity.js';
import { ensureRegistry, REGISTRY_SCHEMA } from '../src/registry/registry-schema.js';
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
  const samples: HandoutSamples = { claimsMs: [], naiveMs: [] };
  try {
    for (let round = 0; round <= rounds; round++) {
      const claims = await claimRound(url, admin, runId, wide.folder, workers, round);
      const naive: number[] = [];
      for (let i = 0; i < CLAIMS_PER_WORKER; i++) naive.push(await naiveSchema(url, admin, wide.folder, `rt_bench_naive_${round}_${i}`));
      // Round 0 warms up (JIT, catalog caches, prepared statements) and is not counted.
      if (round > 0) {
        samples.claimsMs.push(...claims);
        samples.naiveMs.push(...naive);
      }
    }
    log(`  schema handout: ${rounds} rounds of ${WORKERS * CLAIMS_PER_WORKER} claims`);
  } finally {
    await Promise.all(workers.map((w) => w.end({ timeout: 5 })));
    await closeRunRecord(admin, runId, undefined);
    wide.remove();
  }
  return samples;
}

async function claimRound(url: string, admin: Sql, runId: RunId, folder: string, workers: Sql[], round: number): Promise<number[]> {
  const size = WORKERS * CLAIMS_PER_WORKER;
  const pool = SchemaPool.start({ url, runId, migrationsFolder: folder, size });
  const ready = async () =>
    (await admin.unsafe<{ n: number }[]>(`select count(*)::int as n from ${REGISTRY_SCHEMA}.scopes where run_id = $1 and pool_state = 'ready'`, [runId]))[0]!.n;
  while ((await ready()) < size) {
    if (pool.stats.failure) throw new Error(`the schema pool failed: ${pool.stats.failure}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const claimed: string[] = [];
  const latencies: number[] = [];
  let go!: () => void;
  const barrier = new Promise<void>((resolve) => (go = resolve));
  const claimers = workers.map(async (sql, w) => {
    await barrier;
    for (let j = 0; j < CLAIMS_PER_WORKER; j++) {
      const start = performance.now();
      const schema = await claimPooledSchema(sql, runId, `bench-${round}-${w}-${j}`, 'bench');
      latencies.push(performance.now() - start);
      if (!schema) throw new Error('a claim found the pool empty');
      claimed.push(schema.name);
    }
  });
  go();
  await Promise.all(claimers);
  await pool.stop();
  for (const name of claimed) await dropScopeRole(admin, name);
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
