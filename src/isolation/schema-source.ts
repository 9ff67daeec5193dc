import { connect, quoteIdent, type Sql } from '../db/connect.js';
import { isConnectionLoss } from '../db/connection-error.js';
import { prepareExtensions } from './extensions.js';
import type { MigrationSet } from './migration-files.js';
import { migrateSchema, MigrationEscapeError } from './migrations.js';
import { assertRunOwned } from '../run/schema-names.js';
import { createScopeRole, dropScopeRole, objectsOutside } from '../ownership/scope-role.js';
import { copyTemplateRows, type SealedTemplate } from './template-copy.js';
import { moveSequencesPastData, seedSchema, type SeedData } from './seed-data.js';

export interface SchemaBuildExtras {
  /** Sample data each schema starts with, written as its role after the migrations (see seed-data.ts). */
  seedData?: { modulePath: string; load: () => Promise<SeedData> };
  /**
   * The sealed template of the same migrations (and seed data): its build already proved the
   * migrations stay inside their schema, and its rows are copied instead of running the seed again.
   */
  template?: SealedTemplate;
}

/**
 * How a test file gets a ready (migrated, empty) schema and gives it back. Today: build it by
 * replaying migrations, drop it on release. The seam exists so a pool of pre-warmed schemas can
 * hand one out by claim instead, without touching any caller.
 */
/** How a file's connections log in: as the role that owns the file's schema and nothing else. */
export interface SchemaCredentials {
  user: string;
  password: string;
}

export interface SchemaSource {
  /**
   * Create and migrate `name`; returns the search_path its connections need (the schema, then
   * extensions) and, where the schema has a role of its own, how to log in as it.
   */
  acquire(name: string): Promise<{ searchPath: string[]; credentials?: SchemaCredentials }>;
  release(name: string): Promise<void>;
}

/**
 * Each schema belongs to a role of the same name that owns nothing else; the migrations run logged
 * in as that role, so the database refuses any statement that reaches outside the schema. Release
 * drops what the role owns, and the role.
 */
export class MigratingSchemaSource implements SchemaSource {
  private loaded: MigrationSet | undefined;

  constructor(
    private readonly admin: Sql,
    private readonly url: string,
    /** The migrations, or how to load them when first needed (releasing a schema needs none). */
    private readonly migrationSet: MigrationSet | (() => MigrationSet),
    /** Only schemas with this prefix (the current run's) may ever be created or dropped. */
    private readonly ownedPrefix: string,
    private readonly applicationName: string,
    private readonly extras: SchemaBuildExtras = {},
  ) {}

  private get migrations(): MigrationSet {
    return (this.loaded ??= typeof this.migrationSet === 'function' ? this.migrationSet() : this.migrationSet);
  }

  async acquire(name: string): Promise<{ searchPath: string[]; credentials: SchemaCredentials }> {
    this.assertOwned(name);
    const role = await createScopeRole(this.admin, name);
    try {
      await this.admin.unsafe(`create schema ${quoteIdent(name)} authorization ${quoteIdent(role.name)}`);
      const searchPath = [name, ...(await prepareExtensions(this.admin, this.migrations))];
      const asRole = connect(this.url, {
        max: 1,
        credentials: { user: role.name, password: role.password },
        searchPath,
        applicationName: this.applicationName,
      });
      try {
        const { seedData, template } = this.extras;
        await migrateSchema(asRole, name, this.migrations, {
          searchPath,
          check: template
            ? undefined
            : async (tx) => {
                const outside = await objectsOutside(tx, name);
                if (outside.length > 0) {
                  throw new MigrationEscapeError(
                    `runtag: the migrations in "${this.migrations.folder}" created ${outside.join(', ')} outside the test file's schema "${name}". ` +
                      'Leave schema names out of migrations (drizzle-kit does), or test such migrations with isolation "shared".',
                  );
                }
              },
        });
        if (seedData && template && (await copyTemplateRows(asRole, template, name))) await moveSequencesPastData(asRole, name);
        else if (seedData) await seedSchema(asRole, name, await seedData.load(), seedData.modulePath);
      } finally {
        await asRole.end({ timeout: 5 });
      }
      return { searchPath, credentials: { user: role.name, password: role.password } };
    } catch (error) {
      // After a lost connection, a query on it can crash the process (porsager/postgres#1208): the role is registered
      // with its scope, so the run's end (or the next sweep) drops it instead.
      if (!isConnectionLoss(error)) await dropScopeRole(this.admin, role.name).catch(() => {});
      throw error;
    }
  }

  async release(name: string): Promise<void> {
    this.assertOwned(name);
    await dropScopeRole(this.admin, name);
  }

  private assertOwned(name: string): void {
    assertRunOwned(name, this.ownedPrefix);
  }
}
