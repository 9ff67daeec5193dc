/**
 * runtag's way vs the naive way, side by side in one run, against a real PostgreSQL.
 *
 *   npm run bench                      # readable tables
 *   npm run bench -- --json            # … plus one JSON object on the last line of stdout
 *   npm run bench -- --rounds 9        # more rounds (default 7, after a discarded warm-up)
 *   npm run bench -- --suite-rounds 0  # skip the 40-file suite runs (the slowest part)
 *   npm run bench -- --only suite-cost # only the comparison with plain Vitest, truncate-per-test, a database per file
 *   npm run bench -- --only sandbox    # only the sandbox: per-statement overhead, per-test reset (bench/sandbox.ts)
 *   npm run bench -- --sandbox-statements 0   # skip the sandbox (default 2000 statements per variant per round)
 *   npm run bench -- --suite-cost-rounds 0 --suite-cost-files 20
 *   npm run bench -- --only suite-cost --tarball ../runtag-0.1.0.tgz   # another build of runtag (e.g. an older commit's)
 *
 * Uses DATABASE_URL when set, otherwise starts an embedded PostgreSQL (and always stops it).
 */
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import * as schema from '../schema/index.js';
import { connect, type Sql } from '../src/db/connect.js';
import { startDatabase } from '../src/db/server.js';
import { userFactory } from '../src/domain/factories.js';
import { TestBookingFactory } from '../src/domain/test-booking-factory.js';
import { FactorySession } from '../src/factory/session.js';
import { TestSchema } from '../src/isolation/test-schema.js';
import { EscapeProbe } from '../src/isolation/escape-probe.js';
import { TestTransaction } from '../src/isolation/test-transaction.js';
import { Sandbox } from '../src/sandbox/sandbox.js';
import { LeakVerifier } from '../src/leaks/verifier.js';
import { createRunId, type RunId } from '../src/run/run-id.js';
import { createRunKey } from '../src/run/run-key.js';
import { fileScope } from '../src/run/tag.js';
import { median, percentile, round2, runRounds, type Comparison, type Result, type Trial } from './rounds.js';
import { measureSandbox, type SandboxFigures, sandboxFigures } from './sandbox.js';
import { measureSchemaHandout, type HandoutSamples } from './schema-handout.js';
import { measureSuiteCost, suiteCostFigures } from './suite-cost.js';
import { measureSuiteScaling, type SuiteRun } from './suite-scaling.js';

const MIGRATIONS = 'migrations';
/** Fixed faker seed: every round builds the same values, so only the strategy varies. */
const SEED = 42;
const LEAK_SCAN_ROWS = 1_000_000;

/** Dead rows of earlier trials would slow the next one's scans and foreign-key checks: every trial starts from vacuumed tables. */
async function vacuum(file: TestSchema<typeof schema>): Promise<void> {
  const tables = ['users', 'children', 'instructor_profiles', 'bookings'].map((t) => `"${file.name}"."${t}"`).join(', ');
  await file.sql.unsafe(`vacuum analyze ${tables}`);
}

/** A session of its own per trial (untimed), so cleanup() deletes exactly that trial's rows. */
function factoryTrial(file: TestSchema<typeof schema>, runId: RunId, work: (session: FactorySession) => Promise<unknown>): Trial {
  const session = new FactorySession({ db: file.db, runId, seed: SEED, label: 'bench' });
  return {
    work: async () => void (await work(session)),
    cleanup: async () => {
      await session.cleanup();
      await vacuum(file);
    },
  };
}

