import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertLayoutMatchesDrizzle, defaultMigrationsFolder, loadMigrations } from '../../src/isolation/migration-files.js';
import { templateHash } from '../../src/isolation/template-hash.js';
import { testTempDir } from '../support/temp-dir.js';

/** The same two migrations from drizzle-kit 0.31, from drizzle-kit 1.0, and 0.31's converted by 1.0's `drizzle-kit up`. */
const FIXTURES = join(import.meta.dirname, '../compat/project/migrations');
const V0 = join(FIXTURES, '0.x');
const V1 = join(FIXTURES, '1.0');
const UP = join(FIXTURES, 'up');

function migrationsFolder(sql: string): string {
  const dir = testTempDir('runtag-migrations-');
  mkdirSync(join(dir, 'meta'));
  writeFileSync(
    join(dir, 'meta', '_journal.json'),
    JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1, tag: '0000_x', breakpoints: true }] }),
  );
  writeFileSync(join(dir, '0000_x.sql'), sql);
  return dir;
}

describe('loadMigrations', () => {
  it('reads the committed migrations', () => {
    const set = loadMigrations('migrations');
    expect(set.migrations.length).toBeGreaterThan(0);
    expect(set.migrations[0]!.sql.join('\n')).toContain('CREATE TABLE "users"');
  });

  it('names each migration by its file, for messages', () => {
    const folder = migrationsFolder('CREATE TABLE "x" (id int);');
    expect(loadMigrations(folder).migrations.map((m) => m.file)).toEqual(['0000_x.sql']);
  });

  it('explains a missing folder', () => {
    expect(() => loadMigrations('no/such/folder')).toThrow(/cannot read migrations from "no\/such\/folder".*drizzle-kit generate/s);
  });

  it("reads drizzle-kit 1.0's folders as drizzle-orm 1.0 does: by folder name, the name's timestamp to the second, the file's sha256", () => {
    const set = loadMigrations(V1);
    expect(set.layout).toBe('folders');
    expect(set.migrations.map((m) => m.name)).toEqual(['20261201211030_init', '20261201211037_projects']);
    expect(set.migrations.map((m) => m.file)).toEqual(['20261201211030_init/migration.sql', '20261201211037_projects/migration.sql']);
    expect(set.migrations.map((m) => m.folderMillis)).toEqual([Date.UTC(2026, 11, 1, 21, 10, 30), Date.UTC(2026, 11, 1, 21, 10, 37)]);
    const text = readFileSync(join(V1, '20261201211037_projects/migration.sql'), 'utf8');
    expect(set.migrations[1]!.hash).toBe(createHash('sha256').update(text).digest('hex'));
    expect(set.migrations[1]!.sql).toHaveLength(4);
    expect(set.migrations[1]!.sql.join('')).toContain('ALTER TABLE "users" ADD COLUMN "active"');
  });

  it('reads a 0.x folder converted by drizzle-kit up as the same migrations, their times cut to the second', () => {
    const before = loadMigrations(V0);
    const after = loadMigrations(UP);
    expect([before.layout, after.layout]).toEqual(['journal', 'folders']);
    expect(after.migrations.map((m) => m.hash)).toEqual(before.migrations.map((m) => m.hash));
    expect(after.migrations.map((m) => m.sql)).toEqual(before.migrations.map((m) => m.sql));
    expect(after.migrations.map((m) => m.folderMillis)).toEqual(before.migrations.map((m) => Math.floor(m.folderMillis / 1000) * 1000));
    expect(before.migrations.map((m) => m.name)).toEqual(['0000_init', '0001_projects']);
  });

  it('refuses a folder holding both layouts, saying how to convert it', () => {
    const folder = testTempDir('runtag-migrations-');
    cpSync(V0, folder, { recursive: true });
    cpSync(V1, folder, { recursive: true });
    expect(() => loadMigrations(folder)).toThrow(
      /both drizzle-kit 0\.x's meta\/_journal\.json and drizzle-kit 1\.0's migration folders \(20261201211030_init\/migration\.sql.*drizzle-kit up/s,
    );
  });

  it('names a journal entry whose file is missing', () => {
    const folder = testTempDir('runtag-migrations-');
    cpSync(V0, folder, { recursive: true });
    writeFileSync(join(folder, '0001_projects.sql'), '');
    expect(loadMigrations(folder).migrations[1]!.sql).toEqual(['']);
    const missing = testTempDir('runtag-migrations-');
    cpSync(join(V0, 'meta'), join(missing, 'meta'), { recursive: true });
    expect(() => loadMigrations(missing)).toThrow(/the journal lists "0000_init", but 0000_init\.sql is missing/);
  });
});

describe('assertLayoutMatchesDrizzle', () => {
  it("accepts each drizzle-orm major's own layout and a folder of neither (which fails later, when read)", () => {
    expect(() => assertLayoutMatchesDrizzle(V0, 0)).not.toThrow();
    expect(() => assertLayoutMatchesDrizzle(V1, 1)).not.toThrow();
    expect(() => assertLayoutMatchesDrizzle(UP, 1)).not.toThrow();
    expect(() => assertLayoutMatchesDrizzle('no/such/folder', 1)).not.toThrow();
  });

  it('refuses a 0.x journal under drizzle-orm 1.0 (its migrator would) with drizzle-kit up as the fix, and 1.0 folders under 0.x', () => {
    expect(() => assertLayoutMatchesDrizzle(V0, 1)).toThrow(
      /migrations in ".*0\.x" are drizzle-kit 0\.x's \(meta\/_journal\.json\), which drizzle-orm 1\.0's migrator refuses\. Convert them with `npx drizzle-kit up`/,
    );
    expect(() => assertLayoutMatchesDrizzle(V1, 0)).toThrow(/are drizzle-kit 1\.0's .* but the drizzle-orm installed is 0\.x.*Install drizzle-orm 1\.0/);
    expect(() => assertLayoutMatchesDrizzle(V1, 0)).toThrow(expect.objectContaining({ code: 'MIGRATIONS_LAYOUT_MISMATCH' }));
  });

  it('takes the installed major by default: this repository has drizzle-orm 0.45', () => {
    expect(() => assertLayoutMatchesDrizzle(V0)).not.toThrow();
    expect(() => assertLayoutMatchesDrizzle(V1)).toThrow(/drizzle-orm installed is 0\.x/);
  });
});

describe('templateHash', () => {
  it('keys 1.0 folders by name: the same SQL in the other layout, or under another name, is another template', () => {
    const v0 = templateHash(loadMigrations(V0), undefined);
    const up = templateHash(loadMigrations(UP), undefined);
    expect(up).not.toBe(v0);
    const renamed = testTempDir('runtag-migrations-');
    cpSync(UP, renamed, { recursive: true });
    cpSync(join(UP, '20261201211035_projects'), join(renamed, '20261201211035_projects_renamed'), { recursive: true });
    rmSync(join(renamed, '20261201211035_projects'), { recursive: true });
    expect(templateHash(loadMigrations(renamed), undefined)).not.toBe(up);
    expect(templateHash(loadMigrations(UP), undefined)).toBe(up);
  });
});

describe('defaultMigrationsFolder', () => {
  it("counts drizzle-kit 1.0's migration folders as migrations", () => {
    const root = testTempDir('runtag-root-');
    cpSync(V1, join(root, 'drizzle'), { recursive: true });
    expect(defaultMigrationsFolder(root)).toBe(join(root, 'drizzle'));
    mkdirSync(join(root, 'migrations', 'notes'), { recursive: true });
    expect(defaultMigrationsFolder(root)).toBe(join(root, 'drizzle'));
  });

  it("takes migrations/ when it has a journal, else drizzle-kit's default drizzle/, else names migrations/", () => {
    const root = testTempDir('runtag-root-');
    expect(defaultMigrationsFolder(root)).toBe(join(root, 'migrations'));
    mkdirSync(join(root, 'drizzle', 'meta'), { recursive: true });
    writeFileSync(join(root, 'drizzle', 'meta', '_journal.json'), '{}');
    expect(defaultMigrationsFolder(root)).toBe(join(root, 'drizzle'));
    mkdirSync(join(root, 'migrations', 'meta'), { recursive: true });
    writeFileSync(join(root, 'migrations', 'meta', '_journal.json'), '{}');
    expect(defaultMigrationsFolder(root)).toBe(join(root, 'migrations'));
  });
});
