/**
 * drizzle-orm 1.0: relations are defined apart from the tables (defineRelations), and db.query is
 * built and typed from them alone. The matrix copies this file to src/query.ts in the drizzle 1.0 cells.
 */
import { defineRelations } from 'drizzle-orm';
import * as tables from './schema.js';

export const relations = defineRelations(tables, (r) => ({
  organizations: {
    users: r.many.users({ from: r.organizations.id, to: r.users.organizationId }),
    projects: r.many.projects({ from: r.organizations.id, to: r.projects.organizationId }),
  },
  users: {
    organization: r.one.organizations({ from: r.users.organizationId, to: r.organizations.id, optional: false }),
    projects: r.many.projects({ from: r.users.id, to: r.projects.ownerId }),
  },
  projects: {
    organization: r.one.organizations({ from: r.projects.organizationId, to: r.organizations.id, optional: false }),
    owner: r.one.users({ from: r.projects.ownerId, to: r.users.id, optional: false }),
  },
}));

/** What createRuntagTest takes for db.query: the tables, and the relations 1.0 reads. */
export const query = { schema: tables, relations };
