import type { Command } from 'commander';
import { assertTestDatabase } from '../../db/test-database-guard.js';
import { formatSweepReport, sweepDeadRuns } from '../../registry/sweep.js';
import { EXIT } from '../exit-codes.js';
import { STALE_MINUTES_OPTION, staleAfterMs, withTargetDatabase } from '../target-database.js';

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description(
      'Remove what runs that died without cleaning up (killed, crashed, cancelled CI) left on DATABASE_URL. Only runs in runtag\'s registry (schema "runtag"), ' +
        'only when provably dead: no connection of theirs open, and a heartbeat older than --stale-minutes or a process gone from this machine. Only objects their ' +
        'scope roles own and rows carrying their tag are removed; live runs and anything runtag cannot prove its own are reported, never touched. Every run also sweeps at its start.',
    )
    .option('--dry-run', 'report what would be removed; change nothing')
    .option(...STALE_MINUTES_OPTION)
    .option('--json', 'print one JSON object on the last line of stdout')
    .addHelpText(
      'after',
      '\nExit codes: 0 swept (or nothing to sweep); 1 something could not be removed (it stays registered; the next sweep retries); 2 usage or connection error.',
    )
    .action(async (options: { dryRun?: boolean; staleMinutes: string; json?: boolean }) => {
      const staleMs = staleAfterMs(options.staleMinutes);
      const dryRun = options.dryRun ?? false;
      const report = await withTargetDatabase('sweep', (sql, url) => {
        if (!dryRun) assertTestDatabase(url, { embedded: false, action: 'sweep' });
        return sweepDeadRuns(sql, {
          dryRun,
          ifLocked: 'fail',
          staleAfterMs: staleMs,
          // On stderr, so --json keeps stdout to the one object.
          onProgress: ({ done, total, runId }) => total > 1 && console.error(`runtag sweep: ${done + 1}/${total} ${runId}…`),
        });
      });
      console.log(options.json ? JSON.stringify(report) : formatSweepReport(report));
      process.exitCode = report.deadRuns.some((run) => run.problems.length > 0) ? EXIT.FINDINGS : EXIT.OK;
    });
}
