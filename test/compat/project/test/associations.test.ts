import { eq } from 'drizzle-orm';
import { organizations, projects, users } from '../src/schema.js';
import { expect, test } from './runtag.js';

test('a project makes its organization and an owner of that same organization', async ({ projects: projectFactory, db }) => {
  const project = await projectFactory.create();
  const [owner] = await db.select().from(users).where(eq(users.id, project.ownerId));
  expect(owner!.organizationId).toBe(project.organizationId);
  expect(project).toMatchObject({ budget: '1200.50', scores: [1, 2, 3], dueOn: '2030-01-31', settings: { public: false } });
});

test("a user's projects inherit its organization; values come back in the column's own types", async ({ users: userFactory, db }) => {
  const user = await userFactory.create({}, { has: { projects: 3 } });
  const own = await db.select().from(projects).where(eq(projects.ownerId, user.id));
  expect(own).toHaveLength(3);
  expect(new Set(own.map((p) => p.organizationId))).toEqual(new Set([user.organizationId]));
  const [org] = await db.select().from(organizations).where(eq(organizations.id, user.organizationId));
  // Dates as Dates (timestamptz, and a date column in mode 'date'), arrays as arrays, defaults filled.
  expect(org!.createdAt).toBeInstanceOf(Date);
  expect(org!.foundedOn).toBeInstanceOf(Date);
  expect(user.labels).toHaveLength(1);
  expect(user.active).toBe(true);
});

test('createList makes each row with its own unique, tagged values', async ({ organizations: organizationFactory }) => {
  const orgs = await organizationFactory.createList(25, { plan: 'team' });
  expect(new Set(orgs.map((o) => o.slug)).size).toBe(25);
  expect(orgs.every((o) => o.plan === 'team')).toBe(true);
});
