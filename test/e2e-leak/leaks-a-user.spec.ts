import { users } from '../../schema/index.js';
import { expect, test } from '../../src/example/playwright.js';

test('inserts a tagged user that no factory tracks', async ({ db, runtag }) => {
  // Tagged like a factory row, so runtag can find it, but invisible to the per-test cleanup.
  const [row] = await db
    .insert(users)
    .values({
      role: 'PARENT',
      email: runtag.session.tag.email('leak'),
      clerkId: runtag.session.tag.value('clerk_leak', 64),
      firstName: 'Leaky',
      lastName: 'Row',
    })
    .returning();
  expect(row!.email.startsWith(runtag.session.tag.prefix)).toBe(true);
});
