#!/usr/bin/env node
/** runtag's command line. */
import { parseArgs } from 'node:util';
import { withConnection } from '../db/connect.js';
import { parseDatabaseUrl } from '../db/connection-error.js';
import { checkReachable } from '../db/server.js';
import { formatSweepReport, sweepDeadRuns } from '../leaks/sweep.js';
import { formatDemoSummary, runDemo } from './demo.js';

const USAGE = `usage:
  runtag demo [--json] [--isolation schema|shared]
      Run the example parallel suite (examples/demo: 8 files, 2 workers) on an embedded PostgreSQL
      (or DATABASE_URL) and print what runtag did: schemas, rows, leaks, time.
      --json prints the summary as one JSON object on the last line of stdout.

  runtag sweep [--dry-run] [--shared-schema NAME]... [--grace-minutes N]
      Against DATABASE_URL: remove the rt_* schemas and tagged rows of runs that died without
      cleaning up (killed, crashed, cancelled CI). A run is alive while any of its connections is
      open; live runs and runs younger than --grace-minutes (default 10) are never touched.
      --shared-schema names a schema where runs write tagged rows (shared isolation), e.g. public.`;

async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false }, isolation: { type: 'string' } } });
  const summary = await runDemo({ json: values.json, isolation: values.isolation });
  console.log(values.json ? JSON.stringify(summary) : formatDemoSummary(summary));
  return summary.tests.failed === 0 && summary.leaks.length === 0 ? 0 : 1;
}

async function sweep(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'dry-run': { type: 'boolean', default: false },
      'shared-schema': { type: 'string', multiple: true, default: [] },
      'grace-minutes': { type: 'string', default: '10' },
    },
  });
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('runtag sweep needs DATABASE_URL: an embedded PostgreSQL lives and dies with its run, so only a server you point at can hold leftovers.');
  }
  const graceMinutes = Number(values['grace-minutes']);
  if (!Number.isFinite(graceMinutes) || graceMinutes < 0) throw new Error(`runtag sweep: --grace-minutes must be a number of minutes, got "${values['grace-minutes']}".`);
  parseDatabaseUrl(url, 'DATABASE_URL');
  await checkReachable(url, 'DATABASE_URL');
  const report = await withConnection(
    url,
    (sql) => sweepDeadRuns(sql, { sharedSchemas: values['shared-schema'], dryRun: values['dry-run'], graceMs: graceMinutes * 60_000 }),
    { max: 2 },
  );
  console.log(formatSweepReport(report));
  return 0;
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
