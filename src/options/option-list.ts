import { ISOLATIONS, type ExplicitOptions } from './runtag-options.js';
import { flag, nameList, variableNames, nonNegativeNumber, oneOf, postgresUrl, runId, text, type ValueType } from './value-types.js';

/** The environment as the resolver reads it (process.env, or a test's own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The variables runtag reads: its own, and DATABASE_URL, which every PostgreSQL tool understands. */
export type OptionVariable = `RUNTAG_${string}` | 'DATABASE_URL';

export interface OptionSpec<T> {
  /** The variable that sets it when no explicit option does; none: an option only. */
  readonly env?: OptionVariable;
  readonly type: ValueType<T>;
  /** What error messages call it: `${noun} must be …`. */
  readonly noun: string;
  /** Its value when neither the option nor the variable is set; undefined: none (what none means, `defaultText` says). */
  readonly default: T | undefined | ((env: Env) => T | undefined);
  readonly defaultText: string;
  readonly meaning: string;
}

/** Variables naming one CI pipeline run, shared by all its shards (first found wins): the default CI group. */
const CI_GROUP_SOURCES: readonly (readonly string[])[] = [
  ['GITHUB_RUN_ID', 'GITHUB_RUN_ATTEMPT'],
  ['CI_PIPELINE_ID'], // GitLab
  ['BUILDKITE_BUILD_ID'],
  ['CIRCLE_WORKFLOW_ID'],
  ['BUILD_BUILDID'], // Azure Pipelines
];

function ciGroupOf(env: Env): string | undefined {
  for (const names of CI_GROUP_SOURCES) {
    if (env[names[0]!])
      return names
        .map((name) => env[name] ?? '')
        .filter(Boolean)
        .join('.');
  }
  return undefined;
}

/**
 * Every option runtag has, as data: the resolver reads it, docs/configuration.md shows it (a test
 * keeps the two equal), and the type makes an option missing here a compile error.
 */
