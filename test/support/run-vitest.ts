import { spawnSync } from 'node:child_process';

export interface ChildRun {
  status: number | null;
  output: string;
}

/**
 * Run a fixture suite in a child Vitest: a run of its own (own run id, own leak checks) on the
 * given database, which is this run's, so the two runs share a server while both are live.
 */
export function runFixtureSuite(databaseUrl: string, files: string[], env: Record<string, string> = {}, args: string[] = []): ChildRun {
  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && !k.startsWith('RUNTAG_')));
  const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/vitest.config.ts', ...args, ...files], {
    env: { ...childEnv, DATABASE_URL: databaseUrl, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}
