#!/usr/bin/env node
/** runtag's command line. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { withConnection } from '../db/connect.js';
import { parseDatabaseUrl } from '../db/connection-error.js';
import { checkReachable } from '../db/server.js';
import { assertTestDatabase } from '../db/test-database-guard.js';
import { formatSweepReport, sweepDeadRuns } from '../registry/sweep.js';
import { formatDemoSummary, runDemo } from './demo.js';

const USAGE = `usage:
  runtag demo [--json] [--isolation schema|shared]
      Run the example parallel suite (examples/demo: 8 files, 2 workers) on an embedded PostgreSQL
      (or DATABASE_URL) and print what runtag did: schemas, rows, leaks, time.
      --json prints the summary as one JSON object on the last line of stdout.

  runtag sweep [--dry-run] [--stale-minutes N]
      Against DATABASE_URL: remove what runs that died without cleaning up (killed, crashed,
      cancelled CI) left behind. Only runs in runtag's registry (schema "runtag") are considered,
      and only when provably dead: no connection of theirs open, and a heartbeat older than
      --stale-minutes (default 2) or a process gone from this machine. Only objects their scope
      roles own and rows carrying their tag are removed; live runs and anything runtag cannot
      prove its own are reported, never touched. Every run also sweeps at its start.`;

async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false }, isolation: { type: 'string' } } });
  if (!existsSync('examples/vitest.config.ts') || !existsSync('examples/demo')) {
    console.error(
      'runtag demo runs the example suite of runtag\'s own repository, which an installed package does not ship. ' +
        'Run it from a checkout: git clone <runtag repository> && cd runtag && npm install && npm run demo. ' +
        'In your project, run your own suite (npx vitest run) with runtag set up as the README shows.',
    );
    return 2;
  }
  const summary = await runDemo({ json: values.json, isolation: values.isolation });
  console.log(values.json ? JSON.stringify(summary) : formatDemoSummary(summary));
  return summary.tests.failed === 0 && summary.leaks.length === 0 ? 0 : 1;
}

async function sweep(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'dry-run': { type: 'boolean', default: false },
      'stale-minutes': { type: 'string', default: '2' },
    },
  });
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('runtag sweep needs DATABASE_URL: an embedded PostgreSQL lives and dies with its run, so only a server you point at can hold leftovers.');
  }
  const staleMinutes = Number(values['stale-minutes']);
  if (!Number.isFinite(staleMinutes) || staleMinutes < 0) throw new Error(`runtag sweep: --stale-minutes must be a number of minutes, got "${values['stale-minutes']}".`);
  parseDatabaseUrl(url, 'DATABASE_URL');
  if (!values['dry-run']) assertTestDatabase(url, { embedded: false, action: 'sweep' });
  await checkReachable(url, 'DATABASE_URL');
  const report = await withConnection(
    url,
    (sql) => sweepDeadRuns(sql, { dryRun: values['dry-run'], ifLocked: 'fail', staleAfterMs: staleMinutes * 60_000 }),
    { max: 2, applicationName: 'runtag-cli' },
  );
  console.log(formatSweepReport(report));
  return report.deadRuns.some((run) => run.problems.length > 0) ? 1 : 0;
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = { demo, sweep };

async function main([command, ...rest]: string[]): Promise<number> {
  const run = command ? COMMANDS[command] : undefined;
  if (!run) {
    console.error(USAGE);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