function createListComparison(file: TestSchema<typeof schema>, runId: RunId, n: number): Comparison {
  return {
    key: 'createList',
    name: `users × ${n}`,
    n,
    ours: { label: `userFactory.createList(${n})`, trial: () => factoryTrial(file, runId, (s) => userFactory.withSession(s).createList(n)) },
    // What users write when nobody gave them a bulk API: one INSERT round trip per row.
    naive: {
      label: `${n} × await userFactory.create()`,
      trial: () =>
        factoryTrial(file, runId, async (s) => {
          for (let i = 0; i < n; i++) await userFactory.withSession(s).create();
        }),
    },
    // The floor: the same generated rows, prebuilt (untimed), in one hand-written postgres.js INSERT.
    raw: {
      label: `one postgres.js INSERT of ${n} prebuilt rows`,
      trial: () => {
        const session = new FactorySession({ db: file.db, runId, seed: SEED, label: 'bench' });
        const rows = userFactory
          .withSession(session)
          .buildList(n)
          .map((u) => ({ role: u.role!, email: u.email, clerk_id: u.clerkId, first_name: u.firstName, last_name: u.lastName }));
        let ids: string[] = [];
        return {
          work: async () => {
            ids = (await file.sql<{ id: string }[]>`insert into users ${file.sql(rows)} returning *`).map((r) => r.id);
          },
          cleanup: async () => {
            await file.sql`delete from users where id = any(${ids}::uuid[])`;
            await vacuum(file);
          },
        };
      },
    },
  };
}

function scenarioComparison(file: TestSchema<typeof schema>, runId: RunId, n: number): Comparison {
  return {
    key: 'scenarios',
    name: `booking scenarios × ${n} (5 rows each)`,
    n,
    ours: {
      label: `createBookingScenarios(${n})`,
      trial: () => factoryTrial(file, runId, (s) => new TestBookingFactory({ session: s }).createBookingScenarios(n)),
    },
    naive: {
      label: `${n} × await createBookingScenario()`,
      trial: () =>
        factoryTrial(file, runId, async (s) => {
          const bookings = new TestBookingFactory({ session: s });
          for (let i = 0; i < n; i++) await bookings.createBookingScenario();
        }),
    },
  };
}

/** Between two tests: roll the test's transaction back (and check nothing escaped it), or delete its rows. */
function testResetComparison(file: TestSchema<typeof schema>, runId: RunId, probe: EscapeProbe, sandbox: Sandbox, poolFor: (url: string) => Sql): Comparison {
  return {
    key: 'testReset',
    name: 'reset after a test that created one booking scenario',
    ours: {
      // BEGIN and the probe before the test go ahead of the test's first statement unawaited: the end is what a test waits for.
      label: 'rollback of the test transaction + escape check, one round trip',
      trial: async () => {
        const transaction = await TestTransaction.begin(sandbox, 'bench', poolFor, probe);
        const session = new FactorySession({ db: transaction.db, runId, seed: SEED, label: 'bench', inTransaction: true });
        await new TestBookingFactory({ session }).createBookingScenario();
        return {
          work: async () => void (await transaction.rollbackAndProbe()),
          cleanup: () => vacuum(file),
        };
      },
    },
    naive: {
      label: "delete the test's rows (tracked cleanup)",
      trial: async () => {
        const session = new FactorySession({ db: file.db, runId, seed: SEED, label: 'bench' });
        await new TestBookingFactory({ session }).createBookingScenario();
        return { work: async () => void (await session.cleanup()), cleanup: () => vacuum(file) };
      },
    },
  };
}

function cleanupComparison(file: TestSchema<typeof schema>, runId: RunId, n: number): Comparison {
  const created = async () => {
    const session = new FactorySession({ db: file.db, runId, seed: SEED, label: 'bench' });
    return { session, ids: (await userFactory.withSession(session).createList(n)).map((u) => u.id) };
  };
  return {
    key: 'cleanup',
    name: `cleanup of ${n} tracked users`,
    n,
    ours: {
      label: 'session.cleanup()',
      trial: async () => {
        const { session } = await created();
        return { work: async () => void (await session.cleanup()), cleanup: () => vacuum(file) };
      },
    },
    naive: {
      label: `${n} × DELETE … WHERE id = $1`,
      trial: async () => {
        const { ids } = await created();
        return {
          work: async () => {
            for (const id of ids) await file.sql`delete from users where id = ${id}`;
          },
          cleanup: () => vacuum(file),
        };
      },
    },
  };
}

