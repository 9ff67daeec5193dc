import { describe, expect, expectTypeOf, it } from 'vitest';
import { DatabaseConnectionError } from '../../src/db/connection-error.js';
import type { RunConfig } from '../../src/lifecycle/run-config.js';
import { RUN_CONFIG_ENV } from '../../src/options/option-list.js';
import { InvalidOptionError, resolveOption, resolveOptions, type ResolvedOptions } from '../../src/options/resolve-options.js';
import { handOffRunConfig, runConfigFromEnv } from '../../src/playwright/worker-handoff.js';
import { createRunId } from '../../src/run/run-id.js';

describe('precedence: explicit option > variable > runner default > runtag default', () => {
  it('isolation, at every level', () => {
    expect(resolveOptions({}, {}).isolation).toBe('schema');
    expect(resolveOptions({}, {}, { isolation: 'shared' }).isolation).toBe('shared');
    expect(resolveOptions({}, { RUNTAG_ISOLATION: 'transaction' }, { isolation: 'shared' }).isolation).toBe('transaction');
    expect(resolveOptions({ isolation: 'schema' }, { RUNTAG_ISOLATION: 'transaction' }, { isolation: 'shared' }).isolation).toBe('schema');
  });

  it('numbers, flags and text the same way', () => {
    const env = { RUNTAG_SCHEMA_POOL: '3', RUNTAG_TEST_BUDGET_MS: '250', RUNTAG_KEEP_LEAKS: '1', RUNTAG_SUMMARY_FILE: 'from-env.json' };
    expect(resolveOptions({}, env)).toMatchObject({ schemaPool: 3, testTimeBudgetMs: 250, keepLeaks: true, summaryFile: 'from-env.json' });
    expect(resolveOptions({ schemaPool: 0, testTimeBudgetMs: 0, keepLeaks: false, summaryFile: 'explicit.json' }, env)).toMatchObject({
      schemaPool: 0,
      testTimeBudgetMs: 0,
      keepLeaks: false,
      summaryFile: 'explicit.json',
    });
  });

  it("runtag's defaults when nothing is set", () => {
    expect(resolveOptions({}, {})).toEqual({
      isolation: 'schema',
      sharedSchema: 'public',
      migrationsFolder: undefined,
      migrateShared: true,
      schemaPool: undefined,
      seedData: undefined,
      testTimeBudgetMs: 1000,
      sandboxLockWaitMs: 5000,
      budgetWaitSeconds: 60,
      seed: undefined,
      keepLeaks: false,
      quiet: false,
      summaryFile: undefined,
      shard: undefined,
      ciGroup: undefined,
      databaseUrlEnv: ['DATABASE_URL'],
      allowDatabase: [],
      databaseUrl: undefined,
      runId: undefined,
    });
  });

  it('the CI group: RUNTAG_CI_GROUP, else the CI pipeline id', () => {
    expect(resolveOption('ciGroup', undefined, { GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '2' })).toBe('77.2');
    expect(resolveOption('ciGroup', undefined, { CI_PIPELINE_ID: '9' })).toBe('9');
    expect(resolveOption('ciGroup', undefined, { RUNTAG_CI_GROUP: 'mine', GITHUB_RUN_ID: '77' })).toBe('mine');
    expect(resolveOption('ciGroup', 'explicit', { RUNTAG_CI_GROUP: 'mine' })).toBe('explicit');
  });

  it('a list from a comma-separated variable, and a run id', () => {
    expect(resolveOption('allowDatabase', undefined, { RUNTAG_ALLOW_DATABASE: 'staging, app,' })).toEqual(['staging', 'app']);
    const runId = createRunId();
    expect(resolveOption('runId', undefined, { RUNTAG_RUN_ID: runId })).toBe(runId);
  });

  it('the resolved type has no undefined where runtag has a default', () => {
    expectTypeOf<ResolvedOptions['isolation']>().toEqualTypeOf<'schema' | 'shared' | 'transaction'>();
    expectTypeOf<ResolvedOptions['testTimeBudgetMs']>().toEqualTypeOf<number>();
    expectTypeOf<ResolvedOptions['schemaPool']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ResolvedOptions['ciGroup']>().toEqualTypeOf<string | undefined>();
  });
});

describe('an empty string is unset, like an absent one', () => {
  it('in a variable', () => {
    const empty = {
      RUNTAG_ISOLATION: '',
      RUNTAG_SCHEMA_POOL: '',
      RUNTAG_SEED: '',
      RUNTAG_KEEP_LEAKS: '',
      RUNTAG_QUIET: '',
      DATABASE_URL: '',
      RUNTAG_RUN_ID: '',
    };
    expect(resolveOptions({}, empty)).toEqual(resolveOptions({}, {}));
  });

  it('in an explicit option, which then leaves the variable to decide', () => {
    expect(resolveOptions({ summaryFile: '', isolation: undefined }, { RUNTAG_SUMMARY_FILE: 's.json', RUNTAG_ISOLATION: 'shared' })).toMatchObject({
      summaryFile: 's.json',
      isolation: 'shared',
    });
  });
});

