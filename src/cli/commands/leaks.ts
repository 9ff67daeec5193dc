import type { Command } from 'commander';
import { formatRunHoldings, runHoldings } from '../../diagnostics/run-holdings.js';
import { unregisteredSchemas as schemasNoRunOwns } from '../../registry/sweep.js';
import { EXIT } from '../exit-codes.js';
import { withTargetDatabase } from '../target-database.js';

export function registerLeaks(program: Command): void {
  program
    .command('leaks')
    .description(
      "Show what is left on DATABASE_URL: schemas and rows of dead runs (or of the run given), and rt_ schemas no registered run owns. Read-only; `runtag sweep` removes what is provably a dead run's.",
    )
    .option('--run <id>', 'only this run (live or dead): what it holds right now')
    .option('--json', 'print one JSON object on the last line of stdout')
    .addHelpText('after', '\nExit codes: 0 nothing left; 1 leftovers found; 2 usage or connection error.')
    .action(async (options: { run?: string; json?: boolean }) => {
      const { runs, unregisteredSchemas } = await withTargetDatabase('leaks', async (sql) => {
        const all = await runHoldings(sql, { runId: options.run });
        return { runs: options.run ? all : all.filter((r) => !r.alive), unregisteredSchemas: options.run ? [] : await schemasNoRunOwns(sql) };
      });
      if (options.run && runs.length === 0) console.error(`runtag leaks: no registered run ${options.run} (a run that ended cleanly leaves no record).`);
      const holding = runs.filter((r) => r.schemas.length > 0 || r.sharedRows.some((t) => t.rows > 0));
      if (options.json) {
        console.log(JSON.stringify({ runs, unregisteredSchemas }));
      } else {
        console.log(
          `runtag leaks: ${holding.length} run(s) holding schemas or rows${options.run ? '' : ' among dead runs'}; ${unregisteredSchemas.length} unregistered rt_ schema(s).`,
        );
        for (const line of formatRunHoldings(runs)) console.log(line);
        for (const schema of unregisteredSchemas) console.log(`  unregistered ${schema} (no run owns it; runtag never drops it)`);
      }
      process.exitCode = holding.length > 0 || unregisteredSchemas.length > 0 ? EXIT.FINDINGS : EXIT.OK;
    });
}