/** One run's rows among a million rows of other runs: the verifier's prefix scan vs a LIKE '%…%' anywhere in the value. */
async function leakScanComparison(leaks: TestSchema<typeof schema>): Promise<Comparison> {
  const ours = createRunKey();
  // The index the README asks for: prefix LIKE is a btree range scan under any collation.
  await leaks.sql`create index users_email_prefix on users (email text_pattern_ops)`;
  await leaks.sql.unsafe(`
    insert into users (role, email, clerk_id, first_name, last_name)
    select 'PARENT', format('k%s-%s-%s-user@example.test', lpad((g % 997)::text, 6, '0'), g % 31, g), format('c%s', g), 'Other', 'Run'
    from generate_series(1, ${LEAK_SCAN_ROWS}) g`);
  await leaks.sql.unsafe(`
    insert into users (role, email, clerk_id, first_name, last_name)
    select 'PARENT', format('${ours}-1-%s-user@example.test', g), format('ours%s', g), 'Our', 'Run' from generate_series(1, 25) g`);
  await leaks.sql`analyze users`;
  const verifier = new LeakVerifier(leaks.sql, ours);
  return {
    key: 'leakScan',
    name: `one run's rows among ${LEAK_SCAN_ROWS.toLocaleString('en')} of other runs`,
    ours: {
      label: 'LeakVerifier.findRows (prefix scan, whole schema)',
      trial: () => ({ work: async () => void (await verifier.findRows(leaks.name)), cleanup: async () => {} }),
    },
    naive: {
      label: "WHERE email LIKE '%<run>%'",
      trial: () => ({ work: async () => void (await leaks.sql`select id from users where email like ${`%${ours}%`}`), cleanup: async () => {} }),
    },
  };
}

interface Figure {
  key: string;
  what: string;
  value: number;
  target: string;
  met: boolean;
}

