// test/node-postgres.test.ts: the db fixture on node-postgres, for code typed for it
import { eq } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { createRuntagTest, expect } from 'runtag/vitest';
import * as schema from '../src/db/schema.js';
import { userFactory } from './factories.js';

const test = createRuntagTest({ schema, driver: 'pg', factories: { users: (session) => userFactory.withSession(session) } });

async function findByEmail(db: NodePgDatabase<typeof schema>, email: string) {
  return db.query.users.findFirst({ where: eq(schema.users.email, email) });
}

test("a NodePgDatabase on the file's schema", async ({ db, users }) => {
  const ada = await users.create();
  expect((await findByEmail(db, ada.email))?.id).toBe(ada.id);
});
