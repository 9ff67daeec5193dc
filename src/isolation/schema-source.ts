import { quoteIdent, type Sql } from '../db/connect.js';
import { migrateSchema, type MigrationSet } from './migrations.js';

/**
 * How a test file gets a ready (migrated, empty) schema and gives it back.
 * Today: build it by replaying migrations, drop it on release. The seam exists so a pool of
 * pre-warmed schemas can hand one out by claim instead, without touching any caller.
 */
export interface SchemaSource {
  acquire(name: string): Promise<void>;
  release(name: string): Promise<void>;
}

export class MigratingSchemaSource implements SchemaSource {
  constructor(
    private readonly admin: Sql,
    private readonly migrations: MigrationSet,
    /** Only schemas with this prefix (the current run's) may ever be dropped. */
    private readonly ownedPrefix: string,
  ) {}

  async acquire(name: string): Promise<void> {
    this.assertOwned(name);
    await this.admin.unsafe(`create schema ${quoteIdent(name)}`);
    await migrateSchema(this.admin, name, this.migrations);
  }

  async release(name: string): Promise<void> {
    this.assertOwned(name);
    await this.admin.unsafe(`drop schema if exists ${quoteIdent(name)} cascade`);
  }

  private assertOwned(name: string): void {
    if (!name.startsWith(this.ownedPrefix)) {
      throw new Error(`runtag: refusing to manage schema "${name}": it does not belong to this run (prefix "${this.ownedPrefix}").`);
    }
  }
}
