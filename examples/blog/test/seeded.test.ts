import { eq } from 'drizzle-orm';
import { organizations, users } from '../src/schema.js';
import { expect, test } from './blog-test.js';

// Per-file schemas start with the seed data; the shared schema is the app's, and runtag never writes it.
const perFile = process.env.RUNTAG_ISOLATION !== 'shared';

test(
  perFile ? 'every file starts with the seed data, and new ids come after the seeded ones' : 'the shared schema gets no seed data',
  async ({ db, users: userFactory }) => {
    const seeded = await db.select().from(organizations).where(eq(organizations.slug, 'acme-seed'));
    if (!perFile) {
      expect(seeded).toEqual([]);
      return;
    }
    expect(seeded).toHaveLength(1);
    expect(await db.$count(users)).toBe(3);
    const created = await userFactory.createList(2);
    for (const user of created) expect(user.id).toBeGreaterThan(50);
  },
);