function figures(results: Result[], handout: HandoutSamples, suite: SuiteRun[]): { summary: Record<string, unknown>; table: Figure[] } {
  const byKey = new Map(results.map((r) => [r.key, r]));
  const ratio = (a: number, b: number) => round2(a / b);
  const r = (key: string) => byKey.get(key)!;
  const claimP50 = percentile(handout.claimsMs, 50);
  const claimP95 = percentile(handout.claimsMs, 95);
  const naiveSchema = median(handout.naiveMs);
  const summary: Record<string, unknown> = {
    schemaHandout: {
      speedupVsNaive: ratio(naiveSchema, median(handout.claimsMs)),
      p50Ms: round2(claimP50),
      p95Ms: round2(claimP95),
      claimMedianMs: round2(median(handout.claimsMs)),
      naiveMedianMs: round2(naiveSchema),
      claims: handout.claimsMs.length,
      // Off the tests' path (the pool builds ahead): how a pooled copy is made, and the alternative.
      copy: { schemaFromTemplateMs: round2(median(handout.schemaCopyMs)), databaseCloneMs: round2(median(handout.databaseCloneMs)) },
    },
    testReset: {
      p50Ms: r('testReset').ours.medianMs,
      speedupVsDelete: ratio(r('testReset').naive!.medianMs, r('testReset').ours.medianMs),
      oursMs: r('testReset').ours,
      deleteMs: r('testReset').naive,
    },
    createList: {
      speedupVsLoop: ratio(r('createList').naive!.medianMs, r('createList').ours.medianMs),
      overheadVsRaw: ratio(r('createList').ours.medianMs, r('createList').raw!.medianMs),
      oursMs: r('createList').ours,
      loopMs: r('createList').naive,
      rawMs: r('createList').raw,
    },
    scenarios: {
      speedupVsNaive: ratio(r('scenarios').naive!.medianMs, r('scenarios').ours.medianMs),
      oursMs: r('scenarios').ours,
      naiveMs: r('scenarios').naive,
    },
    leakScan: {
      speedupVsSuffixLike: ratio(r('leakScan').naive!.medianMs, r('leakScan').ours.medianMs),
      oursMs: r('leakScan').ours,
      likeMs: r('leakScan').naive,
      rows: LEAK_SCAN_ROWS,
    },
    cleanup: { speedupVsRowByRow: ratio(r('cleanup').naive!.medianMs, r('cleanup').ours.medianMs), oursMs: r('cleanup').ours, rowByRowMs: r('cleanup').naive },
  };
  const table: Figure[] = [
    {
      key: 'schemaHandout.speedupVsNaive',
      what: 'claim a migrated 24-table schema vs create schema + migrate()',
      value: (summary.schemaHandout as { speedupVsNaive: number }).speedupVsNaive,
      target: '≥ 20',
      met: naiveSchema / median(handout.claimsMs) >= 20,
    },
    { key: 'schemaHandout.p50Ms', what: 'the claim, 4 workers claiming at once (p50)', value: round2(claimP50), target: '≤ 2', met: claimP50 <= 2 },
    { key: 'schemaHandout.p95Ms', what: 'the claim, 4 workers claiming at once (p95)', value: round2(claimP95), target: '≤ 5', met: claimP95 <= 5 },
    {
      key: 'schemaHandout.copy.schemaFromTemplateMs',
      what: 'a pooled copy built from the template (off the path)',
      value: round2(median(handout.schemaCopyMs)),
      target: 'report',
      met: true,
    },
    {
      key: 'schemaHandout.copy.databaseCloneMs',
      what: 'CREATE DATABASE … TEMPLATE + first connection, instead',
      value: round2(median(handout.databaseCloneMs)),
      target: 'report',
      met: true,
    },
    {
      key: 'testReset.p50Ms',
      what: 'per-test rollback reset (median)',
      value: r('testReset').ours.medianMs,
      target: '≤ 1',
      met: r('testReset').ours.medianMs <= 1,
    },
    {
      key: 'createList.speedupVsLoop',
      what: 'createList(1000) vs 1000 awaited create()',
      value: ratio(r('createList').naive!.medianMs, r('createList').ours.medianMs),
      target: '≥ 20',
      met: r('createList').naive!.medianMs / r('createList').ours.medianMs >= 20,
    },
    {
      key: 'createList.overheadVsRaw',
      what: 'createList(1000) ÷ one raw INSERT of prebuilt rows',
      value: ratio(r('createList').ours.medianMs, r('createList').raw!.medianMs),
      target: '≤ 1.5',
      met: r('createList').ours.medianMs / r('createList').raw!.medianMs <= 1.5,
    },
    {
      key: 'scenarios.speedupVsNaive',
      what: '1000 booking scenarios in bulk vs one by one',
      value: ratio(r('scenarios').naive!.medianMs, r('scenarios').ours.medianMs),
      target: '≥ 20',
      met: r('scenarios').naive!.medianMs / r('scenarios').ours.medianMs >= 20,
    },
    {
      key: 'leakScan.speedupVsSuffixLike',
      what: `leak scan among ${LEAK_SCAN_ROWS.toLocaleString('en')} rows vs LIKE '%run%'`,
      value: ratio(r('leakScan').naive!.medianMs, r('leakScan').ours.medianMs),
      target: '≥ 10',
      met: r('leakScan').naive!.medianMs / r('leakScan').ours.medianMs >= 10,
    },
    {
      key: 'cleanup.speedupVsRowByRow',
      what: 'cleanup of 10,000 tracked rows vs one DELETE each',
      value: ratio(r('cleanup').naive!.medianMs, r('cleanup').ours.medianMs),
      target: '≥ 10',
      met: r('cleanup').naive!.medianMs / r('cleanup').ours.medianMs >= 10,
    },
  ];
  if (suite.length > 0) {
    const wall = (workers: number) => median(suite.filter((s) => s.workers === workers).map((s) => s.wallMs));
    const one = suite.filter((s) => s.workers === 1);
    const files = one[0]!.files;
    const perFileOverheadMs = round2((wall(1) - median(one.map((s) => s.testsMs))) / files);
    summary.suite = {
      speedup2Workers: ratio(wall(1), wall(2)),
      perFileOverheadMs,
      wall1WorkerMs: round2(wall(1)),
      wall2WorkersMs: round2(wall(2)),
      files,
      runs: suite,
    };
    table.push(
      {
        key: 'suite.speedup2Workers',
        what: `the ${files}-file example suite, 1 worker ÷ 2 workers`,
        value: ratio(wall(1), wall(2)),
        target: '≥ 1.6',
        met: wall(1) / wall(2) >= 1.6,
      },
      { key: 'suite.perFileOverheadMs', what: '1-worker wall time per file beyond the tests’ own time', value: perFileOverheadMs, target: 'report', met: true },
    );
  }
  return { summary, table };
}