export const OPTION_LIST = {
  isolation: {
    env: 'RUNTAG_ISOLATION',
    type: oneOf(ISOLATIONS),
    noun: 'isolation',
    default: 'schema',
    defaultText: '`schema` (Playwright: `shared`)',
    meaning:
      'How tests are kept apart: a schema per file; one shared schema, rows kept apart by tags; or a schema per file with each test in a transaction rolled back after it (Playwright: with an app server per worker).',
  },
  sharedSchema: {
    type: text,
    noun: 'the shared schema',
    default: 'public',
    defaultText: '`public`',
    meaning: 'The schema every file uses in `shared` isolation.',
  },
  migrationsFolder: {
    type: text,
    noun: 'the migrations folder',
    default: undefined,
    defaultText: '`migrations` if it holds migrations (either drizzle-kit layout), else `drizzle`',
    meaning: "drizzle-kit's output folder (drizzle.config's `out`), relative to the project root.",
  },
  migrateShared: {
    type: flag,
    noun: 'migrateShared',
    default: true,
    defaultText: 'true',
    meaning: 'In `shared` isolation, apply the migrations to the shared schema when the run starts.',
  },
  schemaPool: {
    env: 'RUNTAG_SCHEMA_POOL',
    type: nonNegativeNumber({ whole: true, note: '0 turns it off' }),
    noun: 'the schema pool size',
    default: undefined,
    defaultText: 'one per worker',
    meaning: 'Migrated schemas kept ready ahead of the files (`schema` and `transaction` isolation), so that a file claims its schema instead of building it.',
  },
  seedData: {
    type: text,
    noun: 'the seed data module',
    default: undefined,
    defaultText: 'none',
    meaning:
      "A module (relative to the project root) whose default export writes sample data into each file's schema after its migrations; not used in `shared` isolation.",
  },
  testTimeBudgetMs: {
    env: 'RUNTAG_TEST_BUDGET_MS',
    type: nonNegativeNumber({ unit: 'milliseconds', note: '0 lists no test' }),
    noun: 'the test time budget',
    default: 1_000,
    defaultText: '1000',
    meaning: "Tests slower than this (hooks included) are listed after the run's closing line, slowest first: reported, never failed.",
  },
  sandboxLockWaitMs: {
    env: 'RUNTAG_SANDBOX_LOCK_WAIT_MS',
    type: nonNegativeNumber({ unit: 'milliseconds' }),
    noun: "the sandbox's wait for another connection's transaction",
    default: 5_000,
    defaultText: '5000',
    meaning:
      "Isolation `transaction`: how long a connection's own transaction (BEGIN) waits for another connection of the same test to end its transaction before it fails with SQLSTATE 55P03 naming both (two transactions that wait on each other never end).",
  },
  budgetWaitSeconds: {
    env: 'RUNTAG_BUDGET_WAIT_SECONDS',
    type: nonNegativeNumber({ unit: 'seconds' }),
    noun: 'the wait for a connection budget',
    default: 60,
    defaultText: '60',
    meaning: 'How long a run waits for other runs to free connections on the server before it fails.',
  },
  seed: {
    env: 'RUNTAG_SEED',
    type: nonNegativeNumber({ whole: true, note: 'the value a failing test printed' }),
    noun: 'the seed',
    default: undefined,
    defaultText: 'a fresh one per run',
    meaning: "The run's base seed for generated values: a failing test prints it, and the same seed replays the same values.",
  },
  keepLeaks: {
    env: 'RUNTAG_KEEP_LEAKS',
    type: flag,
    noun: 'keepLeaks',
    default: false,
    defaultText: 'false',
    meaning:
      "Keep leaked rows (shared schema) and leftover schemas (after the run) for inspection instead of removing them; a file's own schema is dropped after the file either way.",
  },
  quiet: {
    env: 'RUNTAG_QUIET',
    type: flag,
    noun: 'quiet',
    default: false,
    defaultText: 'false',
    meaning: "Print neither the run's closing line nor the report of what the sweep at its start removed.",
  },
  summaryFile: {
    env: 'RUNTAG_SUMMARY_FILE',
    type: text,
    noun: 'the summary file',
    default: undefined,
    defaultText: 'none',
    meaning: "Write the run's summary as JSON to this file when the run ends.",
  },
  shard: {
    env: 'RUNTAG_SHARD',
    type: text,
    noun: 'the shard',
    default: undefined,
    defaultText: 'none',
    meaning: "Which CI shard the run is (`2/4`): mixed into the run id, recorded in the registry. Vitest's and Playwright's `--shard` give it explicitly.",
  },
  ciGroup: {
    env: 'RUNTAG_CI_GROUP',
    type: text,
    noun: 'the CI group',
    default: ciGroupOf,
    defaultText: `the CI's own id: ${CI_GROUP_SOURCES.map((names) => `\`${names.join('.')}\``).join(', ')}`,
    meaning: 'The CI pipeline run the run belongs to: `runtag runs --group` merges the summaries of its shards.',
  },
  databaseUrlEnv: {
    type: variableNames,
    noun: 'the per-file database URL variables',
    default: ['DATABASE_URL'],
    defaultText: 'DATABASE_URL',
    meaning:
      "Variables that hold each Vitest file's own database URL (its role, its schema first on search_path) before the file's modules load, so an app's module-level db reaches the file's schema; `[]` sets none. Needs Vitest's isolate: true.",
  },
  allowDatabase: {
    env: 'RUNTAG_ALLOW_DATABASE',
    type: nameList,
    noun: 'the allowed databases',
    default: [],
    defaultText: 'none',
    meaning: 'Databases runtag may use although their name does not contain `test`.',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    type: postgresUrl,
    noun: 'the database URL',
    default: undefined,
    defaultText: 'none: runtag starts an embedded PostgreSQL',
    meaning: 'The server to run on, and the one the CLI inspects.',
  },
  runId: {
    env: 'RUNTAG_RUN_ID',
    type: runId,
    noun: 'the run id',
    default: undefined,
    defaultText: 'a fresh one',
    meaning: 'Only for a FactorySession made outside a run (a script): the run id its tags carry. A run makes its own.',
  },
} as const satisfies { readonly [K in keyof ExplicitOptions]-?: OptionSpec<NonNullable<ExplicitOptions[K]>> };

export type OptionName = keyof typeof OPTION_LIST;

export const OPTION_NAMES = Object.keys(OPTION_LIST) as OptionName[];

/**
 * The one variable runtag writes, and only to hand values to other processes that have no other
 * channel: Playwright's global setup (the main process) puts the run's config here for its worker
 * processes, which Playwright starts with the environment global setup left. Not for users to set.
 */
export const RUN_CONFIG_ENV = 'RUNTAG_CONFIG';
