import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testTempDir } from './temp-dir.js';

/** A drizzle-kit style migrations folder (meta/_journal.json + NNNN_name.sql) for the current test. */
export function migrationsFolder(migrations: Record<string, string[]>): string {
  return writeMigrationsFolder(testTempDir('runtag-migrations-'), migrations);
}

/** Writes drizzle-kit's layout into `dir` (for callers outside a test, e.g. beforeAll, that remove it themselves). */
export function writeMigrationsFolder(dir: string, migrations: Record<string, string[]>): string {
  mkdirSync(join(dir, 'meta'));
  const entries = Object.keys(migrations).map((tag, idx) => ({ idx, version: '7', when: 1_700_000_000_000 + idx, tag, breakpoints: true }));
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries }));
  for (const [tag, statements] of Object.entries(migrations)) writeFileSync(join(dir, `${tag}.sql`), statements.join('\n--> statement-breakpoint\n'));
  return dir;
}
