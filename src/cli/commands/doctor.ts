import type { Command } from 'commander';
import { defaultWorkers } from '../../ci/ci-defaults.js';
import { diagnose, formatDoctorReport } from '../../diagnostics/doctor.js';
import { EXIT } from '../exit-codes.js';
import { wholeNumber, withTargetDatabase } from '../target-database.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'Check DATABASE_URL for running tests in parallel: server version, connections (max, in use, the budget for N workers), runs, orphans, templates and the schema pool, sessions blocked by locks; ends with one verdict line. Changes nothing.',
    )
    .option('--workers <n>', 'the worker count to budget for (default: what runtagVitestDefaults picks here)', String(defaultWorkers()))
    .option('--json', 'print one JSON object on the last line of stdout')
    .addHelpText('after', '\nExit codes: 0 OK; 1 a problem was found (the verdict names it); 2 usage or connection error.')
    .action(async (options: { workers: string; json?: boolean }) => {
      const workers = wholeNumber(options.workers, '--workers', 1);
      const report = await withTargetDatabase('doctor', (sql) => diagnose(sql, { workers }));
      console.log(options.json ? JSON.stringify(report) : formatDoctorReport(report));
      process.exitCode = report.problems.length > 0 ? EXIT.FINDINGS : EXIT.OK;
    });
}