describe('a bad value throws, naming where it came from, the value, and what is allowed', () => {
  const failure = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error as Error;
    }
    throw new Error('did not throw');
  };

  it.each([
    [{ RUNTAG_ISOLATION: 'sideways' }, 'runtag: isolation must be "schema", "shared" or "transaction", got "sideways" (from RUNTAG_ISOLATION).'],
    [{ RUNTAG_SCHEMA_POOL: 'lots' }, 'runtag: the schema pool size must be a whole number ≥ 0 (0 turns it off), got "lots" (from RUNTAG_SCHEMA_POOL).'],
    [{ RUNTAG_SCHEMA_POOL: '1.5' }, 'runtag: the schema pool size must be a whole number ≥ 0 (0 turns it off), got "1.5" (from RUNTAG_SCHEMA_POOL).'],
    [
      { RUNTAG_TEST_BUDGET_MS: 'soon' },
      'runtag: the test time budget must be a number of milliseconds ≥ 0 (0 lists no test), got "soon" (from RUNTAG_TEST_BUDGET_MS).',
    ],
    [
      { RUNTAG_BUDGET_WAIT_SECONDS: '-1' },
      'runtag: the wait for a connection budget must be a number of seconds ≥ 0, got "-1" (from RUNTAG_BUDGET_WAIT_SECONDS).',
    ],
    [{ RUNTAG_SEED: '12abc' }, 'runtag: the seed must be a whole number ≥ 0 (the value a failing test printed), got "12abc" (from RUNTAG_SEED).'],
    [{ RUNTAG_KEEP_LEAKS: 'yes' }, 'runtag: keepLeaks must be true or false (in a variable also 1 or 0), got "yes" (from RUNTAG_KEEP_LEAKS).'],
    [
      { RUNTAG_RUN_ID: 'my-run' },
      'runtag: the run id must be a runtag run id, as a run prints it (e.g. "mi9x2k1c-3f2-k8qa-x7p2m4hd"), got "my-run" (from RUNTAG_RUN_ID).',
    ],
  ])('%o', (env, message) => {
    const error = failure(() => resolveOptions({}, env));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error.message).toBe(message);
  });

  it('an explicit option is named as one, whatever its variable holds', () => {
    const error = failure(() => resolveOptions({ schemaPool: -2 }, { RUNTAG_SCHEMA_POOL: '4' }));
    expect(error.message).toBe('runtag: the schema pool size must be a whole number ≥ 0 (0 turns it off), got -2 (from the schemaPool option).');
    // From a JavaScript config the types did not check.
    expect(failure(() => resolveOptions({ isolation: 'per-test' as never })).message).toMatch(
      /isolation must be .*got "per-test" \(from the isolation option\)/,
    );
  });

  it('a misspelt option is refused, listing the real ones', () => {
    expect(failure(() => resolveOptions({ isolaton: 'shared' } as never, {})).message).toMatch(
      /^runtag: no option "isolaton"; runtag's options are isolation, sharedSchema, .*databaseUrl, runId/,
    );
  });

  it('DATABASE_URL is checked as a connection URL, without printing its password', () => {
    const error = failure(() => resolveOptions({}, { DATABASE_URL: 'mysql://app:secret@db/app_test' }));
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect(error.message).toMatch(/^runtag: DATABASE_URL uses the scheme "mysql:"/);
    expect(error.message).not.toMatch(/secret/);
  });

  it('one option resolved alone is not failed by another bad variable', () => {
    expect(resolveOption('seed', undefined, { RUNTAG_SEED: '42', RUNTAG_SCHEMA_POOL: 'lots' })).toBe(42);
  });
});

describe('the Playwright handoff (RUNTAG_CONFIG), main process to worker processes', () => {
  const config = { runId: createRunId(), runKey: 'k', databaseUrl: 'postgres://h/app_test' } as unknown as RunConfig;

  it('is written once, read back in the worker, and withdrawn at the end', () => {
    const env: NodeJS.ProcessEnv = {};
    const withdraw = handOffRunConfig(config, env);
    expect(JSON.parse(env[RUN_CONFIG_ENV]!)).toEqual(config);
    expect(runConfigFromEnv(env)).toEqual(config);
    withdraw();
    expect(env).toEqual({});
  });

  it('says what to do when the global setup did not run, or someone set it by hand', () => {
    expect(() => runConfigFromEnv({})).toThrow(
      /RUNTAG_CONFIG is not set, so this Playwright worker does not know the run's database\. Add runtag's global setup/,
    );
    expect(() => runConfigFromEnv({ RUNTAG_CONFIG: '{' })).toThrow(/RUNTAG_CONFIG is not valid JSON/);
    expect(() => runConfigFromEnv({ RUNTAG_CONFIG: '{"runId":"mine"}' })).toThrow(/RUNTAG_CONFIG\.runId is "mine", which is not a runtag run id/);
  });
});
