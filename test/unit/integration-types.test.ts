/**
 * Compile-time contract of the Vitest and Playwright integrations: fixtures are typed from the
 * user's own schema and factories (not runtag's booking domain). `npm test` runs `tsc` first, so
 * each `@ts-expect-error` fails the build if the misuse it marks ever compiles.
 */
import { relations } from 'drizzle-orm';
import { pgTable, text, uuid, varchar } from 'drizzle-orm/pg-core';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { describe, expectTypeOf, it } from 'vitest';
import { defineFactory } from '../../src/factory/define-factory.js';
import { createRuntagTest as createPlaywrightTest } from '../../src/playwright/runtag-test.js';
import { createRuntagTest } from '../../src/vitest/runtag-test.js';

// A schema that is not runtag's.
const organizations = pgTable('organizations', { id: uuid('id').primaryKey().defaultRandom(), name: text('name').notNull() });
const members = pgTable('members', {
  id: uuid('id').primaryKey().defaultRandom(),
  organizationId: uuid('organization_id')
    .notNull()
    .references(() => organizations.id),
  handle: varchar('handle', { length: 32 }).notNull().unique(),
});
const organizationRelations = relations(organizations, ({ many }) => ({ members: many(members) }));
const blog = { organizations, members, organizationRelations };

const organizationFactory = defineFactory(organizations, { defaults: ({ faker }) => ({ name: faker.company.name() }) });

describe('Vitest integration types', () => {
  const test = createRuntagTest({ schema: blog, factories: { organizations: (session) => organizationFactory.withSession(session) } });

  // Declared, never called: these are checked by tsc, and Vitest must not register them at runtime.
  it('types db from the user schema and exposes the user factories', () => {
    const declare = () =>
      test('typed', async ({ db, organizations: orgs, tag, session }) => {
        expectTypeOf(db).toEqualTypeOf<PostgresJsDatabase<typeof blog>>();
        void db.query.organizations.findMany({ with: { members: true } });
        // @ts-expect-error: the booking domain's tables are not in this schema
        void db.query.users;
        expectTypeOf(orgs.create).returns.resolves.toEqualTypeOf<typeof organizations.$inferSelect>();
        expectTypeOf(tag.email).toBeFunction();
        expectTypeOf(session.cleanup).toBeFunction();
      });
    expectTypeOf(declare).toBeFunction();
  });

  it("driver 'pg' types db as node-postgres, for code typed NodePgDatabase", () => {
    const pgTest = createRuntagTest({ schema: blog, driver: 'pg' });
    const declare = () =>
      pgTest('typed', async ({ db, databaseUrl }) => {
        expectTypeOf(db).toEqualTypeOf<NodePgDatabase<typeof blog>>();
        expectTypeOf(databaseUrl).toBeString();
        // @ts-expect-error: a node-postgres db is not a postgres.js one
        expectTypeOf(db).toEqualTypeOf<PostgresJsDatabase<typeof blog>>();
      });
    // @ts-expect-error: no such driver
    const wrong = () => createRuntagTest({ schema: blog, driver: 'mysql' });
    expectTypeOf(declare).toBeFunction();
    expectTypeOf(wrong).toBeFunction();
  });

  it('carries no fixtures of the reference domain', () => {
    // @ts-expect-error: `users` is runtag's booking domain, not a fixture of a user's test
    const declare = () => test('no booking fixtures', async ({ users }) => void users);
    expectTypeOf(declare).toBeFunction();
  });
});

describe('Playwright integration types', () => {
  const test = createPlaywrightTest({ schema: blog, factories: { organizations: (session) => organizationFactory.withSession(session) } });

  it('types db from the user schema and exposes the same fixtures as Vitest', () => {
    const declare = () =>
      test('typed', async ({ db, organizations: orgs, tag, session, runtag }) => {
        void db.query.members.findFirst();
        // @ts-expect-error: not a table of this schema
        void db.query.bookings;
        expectTypeOf(orgs.create).returns.resolves.toEqualTypeOf<typeof organizations.$inferSelect>();
        expectTypeOf(tag.email).toBeFunction();
        expectTypeOf(session.cleanup).toBeFunction();
        expectTypeOf(runtag.dbFor).toBeFunction();
      });
    expectTypeOf(declare).toBeFunction();
  });

  it('refuses a schema that is not given as the schema option', () => {
    // @ts-expect-error: the schema is an option, not the first argument
    expectTypeOf(() => createPlaywrightTest(blog)).toBeFunction();
  });
});
