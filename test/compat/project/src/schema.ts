/**
 * The compatibility matrix's schema (see test/compat/): one definition that drizzle-orm 0.44, 0.45
 * and 1.0 all read. Its migrations were generated twice, by drizzle-kit 0.31 (migrations/0.x) and by
 * drizzle-kit 1.0 (migrations/1.0), in two steps (the first without `projects` and `users.active`), so
 * that a second migration is pending on a schema that has the first; migrations/up is 0.x's folder
 * converted by drizzle-kit 1.0's `drizzle-kit up`. Its columns cover what drizzle 1.0 reports
 * differently (`dataType` 'string uuid', 'object date', 'number int32', arrays as `dimensions`).
 */
import { sql } from 'drizzle-orm';
import { boolean, date, integer, jsonb, numeric, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';

export const plan = pgEnum('plan', ['free', 'team', 'enterprise']);

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: varchar('slug', { length: 40 }).notNull().unique(),
  plan: plan('plan').notNull().default('free'),
  foundedOn: date('founded_on', { mode: 'date' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    email: text('email').notNull(),
    name: text('name').notNull(),
    labels: text('labels').array().notNull().default(sql`'{}'`),
    active: boolean('active').notNull().default(true),
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email)],
);

export const projects = pgTable('projects', {
  id: uuid('id').primaryKey().defaultRandom(),
  organizationId: uuid('organization_id')
    .notNull()
    .references(() => organizations.id),
  ownerId: integer('owner_id')
    .notNull()
    .references(() => users.id),
  name: text('name').notNull(),
  budget: numeric('budget', { precision: 12, scale: 2 }),
  settings: jsonb('settings').$type<{ public: boolean }>().notNull().default({ public: false }),
  scores: integer('scores').array(),
  dueOn: date('due_on'),
});
