import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatLintResults, lintFactories } from '../../factory/lint.js';
import { startRun } from '../../lifecycle/run-lifecycle.js';
import { ScopeRuntime } from '../../lifecycle/scope-runtime.js';
import { resolveOptions } from '../../options/resolve-options.js';
import { fileScope } from '../../run/tag.js';
import { EXIT, UsageError } from '../exit-codes.js';

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description(
      'Create every factory the module exports once with its defaults and once per trait, in a throwaway schema migrated from your migrations (on an embedded PostgreSQL, or DATABASE_URL), ' +
        'and report each that fails with the factory, the trait and the database error. Everything it creates is removed.',
    )
    .argument('<module>', 'the module exporting your factories, e.g. test/factories.ts (TypeScript is loaded through Vitest)')
    .option('--migrations <dir>', "drizzle-kit's output folder (default: the Vitest config's runtagOptions.migrationsFolder, else migrations/ or drizzle/)")
    .option('--config <file>', 'the Vitest config to load the module with (its aliases, plugins); default: the one Vitest finds')
    .option('--json', 'print one JSON object on the last line of stdout')
    .addHelpText('after', '\nExit codes: 0 every factory and trait created a row; 1 at least one failed (or the module exports none); 2 usage error.')
    .action(async (modulePath: string, options: { migrations?: string; config?: string; json?: boolean }) => {
      const file = resolve(modulePath);
      if (!existsSync(file))
        throw new UsageError(`runtag lint: no module at ${file}. Pass the file that exports your factories, e.g. npx runtag lint test/factories.ts`);
      const vitest = await loadVitest(options.config);
      try {
        const exported = await importFactories(vitest, file);
        const migrationsFolder = options.migrations ?? providedMigrationsFolder(vitest);
        // A throwaway run of its own (registered, swept if killed), one per-file schema, no pool: explicit, so no variable changes that.
        const run = await startRun({
          options: resolveOptions({ isolation: 'schema', migrationsFolder, schemaPool: 0 }),
          root: process.cwd(),
          workers: 1,
        }).catch((error: Error) => {
          throw new UsageError(`runtag lint could not start its throwaway run: ${error.message}`);
        });
        let results;
        try {
          const runtime = await ScopeRuntime.open(run.config, fileScope('runtag lint'), 'runtag lint');
          let closed;
          try {
            results = await lintFactories(exported, runtime.session);
          } finally {
            closed = await runtime.close();
          }
          // After the lint got through only: a throw inside finally would replace the lint's own error.
          if (closed.error) throw closed.error;
        } finally {
          await run.finish();
        }
        console.log(options.json ? JSON.stringify({ results, failed: results.filter((r) => !r.ok).length }) : formatLintResults(results));
        process.exitCode = results.length > 0 && results.every((r) => r.ok) ? EXIT.OK : EXIT.FINDINGS;
      } finally {
        await vitest.close();
      }
    });
}

/** Vitest's module runner, so a TypeScript factories module (and its path aliases) loads as in the tests. */
async function loadVitest(config: string | undefined) {
  let node: typeof import('vitest/node');
  try {
    node = await import('vitest/node');
  } catch {
    throw new UsageError('runtag lint loads your factories through Vitest (for TypeScript and your aliases): install it, npm install -D vitest.');
  }
  return node.createVitest('test', { watch: false, config, reporters: [] });
}

type LoadedVitest = Awaited<ReturnType<typeof loadVitest>>;

/** The factories module; one that runs test code at import (createRuntagTest, installRuntag, test()) cannot be linted outside a test. */
async function importFactories(vitest: LoadedVitest, file: string): Promise<Record<string, unknown>> {
  try {
    return await vitest.import<Record<string, unknown>>(file);
  } catch (error) {
    const message = (error as Error).message;
    if (/failed to find the current suite|without running "vitest"|inject|beforeAll|installRuntag/i.test(message)) {
      throw new UsageError(
        `runtag lint: ${file} runs test code when imported (${message.split('\n')[0]}). Point lint at the module that defines your ` +
          'factories (defineFactory), not at the one that calls createRuntagTest or installRuntag.',
      );
    }
    throw error;
  }
}

/** The migrations folder the project's Vitest config gives runtag (test.provide.runtagOptions), if any. */
function providedMigrationsFolder(vitest: LoadedVitest): string | undefined {
  const configs = [vitest.config, ...vitest.projects.map((project) => project.config)];
  for (const config of configs) {
    const options = (config.provide as { runtagOptions?: { migrationsFolder?: string } } | undefined)?.runtagOptions;
    if (options?.migrationsFolder) return options.migrationsFolder;
  }
  return undefined;
}
