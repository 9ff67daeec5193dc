import { asc, eq } from 'drizzle-orm';
import { instructorProfiles, users } from '../../schema/index.js';
import { expect, test } from '../../src/example/vitest.js';

test('instructors are listed with their hourly rate, cheapest first', async ({ users: factory, db }) => {
  await factory.createInstructor({}, { hourlyRate: '45.00' });
  await factory.createInstructor({}, { hourlyRate: '30.00' });
  await factory.createParent();
  const listed = await db
    .select({ name: users.firstName, rate: instructorProfiles.hourlyRate })
    .from(users)
    .innerJoin(instructorProfiles, eq(instructorProfiles.userId, users.id))
    .orderBy(asc(instructorProfiles.hourlyRate));
  expect(listed.map((i) => i.rate)).toEqual(['30.00', '45.00']);
});
