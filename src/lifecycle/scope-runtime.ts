import { connect } from '../db/connect.js';
import { runApplicationName } from '../run/run-id.js';
import { deriveSeed, FactorySession } from '../factory/session.js';
import { fileSchemaName } from '../isolation/schema-names.js';
import { TestSchema } from '../isolation/test-schema.js';
import { LeakError } from '../leaks/report.js';
import { LeakVerifier, type RowLeak } from '../leaks/verifier.js';
import { registerScope, writeJournal, type ScopeJournal } from './journal.js';
import type { RunConfig } from './run-config.js';

export interface ScopeReport extends ScopeJournal {
  error: Error | undefined;
}

const keepLeaks = () => process.env.RUNTAG_KEEP_LEAKS === '1';

/**
 * One scope of a run (a Vitest file, a Playwright worker): its schema, its factory session,
 * and on close: delete tracked rows, check for leaks of this scope only, drop the schema.
 */
export class ScopeRuntime<TSchema extends Record<string, unknown>> {
  private constructor(
    readonly config: RunConfig,
    readonly scope: string,
    readonly label: string,
    readonly testSchema: TestSchema<TSchema>,
    readonly session: FactorySession,
    private readonly openedAt: number,
  ) {}

  static async open<TSchema extends Record<string, unknown>>(
    config: RunConfig,
    scope: string,
    label: string,
    schema: TSchema,
  ): Promise<ScopeRuntime<TSchema>> {
    // Registered first, so a schema orphaned by a crash below can still be traced to its file.
    const opened = registerScope(config.runDir, scope, label, config.isolation === 'schema' ? fileSchemaName(config.runId, scope) : config.sharedSchema);
    const testSchema = await TestSchema.open({
      url: config.databaseUrl,
      runId: config.runId,
      scope,
      mode: config.isolation,
      schema,
      migrationsFolder: config.migrationsFolder,
      sharedSchema: config.sharedSchema,
      poolSize: config.poolSize,
    });
    const session = new FactorySession({
      db: testSchema.db,
      runId: config.runId,
      scope,
      seed: deriveSeed(config.seed, label),
      label,
    });
    return new ScopeRuntime(config, scope, label, testSchema, session, opened.openedAt);
  }

  get db() {
    return this.testSchema.db;
  }

  /** Clean up, verify, tear down; never throws, the report carries the error. */
  async close(): Promise<ScopeReport> {
    const errors: Error[] = [];
    const rowsCreated = this.session.tracker.createdCount;
    await this.session.cleanup().catch((e: Error) => errors.push(e));
    let leaks: RowLeak[] = [];
    const admin = connect(this.config.databaseUrl, { max: 1, applicationName: runApplicationName(this.config.runId, 'verify') });
    try {
      const verifier = new LeakVerifier(admin, this.config.runId);
      leaks = await verifier.findRows(this.testSchema.name, this.scope);
      if (leaks.length > 0) {
        errors.push(new LeakError({ runId: this.config.runId, rows: leaks, schemas: [] }, new Map([[this.scope, this.label]])));
        // Rows of this scope are ours to delete; a per-file schema goes with its schema.
        if (!keepLeaks() && this.testSchema.mode === 'shared') await verifier.deleteRows(this.testSchema.name, this.scope);
      }
    } catch (e) {
      errors.push(e as Error);
    } finally {
      await admin.end({ timeout: 5 });
    }
    let schemaDropped = false;
    if (!(keepLeaks() && leaks.length > 0)) {
      schemaDropped = await this.testSchema.teardown().then(
        (r) => r.dropped,
        (e: Error) => (errors.push(e), false),
      );
    }
    const journal: ScopeJournal = {
      scope: this.scope,
      label: this.label,
      schema: this.testSchema.name,
      schemaCreated: this.testSchema.mode === 'schema',
      schemaDropped,
      rowsCreated,
      rowsCleaned: this.session.tracker.cleanedCount,
      leaks,
      pid: process.pid,
      openedAt: this.openedAt,
      closedAt: Date.now(),
    };
    writeJournal(this.config.runDir, journal);
    const error = errors.length === 0 ? undefined : errors.length === 1 ? errors[0] : new AggregateError(errors, errors.map((e) => e.message).join('\n\n'));
    return { ...journal, error };
  }
}

