import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes.js';
import { DemoSetupError, formatDemoSummary, runDemo } from './demo-run.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      "Run the example parallel suite of runtag's repository (examples/demo: 8 files, 2 workers) on an embedded PostgreSQL (or DATABASE_URL) and print what runtag did: schemas, rows, leaks, time.",
    )
    .option('--isolation <mode>', "schema, shared or transaction (default: the suite's own, schema)")
    .option('--json', 'print the summary as one JSON object on the last line of stdout')
    .addHelpText(
      'after',
      '\nExit codes: 0 all tests passed and nothing leaked; 1 a test failed, a file or the run failed to set up, or something leaked; 2 not in a runtag checkout.',
    )
    .action(async (options: { isolation: string; json?: boolean }) => {
      if (!existsSync('examples/vitest.config.ts') || !existsSync('examples/demo')) {
        throw new UsageError(
          "runtag demo runs the example suite of runtag's own repository, which an installed package does not ship. " +
            'Run it from a checkout: git clone <runtag repository> && cd runtag && npm install && npm run demo. ' +
            'In your project, run your own suite (npx vitest run) with runtag set up as the README shows.',
        );
      }
      let summary;
      try {
        summary = await runDemo({ json: options.json ?? false, isolation: options.isolation });
      } catch (error) {
        if (!(error instanceof DemoSetupError)) throw error;
        console.error(error.message);
        if (options.json) console.log(JSON.stringify({ error: error.message, exitCode: EXIT.FINDINGS }));
        process.exitCode = EXIT.FINDINGS;
        return;
      }
      console.log(options.json ? JSON.stringify(summary) : formatDemoSummary(summary));
      process.exitCode = summary.tests.failed === 0 && summary.leaks.length === 0 && summary.setupFailures.length === 0 ? EXIT.OK : EXIT.FINDINGS;
    });
}