/** The issue's targets for the comparison with what users pick instead (see bench/suite-cost.ts). */
function suiteCostTable(cost: ReturnType<typeof suiteCostFigures>): Figure[] {
  const rows: Figure[] = [];
  const perFile = (key: 'schema' | 'transaction' | 'shared', limit: number) => {
    rows.push(
      {
        key: `suiteCost.${key}.perFileOverMs`,
        what: `runtag ${key}: cost per file over plain Vitest, isolate: true`,
        value: cost[key].perFileOverMs,
        target: `≤ ${limit}`,
        met: cost[key].perFileOverMs <= limit,
      },
      {
        key: `suiteCost.${key}.perFileOverMsNoIsolate`,
        what: `runtag ${key}: cost per file over plain Vitest, isolate: false`,
        value: cost[key].perFileOverMsNoIsolate,
        target: '≤ 50',
        met: cost[key].perFileOverMsNoIsolate <= 50,
      },
    );
  };
  perFile('schema', 100);
  perFile('transaction', 100);
  perFile('shared', 60);
  rows.push(
    {
      key: 'suiteCost.truncate.perFileOverMs',
      what: 'truncate every table before each test: cost per file over plain',
      value: cost.truncate.perFileOverMs,
      target: 'report',
      met: true,
    },
    {
      key: 'suiteCost.templateDatabase.perFileOverMs',
      what: 'a database per file from a template: cost per file over plain',
      value: cost.templateDatabase.perFileOverMs,
      target: 'report',
      met: true,
    },
    {
      key: 'suiteCost.vsTemplateDatabase',
      what: 'runtag schema ÷ a database per file (cost per file over plain)',
      value: cost.vsTemplateDatabase,
      target: '≤ 0.5',
      met: cost.vsTemplateDatabase <= 0.5,
    },
    {
      key: 'suiteCost.vsTruncate',
      what: 'runtag schema ÷ truncate-per-test (cost per file over plain)',
      value: cost.vsTruncate,
      target: '≤ 1.0',
      met: cost.vsTruncate <= 1,
    },
    {
      key: 'imports.vitestEntryMs',
      what: 'a fresh process importing runtag/vitest (installed)',
      value: cost.imports.vitestEntryMs,
      target: '≤ 100',
      met: cost.imports.vitestEntryMs <= 100,
    },
    { key: 'imports.mainEntryMs', what: 'a fresh process importing runtag (installed)', value: cost.imports.mainEntryMs, target: 'report', met: true },
    {
      key: 'imports.baselineMs',
      what: 'a fresh process importing vitest, drizzle-orm/postgres-js and postgres',
      value: cost.imports.baselineMs,
      target: 'report',
      met: true,
    },
  );
  return rows;
}

/** The sandbox's targets: a statement through it during a test, and a test's reset with it against deleting the test's rows. */
function sandboxTable(f: SandboxFigures): Figure[] {
  const o = f.statementOverhead;
  return [
    {
      key: 'sandbox.statementOverhead.p50Ms',
      what: `a statement through the sandbox − direct in BEGIN…ROLLBACK, p50 (postgres.js ${o.postgresJs.overheadP50Ms}, pg ${o.nodePg.overheadP50Ms})`,
      value: o.p50Ms,
      target: '≤ 0.1',
      met: o.p50Ms <= 0.1,
    },
    {
      key: 'sandbox.statementOverhead.p95Ms',
      what: `the same, p95 (postgres.js ${o.postgresJs.overheadP95Ms}, pg ${o.nodePg.overheadP95Ms})`,
      value: o.p95Ms,
      target: 'report',
      met: true,
    },
    {
      key: 'sandbox.resetSpeedup',
      what: `a test's reset (${f.reset.rowsPerTest} rows, 3 tables): delete by id ${f.reset.deleteP50Ms} ms ÷ end() + beginTest() ${f.reset.sandboxP50Ms} ms`,
      value: f.resetSpeedup,
      target: '≥ 10',
      met: f.resetSpeedup >= 10,
    },
  ];
}

