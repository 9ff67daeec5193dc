// test/fixtures.test.ts: every fixture of createRuntagTest
import { users } from '../src/db/schema.js';
import { expect, test } from './runtag.js';

test('the fixtures', async ({ runtag, db, session, tag, users: userRows }) => {
  // runtag: the file's scope (what the toolkit's helpers take), here in the default isolation.
  expect(runtag.config.isolation).toBe('schema');
  // tag: values unique across files, workers and runs, that still read like their base.
  const email = tag.email('grace'); // e.g. "k3x9a7q-2-1-grace@runtag.test"
  expect(email.startsWith(tag.prefix)).toBe(true);
  // db: Drizzle typed from your schema (db.query.users exists, db.query.nosuch does not compile).
  await db.insert(users).values({ role: 'ADMIN', email, clerkId: tag.next(), firstName: 'Grace', lastName: 'H' });
  // A factory fixture is the factory on this test's session, which tracks what it creates.
  await userRows.create();
  expect(session.tracker.createdCount).toBe(1);
  expect(await db.query.users.findMany()).toHaveLength(2);
});
