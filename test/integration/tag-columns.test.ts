/**
 * One definition of a tag column (src/ownership/tag-columns.ts), read from two sources: the
 * factories read a Drizzle table (which generated values get the run tag), the leak scan reads the
 * database's catalog (which columns it looks in for a run's tag). On a schema with the cases where
 * the two readings used to part (short unique columns, enums, char(n), arrays, composite keys,
 * foreign keys, expression and partial unique indexes) they must name the same columns, and a
 * factory's tagged row must be found by the scan through them.
 */
import { sql as raw } from 'drizzle-orm';
import { char, foreignKey, integer, pgEnum, pgTable, primaryKey, text, unique, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineFactory } from '../../src/factory/define-factory.js';
import { FactorySession } from '../../src/factory/session.js';
import { tableMeta } from '../../src/factory/table-meta.js';
import type { TestSchema } from '../../src/isolation/test-schema.js';
import { LeakVerifier } from '../../src/leaks/verifier.js';
import { readCatalog, type CatalogTable } from '../../src/ownership/catalog.js';
import { createRunKey } from '../../src/run/run-key.js';
import { Tagger } from '../../src/run/tag.js';
import { openSchemaFromTables } from '../support/schema-from-tables.js';

const tier = pgEnum('tier', ['free', 'pro']);
const orgs = pgTable(
  'orgs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: varchar('slug', { length: 32 }).notNull().unique(),
    // Short and unique: a tag column all the same (the factory says to widen it or list it in `untagged`).
    code: varchar('code', { length: 4 }).notNull().unique(),
    tier: tier('tier').notNull().unique(),
    fixed: char('fixed', { length: 16 }).unique(),
    labels: text('labels').array().unique(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    archivedName: text('archived_name'),
  },
  (t) => [
    uniqueIndex('orgs_email_lower').on(raw`lower(${t.email})`),
    uniqueIndex('orgs_archived_name').on(t.archivedName).where(raw`${t.archivedName} is not null`),
  ],
);
// A natural text key, and a composite one half of which is a foreign key.
const countries = pgTable('countries', { code: varchar('code', { length: 2 }).primaryKey(), name: text('name').notNull().unique() });
const members = pgTable(
  'members',
  {
    orgSlug: varchar('org_slug', { length: 32 }).notNull(),
    handle: varchar('handle', { length: 32 }).notNull(),
    country: varchar('country', { length: 2 }).references(() => countries.code),
    nickname: text('nickname').notNull(),
    seat: integer('seat').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgSlug, t.handle] }),
    foreignKey({ columns: [t.orgSlug], foreignColumns: [orgs.slug] }),
    unique('members_nickname_seat').on(t.nickname, t.seat),
    unique('members_country_nickname').on(t.country, t.nickname),
  ],
);
// A unique foreign key to a text column (a 1:1 row keyed by its owner's slug).
const profiles = pgTable('profiles', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  orgSlug: varchar('org_slug', { length: 32 })
    .notNull()
    .unique()
    .references(() => orgs.slug),
  bio: text('bio').notNull(),
});
const schema = { tier, orgs, countries, members, profiles };
const tables = { orgs, countries, members, profiles };

let testSchema: TestSchema<typeof schema>;
let catalog: Map<string, CatalogTable>;

beforeAll(async () => {
  testSchema = await openSchemaFromTables(schema, 'tagcols');
  catalog = new Map((await readCatalog(testSchema.sql, testSchema.name)).map((t) => [t.name, t]));
});
afterAll(async () => {
  await testSchema?.teardown();
});

describe('a tag column', () => {
  it('is the same column to the factories and to the leak scan', () => {
    for (const [name, table] of Object.entries(tables)) {
      const fromDrizzle = tableMeta(table)
        .tagColumns.map((c) => c.sqlName)
        .sort();
      expect({ table: name, columns: fromDrizzle }).toEqual({ table: name, columns: catalog.get(name)!.tagColumns });
    }
  });

  it('is unique variable-length text that is neither primary nor foreign key', () => {
    // slug, code (short), email (in lower(email)), archived_name (partial index); not tier (enum),
    // fixed (char), labels (array), name (not unique).
    expect(catalog.get('orgs')!.tagColumns).toEqual(['archived_name', 'code', 'email', 'slug']);
    // The natural primary key is the test's own value; the other unique text column is a tag column.
    expect(catalog.get('countries')!.tagColumns).toEqual(['name']);
    // Composite key columns and a foreign key are not; a composite unique's text column is.
    expect(catalog.get('members')!.tagColumns).toEqual(['nickname']);
    expect(catalog.get('profiles')!.tagColumns).toEqual([]);
  });

  it("holds the tag of a factory's generated value, where the scan finds the row", async () => {
    const tag = new Tagger(createRunKey(), 'tc');
    const session = new FactorySession({ db: testSchema.db, tag, seed: 3 });
    const orgFactory = defineFactory(orgs, {
      defaults: ({ faker, seq }) => ({ slug: faker.lorem.slug(1), code: 'x', tier: 'free' as const, email: `o${seq}@x.test`, name: 'Org' }),
      untagged: ['code', 'tier'],
    });
    const org = await orgFactory.withSession(session).create({ code: 'ab' });
    expect(org.slug.startsWith(tag.prefix)).toBe(true);
    expect(org.email.startsWith(tag.prefix)).toBe(true);
    expect(org.code).toBe('ab');
    const leaks = await new LeakVerifier(testSchema.sql, tag.runKey).findRows(testSchema.name, tag.scope);
    expect(leaks.map((l) => [l.table, l.count, l.scopes])).toEqual([['orgs', 1, ['tc']]]);
  });
});
