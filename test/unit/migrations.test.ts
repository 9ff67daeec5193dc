import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultMigrationsFolder, loadMigrations } from '../../src/isolation/migrations.js';
import { testTempDir } from '../support/temp-dir.js';

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
});

describe('defaultMigrationsFolder', () => {
  it('takes migrations/ when it has a journal, else drizzle-kit\'s default drizzle/, else names migrations/', () => {
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