function formatResults(results: readonly Result[]): string {
  const rows: string[][] = [];
  for (const r of results) {
    for (const [side, s] of [
      ['ours', r.ours],
      ['naive', r.naive],
      ['raw', r.raw],
    ] as const) {
      if (!s) continue;
      rows.push([side === 'ours' ? r.name : '', `${side}: ${s.label}`, s.medianMs.toFixed(1), s.minMs.toFixed(1)]);
    }
  }
  return render(['comparison', 'variant', 'median ms', 'min ms'], rows, new Set([2, 3]));
}

function formatFigures(table: Figure[]): string {
  return render(
    ['key', 'what', 'figure', 'target', 'met'],
    table.map((f) => [f.key, f.what, String(f.value), f.target, f.met ? 'yes' : 'NO']),
    new Set([2]),
  );
}

function render(header: string[], rows: string[][], numeric: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      rounds: { type: 'string', default: '7' },
      'suite-rounds': { type: 'string', default: '2' },
      'suite-cost-rounds': { type: 'string', default: '3' },
      'suite-cost-files': { type: 'string', default: '20' },
      'sandbox-statements': { type: 'string', default: '2000' },
      only: { type: 'string' },
      tarball: { type: 'string' },
    },
  });
  const suiteCostRounds = Number(values['suite-cost-rounds']);
  const suiteCostFiles = Number(values['suite-cost-files']);
  if (!Number.isInteger(suiteCostRounds) || suiteCostRounds < 0)
    throw new Error(`--suite-cost-rounds must be a whole number ≥ 0, got "${values['suite-cost-rounds']}".`);
  if (!Number.isInteger(suiteCostFiles) || suiteCostFiles < 1)
    throw new Error(`--suite-cost-files must be a whole number ≥ 1, got "${values['suite-cost-files']}".`);
  const sandboxStatements = Number(values['sandbox-statements']);
  if (!Number.isInteger(sandboxStatements) || sandboxStatements < 0)
    throw new Error(`--sandbox-statements must be a whole number ≥ 0, got "${values['sandbox-statements']}".`);
  if (values.only !== undefined && values.only !== 'suite-cost' && values.only !== 'sandbox')
    throw new Error(`--only takes "suite-cost" or "sandbox", got "${values.only}".`);
  const rounds = Number(values.rounds);
  const suiteRounds = Number(values['suite-rounds']);
  if (!Number.isInteger(rounds) || rounds < 5) throw new Error(`--rounds must be a whole number ≥ 5, got "${values.rounds}".`);
  if (!Number.isInteger(suiteRounds) || suiteRounds < 0) throw new Error(`--suite-rounds must be a whole number ≥ 0, got "${values['suite-rounds']}".`);
  const runId = createRunId();
  // Progress goes to stderr so stdout stays the tables (and the JSON line).
  const log = (line: string) => process.stderr.write(`${line}\n`);

  log('bench: starting PostgreSQL…');
  const server = await startDatabase({ label: `bench-${runId}` });
  const admin = connect(server.url, { max: 1, applicationName: 'runtag:bench:admin' });
  try {
    const [version] = await admin<{ server_version: string }[]>`show server_version`;
    const environment = {
      node: process.version,
      postgres: version!.server_version,
      embedded: server.embedded,
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model,
      rounds,
      suiteRounds,
    };
    log(`bench: ${rounds} rounds after warm-up, PostgreSQL ${environment.postgres}${server.embedded ? ' (embedded)' : ''}, ${environment.cpus} CPUs`);
    const suiteCost = async () => {
      if (suiteCostRounds === 0) return undefined;
      const figures = suiteCostFigures(await measureSuiteCost(server.url, { rounds: suiteCostRounds, files: suiteCostFiles, log, tarball: values.tarball }));
      return { figures, table: suiteCostTable(figures) };
    };
    const sandbox = async () => {
      if (sandboxStatements === 0) return undefined;
      log('bench: the sandbox…');
      const figures = sandboxFigures(await measureSandbox(server.url, admin, { rounds, statements: sandboxStatements, log }));
      return { figures, table: sandboxTable(figures) };
    };
    if (values.only === 'sandbox') {
      const measured = await sandbox();
      if (!measured) return;
      console.log(
        `\nruntag sandbox — ${sandboxStatements} statements per variant, ${rounds} rounds, medians; PostgreSQL ${environment.postgres}, ${environment.cpus} CPUs (${environment.cpuModel})\n`,
      );
      console.log(formatFigures(measured.table));
      if (values.json) console.log(JSON.stringify({ environment, sandbox: measured.figures, targets: measured.table }));
      return;
    }
    if (values.only === 'suite-cost') {
      const cost = await suiteCost();
      if (!cost) return;
      console.log(
        `\nruntag suite cost — ${cost.figures.files} files × ${cost.figures.testsPerFile} tests, ${cost.figures.rounds} rounds, medians; PostgreSQL ${environment.postgres}, ${environment.cpus} CPUs\n`,
      );
      console.log(formatFigures(cost.table));
      if (values.json) console.log(JSON.stringify({ environment, suiteCost: cost.figures, targets: cost.table }));
      return;
    }
    const open = (scope: string) => TestSchema.open({ url: server.url, runId, scope: fileScope(scope), mode: 'schema', schema, migrationsFolder: MIGRATIONS });
    // A schema per comparison: one comparison's churn never slows another's.
    const files = await Promise.all(['createList', 'scenarios', 'testReset', 'cleanup', 'leaks'].map((name) => open(`bench/${name}`)));
    const [forCreateList, forScenarios, forReset, forCleanup, leaks] = files as [TestSchema<typeof schema>, ...TestSchema<typeof schema>[]];
    // The test transactions' sandbox, and runtag's pools on its URLs, as a scope in isolation "transaction" keeps them.
    const resetSandbox = await Sandbox.start({ upstreamUrl: forReset!.connectionUrl, label: 'bench/testReset' });
    const resetPools = new Map<string, Sql>();
    const resetPoolFor = (url: string) => resetPools.get(url) ?? resetPools.set(url, connect(url, { max: 2 })).get(url)!;
    try {
      log('bench: a million rows of other runs for the leak scan…');
      const comparisons = [
        createListComparison(forCreateList, runId, 1000),
        scenarioComparison(forScenarios!, runId, 1000),
        testResetComparison(forReset!, runId, await EscapeProbe.of(forReset!.sql, forReset!.name), resetSandbox, resetPoolFor),
        cleanupComparison(forCleanup!, runId, 10_000),
        await leakScanComparison(leaks!),
      ];
      const results = await runRounds(comparisons, rounds, log);
      log('bench: schema handout…');
      const handout = await measureSchemaHandout(server.url, admin, createRunId(), rounds, log);
      const suite = suiteRounds > 0 ? measureSuiteScaling(server.url, suiteRounds, log) : [];
      const measuredSandbox = await sandbox();
      const cost = await suiteCost();
      const { summary, table } = figures(results, handout, suite);
      if (measuredSandbox) {
        summary.sandbox = measuredSandbox.figures;
        table.push(...measuredSandbox.table);
      }
      if (cost) {
        summary.suiteCost = cost.figures;
        table.push(...cost.table);
      }

      console.log(`\nruntag benchmark — ${rounds} rounds, medians; PostgreSQL ${environment.postgres}, ${environment.cpus} CPUs (${environment.cpuModel})\n`);
      console.log(formatFigures(table));
      console.log('');
      console.log(formatResults(results));
      console.log(
        `\nschema handout: claim p50 ${summary.schemaHandout && (summary.schemaHandout as { p50Ms: number }).p50Ms} ms; create schema + migrate() median ${round2(median(handout.naiveMs))} ms`,
      );
      if (values.json) console.log(JSON.stringify({ environment, ...summary, results, targets: table }));
    } finally {
      for (const pool of resetPools.values()) await pool.end();
      await resetSandbox.close();
      for (const file of files) await file.teardown();
    }
  } finally {
    await admin.end({ timeout: 5 });
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
