/**
 * A chat app shaped like LobeChat's schema: the third example, the one runtag was first tried on.
 * Every row carries the user it belongs to; users have a natural text key from the auth provider
 * (no default); other ids are prefixed text made in JavaScript ($defaultFn), not by the database;
 * files and documents refer to each other (a document is parsed from a file, a file may point at
 * its document); a composite unique index (a session's slug per user), a partial one (a live
 * file's hash per user), a composite primary key join table, an enum, jsonb.
 */
import { relations, sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, varchar, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/** LobeChat's idGenerator: `file_k3x9a7q0m2ab`, random, made by the app when it inserts. */
export function idGenerator(prefix: string, size = 12): string {
  return `${prefix}_${Array.from(randomBytes(size), (byte) => alphabet[byte % alphabet.length]).join('')}`;
}

export const messageRole = pgEnum('message_role', ['user', 'assistant', 'system', 'tool']);

// The auth provider's user id is the primary key: text, no default.
export const users = pgTable('users', {
  id: text('id').primaryKey(),
  email: varchar('email', { length: 120 }).notNull().unique(),
  avatar: text('avatar'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const sessions = pgTable(
  'sessions',
  {
    id: text('id')
      .primaryKey()
      .$defaultFn(() => idGenerator('ssn')),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    slug: varchar('slug', { length: 100 }).notNull(),
    title: text('title').notNull(),
    avatar: text('avatar'),
    pinned: boolean('pinned').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sessions_slug_user_id_uq').on(t.slug, t.userId)],
);

export const messages = pgTable(
  'messages',
  {
    id: text('id')
      .primaryKey()
      .$defaultFn(() => idGenerator('msg')),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    role: messageRole('role').notNull().default('user'),
    content: text('content').notNull(),
    meta: jsonb('meta').$type<{ model?: string; tokens?: number }>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('messages_session_idx').on(t.sessionId)],
);

export const files = pgTable(
  'files',
  {
    id: text('id')
      .primaryKey()
      .$defaultFn(() => idGenerator('file')),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // The file's parsed document, once there is one: the nullable side of the cycle.
    documentId: text('document_id').references((): AnyPgColumn => documents.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    fileType: varchar('file_type', { length: 255 }).notNull(),
    size: integer('size').notNull(),
    fileHash: varchar('file_hash', { length: 64 }).notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  // A user uploads a file's content once; a deleted file's hash may come back.
  (t) => [uniqueIndex('files_user_hash_live_uq').on(t.userId, t.fileHash).where(sql`deleted_at is null`)],
);

export const documents = pgTable('documents', {
  id: text('id')
    .primaryKey()
    .$defaultFn(() => idGenerator('docs')),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  // Parsed from a file: the required side of the cycle.
  fileId: text('file_id')
    .notNull()
    .references(() => files.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  content: text('content'),
});

export const filesToSessions = pgTable(
  'files_to_sessions',
  {
    fileId: text('file_id')
      .notNull()
      .references(() => files.id, { onDelete: 'cascade' }),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.fileId, t.sessionId] })],
);

export const usersRelations = relations(users, ({ many }) => ({ sessions: many(sessions) }));
export const sessionsRelations = relations(sessions, ({ one, many }) => ({
  user: one(users, { fields: [sessions.userId], references: [users.id] }),
  messages: many(messages),
}));
export const messagesRelations = relations(messages, ({ one }) => ({
  session: one(sessions, { fields: [messages.sessionId], references: [sessions.id] }),
}));
