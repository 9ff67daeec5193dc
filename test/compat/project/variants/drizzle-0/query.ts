/**
 * drizzle-orm 0.x: relations() live in the schema object, which db.query is built and typed from.
 * The matrix copies this file to src/query.ts in the cells on drizzle-orm 0.44 and 0.45.
 */
import { relations } from 'drizzle-orm';
import * as tables from './schema.js';
import { organizations, projects, users } from './schema.js';

export const organizationsRelations = relations(organizations, ({ many }) => ({ users: many(users), projects: many(projects) }));
export const usersRelations = relations(users, ({ one, many }) => ({
  organization: one(organizations, { fields: [users.organizationId], references: [organizations.id] }),
  projects: many(projects),
}));
export const projectsRelations = relations(projects, ({ one }) => ({
  organization: one(organizations, { fields: [projects.organizationId], references: [organizations.id] }),
  owner: one(users, { fields: [projects.ownerId], references: [users.id] }),
}));

/** What createRuntagTest takes for db.query: the schema with its relations. */
export const query = { schema: { ...tables, organizationsRelations, usersRelations, projectsRelations } };
