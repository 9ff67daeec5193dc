import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { inject } from 'vitest';
import { TestSchema } from '../../src/isolation/test-schema.js';
import { writeMigrationsFolder } from './migrations-folder.js';

/**
 * A per-file schema for tables a test defines itself: drizzle-kit generates the migration from the
 * Drizzle definitions (as `drizzle-kit generate` would), runtag replays it as for any file. The
 * folder is only read while the schema is built, so it is removed before this returns.
 */
export async function openSchemaFromTables<TSchema extends Record<string, unknown>>(schema: TSchema, scope: string): Promise<TestSchema<TSchema>> {
  const statements = await generateMigration(generateDrizzleJson({}), generateDrizzleJson(schema));
  const dir = mkdtempSync(join(tmpdir(), 'runtag-migrations-'));
  try {
    writeMigrationsFolder(dir, { '0000_init': statements });
    return await TestSchema.open({ url: inject('runtag').databaseUrl, runId: inject('runtag').runId, scope, mode: 'schema', schema, migrationsFolder: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
