import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { drizzleMajor } from '../db/drizzle-db.js';
import { RuntagError } from '../errors/runtag-error.js';

/**
 * How drizzle-kit laid out the folder: `journal` is drizzle-kit 0.x (meta/_journal.json listing
 * NNNN_name.sql files beside it), `folders` is drizzle-kit 1.0 (one folder per migration,
 * <YYYYMMDDHHMMSS>_<name>/migration.sql, no journal file). The layout also says how a schema's
 * journal table looks and which migrations are pending (see migration-journal.ts): each drizzle-orm
 * major reads only its own layout.
 */
export type MigrationsLayout = 'journal' | 'folders';

/** One drizzle-kit migration, read as the drizzle-orm that reads its layout reads it. */
export interface Migration {
  /** Its statements, split at drizzle-kit's `--> statement-breakpoint`. */
  sql: string[];
  /** 0.x: the journal's `when`; 1.0: the folder name's timestamp, to the second (what each records in created_at). */
  folderMillis: number;
  /** sha256 of the file's text, as drizzle records it. */
  hash: string;
  bps: boolean;
  /** 0.x: the journal tag ("0000_init"); 1.0: the folder's name ("20261201211030_init"), by which 1.0 tells what is applied. */
  name: string;
  /** The file it came from, relative to the folder, for messages. */
  file: string;
}

/** drizzle-kit's migrations, read once and replayable into any schema. */
export interface MigrationSet {
  folder: string;
  layout: MigrationsLayout;
  migrations: readonly Migration[];
}

const BREAKPOINT = '--> statement-breakpoint';
const JOURNAL = join('meta', '_journal.json');

/** The layout of `folder`, or undefined when it holds no migrations of either drizzle-kit. */
export function migrationsLayout(folder: string): MigrationsLayout | undefined {
  if (existsSync(join(folder, JOURNAL))) return 'journal';
  return migrationFolders(folder).length > 0 ? 'folders' : undefined;
}

/**
 * Where drizzle-kit's output is when nobody said: `migrations/` (this project's convention) if it
 * holds migrations of either layout, else `drizzle/` (drizzle-kit's own default `out`) if that does.
 */
export function defaultMigrationsFolder(root: string): string {
  const found = ['migrations', 'drizzle'].find((name) => migrationsLayout(join(root, name)) !== undefined);
  return join(root, found ?? 'migrations');
}

export function loadMigrations(folder: string): MigrationSet {
  const folders = migrationFolders(folder);
  if (existsSync(join(folder, JOURNAL))) {
    if (folders.length > 0) {
      throw unreadable(
        folder,
        `it holds both drizzle-kit 0.x's meta/_journal.json and drizzle-kit 1.0's migration folders (${folders[0]}/migration.sql, …), ` +
          'so which migrations exist is ambiguous. `npx drizzle-kit up` (drizzle-kit 1.0) converts the 0.x files and removes the journal',
      );
    }
    return { folder, layout: 'journal', migrations: fromJournal(folder) };
  }
  if (folders.length === 0) {
    throw unreadable(
      folder,
      existsSync(folder)
        ? 'it has neither meta/_journal.json (drizzle-kit 0.x) nor <timestamp>_<name>/migration.sql folders (drizzle-kit 1.0)'
        : 'no such folder',
    );
  }
  return { folder, layout: 'folders', migrations: folders.map((name) => migration(folder, join(name, 'migration.sql'), name, folderMillisOf(name), true)) };
}

function unreadable(folder: string, reason: string, cause?: unknown): RuntagError {
  return new RuntagError(
    'MIGRATIONS_NOT_FOUND',
    `runtag: cannot read migrations from "${folder}" (${reason}). ` +
      "Point runtag at drizzle-kit's output folder (drizzle.config's `out`): in vitest.config, " +
      "test.provide: { runtagOptions: { migrationsFolder: 'drizzle' } } (Playwright: runtagGlobalSetup's options; runtag lint: --migrations). " +
      'Without it runtag looks in migrations/, then drizzle/. Run `npx drizzle-kit generate` to create it.',
    { cause },
  );
}

/**
 * Refuses a folder the installed drizzle-orm cannot migrate: 1.0's migrator throws on a 0.x journal
 * and 0.x's needs one. runtag could replay either into a test schema, but the tests would then pass
 * on migrations the application's own `migrate()` refuses.
 */
export function assertLayoutMatchesDrizzle(folder: string, major: 0 | 1 = drizzleMajor): void {
  const layout = migrationsLayout(folder);
  if (layout === 'journal' && major === 1) {
    throw new RuntagError(
      'MIGRATIONS_LAYOUT_MISMATCH',
      `runtag: the migrations in "${folder}" are drizzle-kit 0.x's (meta/_journal.json), which drizzle-orm 1.0's migrator refuses. ` +
        'Convert them with `npx drizzle-kit up` (drizzle-kit 1.0: each migration becomes <timestamp>_<name>/migration.sql; a database drizzle migrated keeps its history), then run the tests again.',
    );
  }
  if (layout === 'folders' && major === 0) {
    throw new RuntagError(
      'MIGRATIONS_LAYOUT_MISMATCH',
      `runtag: the migrations in "${folder}" are drizzle-kit 1.0's (<timestamp>_<name>/migration.sql), but the drizzle-orm installed is 0.x, whose migrator reads only meta/_journal.json. ` +
        'Install drizzle-orm 1.0 with drizzle-kit 1.0, or regenerate the folder with drizzle-kit 0.x.',
    );
  }
}

/** drizzle-orm 0.x's reading: the journal's entries in order, each its tag's .sql file. */
function fromJournal(folder: string): Migration[] {
  let journal: { entries?: { tag: string; when: number; breakpoints: boolean }[] };
  try {
    journal = JSON.parse(readFileSync(join(folder, JOURNAL), 'utf8'));
  } catch (cause) {
    throw unreadable(folder, `meta/_journal.json is not valid JSON: ${(cause as Error).message}`, cause);
  }
  if (!Array.isArray(journal.entries)) throw unreadable(folder, 'meta/_journal.json has no "entries" list');
  return journal.entries.map((entry) => migration(folder, `${entry.tag}.sql`, entry.tag, entry.when, entry.breakpoints));
}

/** drizzle-orm 1.0's reading: the folders holding a migration.sql, in the order of their names. */
function migrationFolders(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => existsSync(join(folder, name, 'migration.sql')))
    .sort((a, b) => a.localeCompare(b));
}

function migration(folder: string, file: string, name: string, folderMillis: number, bps: boolean): Migration {
  const path = join(folder, file);
  if (!existsSync(path)) throw unreadable(folder, `the journal lists "${name}", but ${file} is missing`);
  const text = readFileSync(path).toString();
  return { sql: text.split(BREAKPOINT), folderMillis, hash: createHash('sha256').update(text).digest('hex'), bps, name, file };
}

/** As drizzle 1.0 reads "20261201211030_init": the first 14 digits as a UTC time, to the second. */
function folderMillisOf(name: string): number {
  const digits = name.slice(0, 14);
  const part = (from: number, to: number) => Number.parseInt(digits.slice(from, to), 10);
  return Date.UTC(part(0, 4), part(4, 6) - 1, part(6, 8), part(8, 10), part(10, 12), part(12, 14));
}
