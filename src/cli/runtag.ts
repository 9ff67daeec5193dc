#!/usr/bin/env node
/** runtag's command line: `runtag demo [--json] [--isolation schema|shared]`. */
import { formatDemoSummary, runDemo } from './demo.js';

const USAGE = `usage: runtag demo [--json] [--isolation schema|shared]

  demo   run the example parallel suite (examples/demo, 8 files, 2 workers) on an embedded
         PostgreSQL (or DATABASE_URL) and print what runtag did: schemas, rows, leaks, time.
         --json prints the summary as one JSON object on the last line of stdout.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'demo') {
    console.error(USAGE);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  const json = rest.includes('--json');
  const isolationAt = rest.indexOf('--isolation');
  const isolation = isolationAt >= 0 ? rest[isolationAt + 1] : undefined;
  const summary = await runDemo({ json, isolation });
  console.log(json ? JSON.stringify(summary) : formatDemoSummary(summary));
  return summary.tests.failed === 0 && summary.leaks.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
