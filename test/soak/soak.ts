/**
 * Soak: the example suite (per-file schemas) and the shared-mode suite (test/shared, one schema),
 * alternately, again and again, two runs at a time, against one server, while pg_stat_activity is sampled. Proves over many runs what single tests prove once: no flaky run,
 * nothing left behind, no stray server, connections within the budget, other data untouched.
 *
 *   npm run soak                          # 20 runs, table
 *   npm run soak -- --runs 6 --json       # … one JSON object on the last line of stdout
 *
 * Uses DATABASE_URL when set (its database name must contain "test"), else an embedded PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from '../../src/db/connect.js';
import { startDatabase } from '../../src/db/server.js';
import type { RunSummary } from '../../src/registry/run-history.js';
import { LeakVerifier } from '../../src/leaks/verifier.js';
import { ADMIN_CONNECTIONS_PER_WORKER, RUN_CONNECTIONS } from '../../src/registry/connection-lease.js';
import { startChild } from '../support/child-run.js';
import { runtagTempEntries } from '../support/leftovers.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '2' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const concurrency = Number(values.concurrency);
const WORKERS_PER_RUN = 2; // examples/vitest.config.ts
const RESERVE = 5;

interface RunOutcome {
  index: number;
  isolation: 'schema' | 'shared';
  exitCode: number | null;
  summary: RunSummary | undefined;
  output: string;
}

function postmasters(): string[] {
  const ps = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => /\/postgres\s.*-D\s/.test(line));
}

async function runSuite(url: string, index: number, isolation: 'schema' | 'shared', scratch: string): Promise<RunOutcome> {
  const summaryFile = join(scratch, `summary-${index}.json`);
  // Each suite in the mode it is written for: the example suite counts rows per file (its own
  // schema); the shared-mode suite writes identical values from every file into one schema.
  const suite = isolation === 'schema' ? ['--config', 'examples/vitest.config.ts'] : ['--project', 'shared'];
  // The soak's own database may need the guard's permission: that one variable goes to the children.
  const env = { DATABASE_URL: url, RUNTAG_SUMMARY_FILE: summaryFile, RUNTAG_ALLOW_DATABASE: process.env.RUNTAG_ALLOW_DATABASE };
  const { code: exitCode, output } = await startChild('vitest', suite, { env }).done;
  let summary: RunSummary | undefined;
  try {
    summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary;
  } catch {
    summary = undefined;
  }
  return { index, isolation, exitCode, summary, output };
}

async function main(): Promise<void> {
  const tempBefore = new Set(runtagTempEntries());
  const postmastersBefore = postmasters().length;
  const server = await startDatabase({ label: `soak-${process.pid}` });
  const scratch = mkdtempSync(join(tmpdir(), 'runtag-soak-'));
  const sql = connect(server.url, { max: 2, applicationName: 'runtag-soak' });
  const startedAt = Date.now();
  let peakConnections = 0;
  let outcomes: RunOutcome[] = [];
  let checks: { leakedRows: number; orphanSchemas: number; registeredRuns: number; othersUntouched: boolean; budget: number };
  try {
    // Data that is not runtag's, and must be exactly the same after every run: a table of its own,
    // and a row whose value is shaped like a run tag.
    await sql
      .unsafe(`
      create schema if not exists soak_user_data;
      create table if not exists soak_user_data.accounts (id int primary key, email text not null unique);
      insert into soak_user_data.accounts values (1, 'abcdefgh-1-abcd-abcdefgh-jane@corp.com'), (2, 'ops@corp.com') on conflict do nothing;
    `)
      .simple();
    const checksum = async () => (await sql`select md5(string_agg(a::text, ',' order by id)) as sum from soak_user_data.accounts a`)[0]!.sum as string;
    const before = await checksum();

    const sampler = setInterval(() => {
      sql`select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and application_name like 'runtag:%'`
        .then(([row]) => (peakConnections = Math.max(peakConnections, row!.n as number)))
        .catch(() => {});
    }, 25);
    const queue = Array.from({ length: runs }, (_, i) => i);
    const lanes = Array.from({ length: concurrency }, async () => {
      for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
        const outcome = await runSuite(server.url, index, index % 2 === 0 ? 'schema' : 'shared', scratch);
        outcomes.push(outcome);
        if (!values.json) console.error(`run ${index + 1}/${runs} (${outcome.isolation}): exit ${outcome.exitCode}`);
      }
    });
    await Promise.all(lanes);
    clearInterval(sampler);
    outcomes = outcomes.sort((a, b) => a.index - b.index);

    const runKeys = outcomes.map((o) => o.summary?.runKey).filter((key): key is string => !!key);
    // Every soak run's rows in the shared schema, found the way the leak verifier finds its own.
    let leaked = 0;
    for (const runKey of runKeys) {
      leaked += (await new LeakVerifier(sql, runKey).findRows('public')).reduce((n, leak) => n + leak.count + leak.held, 0);
    }
    const [{ schemas }] = (await sql`select count(*)::int as schemas from pg_namespace where starts_with(nspname, 'rt_')`) as unknown as [{ schemas: number }];
    const [registry] = await sql<{ exists: boolean }[]>`select to_regclass('runtag.runs') is not null as exists`;
    const registered = registry?.exists ? ((await sql`select count(*)::int as n from runtag.runs`)[0]!.n as number) : 0;
    const [settings] = await sql`select current_setting('max_connections')::int as max, current_setting('superuser_reserved_connections')::int as su`;
    checks = {
      leakedRows: leaked,
      orphanSchemas: schemas,
      registeredRuns: registered,
      othersUntouched: (await checksum()) === before,
      budget: (settings!.max as number) - (settings!.su as number) - RESERVE,
    };
  } finally {
    await sql.end({ timeout: 5 });
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  const flaky = outcomes.filter((o) => o.exitCode !== 0);
  const result = {
    runs: outcomes.length,
    concurrency,
    flakyRuns: flaky.length,
    leakedRows: checks.leakedRows,
    orphanSchemas: checks.orphanSchemas,
    registeredRunsLeft: checks.registeredRuns,
    otherDataUntouched: checks.othersUntouched,
    strayProcesses: Math.max(0, postmasters().length - postmastersBefore),
    tempEntriesLeft: runtagTempEntries().filter((name) => !tempBefore.has(name)),
    peakConnections,
    connectionBudget: checks.budget,
    perRunLease: WORKERS_PER_RUN * (4 + ADMIN_CONNECTIONS_PER_WORKER) + RUN_CONNECTIONS,
    wallMs: Date.now() - startedAt,
  };
  for (const run of flaky) console.error(`--- run ${run.index} (${run.isolation}) exited ${run.exitCode}:\n${run.output.slice(-3000)}`);
  if (values.json) {
    console.log(JSON.stringify(result));
  } else {
    for (const [key, value] of Object.entries(result)) console.log(`${key.padEnd(20)} ${Array.isArray(value) ? value.join(', ') || 'none' : value}`);
  }
  const ok =
    result.flakyRuns === 0 &&
    result.leakedRows === 0 &&
    result.orphanSchemas === 0 &&
    result.registeredRunsLeft === 0 &&
    result.otherDataUntouched &&
    result.strayProcesses === 0 &&
    result.tempEntriesLeft.length === 0 &&
    result.peakConnections <= result.connectionBudget;
  process.exitCode = ok ? 0 : 1;
}

await main();
