import type { Command } from 'commander';
import { formatRunHoldings, runHoldings } from '../../diagnostics/run-holdings.js';
import { finishedRuns, mergeSummaries } from '../../registry/run-history.js';
import { registryHas } from '../../registry/registry-schema.js';
import { EXIT } from '../exit-codes.js';
import { STALE_MINUTES_OPTION, staleAfterMs, withTargetDatabase } from '../target-database.js';

export function registerRuns(program: Command): void {
  program
    .command('runs')
    .description('List runs on DATABASE_URL: live and dead ones with what each holds (schemas, rows, connections), and finished ones with their summaries.')
    .option(
      '--group <id>',
      'only finished runs of this CI pipeline run (RUNTAG_CI_GROUP, or GITHUB_RUN_ID.GITHUB_RUN_ATTEMPT, CI_PIPELINE_ID, …): merges its shards',
    )
    .option(...STALE_MINUTES_OPTION)
    .option('--json', 'print one JSON object on the last line of stdout')
    .addHelpText(
      'after',
      '\nExit codes: 0 nothing wrong; 1 a dead run holds something, or a finished run (of the group) leaked or had problems; 2 usage or connection error.',
    )
    .action(async (options: { group?: string; staleMinutes: string; json?: boolean }) => {
      const staleMs = staleAfterMs(options.staleMinutes);
      const { holdings, finished } = await withTargetDatabase('runs', async (sql) => {
        return {
          holdings: await runHoldings(sql, { staleAfterMs: staleMs }),
          finished: (await registryHas(sql, 'run_history')) ? await finishedRuns(sql, { group: options.group }) : [],
        };
      });
      const merged = mergeSummaries(finished);
      const live = holdings.filter((r) => r.alive);
      const dead = holdings.filter((r) => !r.alive);
      if (options.json) {
        console.log(JSON.stringify({ live, dead, finished, merged }));
      } else {
        console.log(
          `runtag runs: ${live.length} live, ${dead.length} dead, ${finished.length} finished${options.group ? ` in group ${options.group}` : ''} (last 7 days).`,
        );
        for (const line of formatRunHoldings(holdings)) console.log(line);
        for (const run of finished) {
          const s = run.summary;
          console.log(
            `  finished ${run.runId} on ${run.host}${run.shard ? ` (shard ${run.shard})` : ''} at ${new Date(run.finishedAt).toISOString()}: ` +
              `${s.files} file(s), ${s.rowsCreated} row(s), ${s.leaks.length} leak(s), ${(s.wallMs / 1000).toFixed(1)} s`,
          );
        }
        if (finished.length > 1) {
          console.log(
            `  merged: ${merged.runs} run(s)${merged.shards.length ? ` (shards ${merged.shards.join(', ')})` : ''}, ${merged.files} file(s), ` +
              `${merged.rowsCreated} row(s) created / ${merged.rowsCleaned} cleaned, ${merged.leaks.length} leak(s), ${merged.problems.length} problem(s), longest ${(merged.wallMs / 1000).toFixed(1)} s`,
          );
        }
      }
      process.exitCode = dead.length > 0 || merged.leaks.length > 0 || merged.problems.length > 0 ? EXIT.FINDINGS : EXIT.OK;
    });
}
