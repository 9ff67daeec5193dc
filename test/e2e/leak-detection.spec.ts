import { spawn } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { withConnection } from '../../src/db/connect.js';
import { RUN_CONFIG_ENV, runConfigFromEnv } from '../../src/playwright/index.js';

const LEAK_SUITE = 'test/e2e-leak/playwright.config.ts';

interface Finished {
  code: number | null;
  output: string;
}

/** Run Playwright on the leaking suite in a child process, as a developer would from a shell. */
function runLeakSuite(root: string, env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['playwright', 'test', '-c', LEAK_SUITE], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * The child must be a run of its own: none of this worker's runtag or Playwright state. It reuses
 * this run's database (no second PostgreSQL to start) under its own run id.
 */
function childEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, FORCE_COLOR: '0' };
  delete env[RUN_CONFIG_ENV];
  delete env.RUNTAG_SHARD;
  // The leak suite runs in its own config's isolation mode, whatever this run uses.
  delete env.RUNTAG_ISOLATION;
  for (const name of Object.keys(env)) if (name.startsWith('TEST_') || name.startsWith('PW_') || name === 'PLAYWRIGHT_TEST') delete env[name];
  return env;
}

test('a test that leaves a row behind fails the run, and the report names its table and file only', async () => {
  test.setTimeout(120_000);
  const { root, databaseUrl } = runConfigFromEnv();
  const { code, output } = await runLeakSuite(root, childEnv(databaseUrl));

  expect(code, output).toBe(1);
  expect(output).toMatch(/1 failed[\s\S]*leaks-a-user\.spec\.ts/);
  expect(output).toContain('1 passed');

  const reported = [...output.matchAll(/- table (\S+)\.(\S+): (\d+) row\(s\).*\(created by ([^)]*)\)/g)];
  expect(reported, output).toHaveLength(1);
  const [, schema, table, count, createdBy] = reported[0]!;
  expect(table).toBe('users');
  expect(count).toBe('1');
  expect(createdBy).toBe('test/e2e-leak/leaks-a-user.spec.ts › inserts a tagged user that no factory tracks');
  // The well-behaved file filled every table; none of its rows may be blamed.
  expect(output).not.toContain('cleans-up.spec.ts ›');
  expect(output).not.toMatch(/table \S+\.(bookings|children|instructor_profiles)/);
  expect(output).toContain('1 leaked row(s) reported above and purged.');

  // Reported, then deleted: nothing of the child's run is left in the database.
  const childRunId = /leak check failed for run (\S+):/.exec(output)?.[1];
  expect(childRunId, output).toBeDefined();
  const [left] = await withConnection(
    databaseUrl,
    (sql) => sql`select count(*)::int as n from ${sql(schema!)}.users where email like ${`${childRunId}-%`}`,
  );
  expect(left?.n).toBe(0);
});
