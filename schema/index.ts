/**
 * The reference domain: a small booking app (parents book instructors for their children).
 * runtag's own tests, examples and the e2e app use it; `migrations/` is drizzle-kit's output for it.
 */
import { sql } from 'drizzle-orm';
import { date, numeric, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';

export const userRole = pgEnum('user_role', ['PARENT', 'INSTRUCTOR', 'ADMIN']);
export const bookingStatus = pgEnum('booking_status', ['PENDING', 'CONFIRMED', 'CANCELLED']);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    role: userRole('role').notNull(),
    email: varchar('email', { length: 255 }).notNull(),
    clerkId: varchar('clerk_id', { length: 64 }).notNull(),
    firstName: varchar('first_name', { length: 100 }).notNull(),
    lastName: varchar('last_name', { length: 100 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // text_pattern_ops: the unique index also serves `LIKE 'run-tag%'` prefix scans.
  (t) => [
    uniqueIndex('users_email_uq').using('btree', t.email.op('text_pattern_ops')),
    uniqueIndex('users_clerk_id_uq').using('btree', t.clerkId.op('text_pattern_ops')),
  ],
);

export const instructorProfiles = pgTable('instructor_profiles', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id')
    .notNull()
    .unique('instructor_profiles_user_id_uq')
    .references(() => users.id),
  bio: text('bio').notNull(),
  hourlyRate: numeric('hourly_rate', { precision: 10, scale: 2 }).notNull(),
});

export const children = pgTable('children', {
  id: uuid('id').primaryKey().defaultRandom(),
  parentId: uuid('parent_id')
    .notNull()
    .references(() => users.id),
  name: varchar('name', { length: 100 }).notNull(),
  birthDate: date('birth_date').notNull(),
});

export const bookings = pgTable(
  'bookings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    parentId: uuid('parent_id')
      .notNull()
      .references(() => users.id),
    instructorId: uuid('instructor_id')
      .notNull()
      .references(() => users.id),
    childId: uuid('child_id')
      .notNull()
      .references(() => children.id),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }).notNull(),
    status: bookingStatus('status').notNull().default('CONFIRMED'),
    amount: numeric('amount', { precision: 10, scale: 2 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // An instructor cannot hold two live bookings for the same slot; cancelled ones free it.
  (t) => [uniqueIndex('bookings_instructor_slot_uq').on(t.instructorId, t.scheduledAt).where(sql`${t.status} <> 'CANCELLED'`)],
);

export type User = typeof users.$inferSelect;
export type InstructorProfile = typeof instructorProfiles.$inferSelect;
export type Child = typeof children.$inferSelect;
export type Booking = typeof bookings.$inferSelect;
