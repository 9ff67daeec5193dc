import { boolean, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const notes = pgTable(
  'notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // No ON DELETE CASCADE: deleting an account deletes its notes itself (see services/users.ts).
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    pinned: boolean('pinned').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notes_author_idx').on(t.authorId)],
);

/** A note shared with another user, who then sees it in their list. */
export const noteShares = pgTable(
  'note_shares',
  {
    noteId: uuid('note_id')
      .notNull()
      .references(() => notes.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    sharedAt: timestamp('shared_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.noteId, t.userId] })],
);

export type User = typeof users.$inferSelect;
export type Note = typeof notes.$inferSelect;
