#!/usr/bin/env node
/** runtag's command line: one module per command under commands/. */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { RuntagError } from '../errors/runtag-error.js';
import { registerDemo } from './commands/demo.js';
import { registerDoctor } from './commands/doctor.js';
import { registerLeaks } from './commands/leaks.js';
import { registerLint } from './commands/lint.js';
import { registerRuns } from './commands/runs.js';
import { registerSweep } from './commands/sweep.js';
import { EXIT } from './exit-codes.js';

/** runtag's version, from its package.json: two levels up from the sources (src/cli), three from the build (dist/src/cli). */
function packageVersion(): string {
  const require = createRequire(import.meta.url);
  for (const path of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = require(path) as { name?: string; version?: string };
      if (pkg.name === 'runtag' && pkg.version) return pkg.version;
    } catch {
      // not at this level
    }
  }
  return 'unknown';
}

const program = new Command('runtag')
  .description('Parallel-safe tests against a real PostgreSQL. Commands that inspect a server read DATABASE_URL.')
  .version(packageVersion())
  .showHelpAfterError('(runtag --help lists the commands; runtag <command> --help their options)')
  .exitOverride()
  .addHelpText(
    'after',
    '\nExit codes (every command): 0 done, nothing found; 1 done, something needs attention (leaks, failed lint, a doctor problem, a failed test);' +
      ' 2 could not do the job (a wrong option, no DATABASE_URL, the server unreachable).',
  );
for (const register of [registerRuns, registerLeaks, registerDoctor, registerSweep, registerLint, registerDemo]) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with their own code 0.
    process.exitCode = error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  } else {
    // The command could not do its job: a wrong input, no server, a database the guard refuses, a user without the
    // privileges (runtag's own errors, whose messages say what to do), or something unexpected (with its stack, to report).
    const known = error instanceof RuntagError;
    console.error(known ? error.message : error instanceof Error ? (error.stack ?? error.message) : error);
    // --json promises one JSON object on stdout, failures included; runtag's own carry their stable code.
    if (process.argv.includes('--json')) {
      const message = error instanceof Error ? error.message : String(error);
      console.log(JSON.stringify({ error: message, ...(known ? { code: error.code } : {}), exitCode: EXIT.USAGE }));
    }
    process.exitCode = EXIT.USAGE;
  }
}
// Whatever a library left open (a timer, a socket) must not keep a finished command alive; output is flushed by then.
setTimeout(() => process.exit(), 2_000).unref();
