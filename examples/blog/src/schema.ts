/**
 * A multi-tenant blog: the second example, deliberately unlike runtag's booking domain. Identity and
 * uuid keys, a composite primary key join table, a self-reference, short unique columns, composite
 * uniques, enums, jsonb, and an extension type (citext).
 */
import { relations, sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

const citext = customType<{ data: string }>({ dataType: () => 'citext' });

export const role = pgEnum('member_role', ['owner', 'editor', 'reader']);
export const postStatus = pgEnum('post_status', ['draft', 'published', 'archived']);

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  slug: varchar('slug', { length: 32 }).notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const users = pgTable(
  'users',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    handle: varchar('handle', { length: 32 }).notNull(),
    email: citext('email').notNull(),
    displayName: text('display_name').notNull(),
  },
  (t) => [uniqueIndex('users_handle_uq').using('btree', t.handle.op('text_pattern_ops')), uniqueIndex('users_email_uq').on(sql`lower(${t.email})`)],
);

export const memberships = pgTable(
  'memberships',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    role: role('role').notNull().default('reader'),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.userId] })],
);

export const posts = pgTable(
  'posts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    authorId: bigint('author_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    slug: varchar('slug', { length: 64 }).notNull(),
    title: text('title').notNull(),
    body: jsonb('body').$type<{ blocks: string[] }>().notNull(),
    status: postStatus('status').notNull().default('draft'),
  },
  (t) => [unique('posts_org_slug_uq').on(t.organizationId, t.slug), index('posts_author_idx').on(t.authorId)],
);

export const comments = pgTable('comments', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  postId: uuid('post_id')
    .notNull()
    .references(() => posts.id),
  parentId: bigint('parent_id', { mode: 'number' }).references((): any => comments.id),
  authorId: bigint('author_id', { mode: 'number' })
    .notNull()
    .references(() => users.id),
  body: text('body').notNull(),
});

export const tags = pgTable(
  'tags',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    name: varchar('name', { length: 32 }).notNull(),
  },
  (t) => [unique('tags_org_name_uq').on(t.organizationId, t.name)],
);

export const postTags = pgTable(
  'post_tags',
  {
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id),
  },
  (t) => [primaryKey({ columns: [t.postId, t.tagId] })],
);

export const organizationRelations = relations(organizations, ({ many }) => ({ memberships: many(memberships), posts: many(posts), tags: many(tags) }));
export const postRelations = relations(posts, ({ one, many }) => ({
  organization: one(organizations, { fields: [posts.organizationId], references: [organizations.id] }),
  author: one(users, { fields: [posts.authorId], references: [users.id] }),
  comments: many(comments),
}));
export const commentRelations = relations(comments, ({ one }) => ({ post: one(posts, { fields: [comments.postId], references: [posts.id] }) }));
export const membershipRelations = relations(memberships, ({ one }) => ({
  organization: one(organizations, { fields: [memberships.organizationId], references: [organizations.id] }),
  user: one(users, { fields: [memberships.userId], references: [users.id] }),
}));
