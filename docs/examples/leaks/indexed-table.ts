// src/db/schema.ts: a unique index that also serves the leak check's prefix scan
import { pgTable, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';

export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: varchar('email', { length: 255 }).notNull(),
  },
  (t) => [uniqueIndex('accounts_email_uq').using('btree', t.email.op('text_pattern_ops'))],
);
