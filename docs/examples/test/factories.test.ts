// test/factories.test.ts
import { FactoryValueError, tagged } from 'runtag';
import { expect, test } from './runtag.js';
import { bookingFactory, familyFactory, instructorFactory } from './booking-factories.js';

test('exact values, tagged values', async ({ users, tag }) => {
  const ada = await users.create({ email: 'ada@example.test' });
  expect(ada.email).toBe('ada@example.test'); // what the test writes is what is stored
  const generated = await users.create();
  expect(generated.email.startsWith(tag.prefix)).toBe(true); // "<run key>-<scope>-<n>-…": generated, so tagged
  const shared = await users.create({ email: tagged('ada@example.test') });
  expect(shared.email).toMatch(/^[0-9a-z]{7}-[0-9a-z]+-[0-9a-z]+-ada@example\.test$/);
});

test('traits, transient parameters, associations', async () => {
  // Inside a test, factories need no session: they use the test's.
  const senior = await instructorFactory.create({}, { transient: { senior: true } });
  expect(senior.hourlyRate).toBe('90.00');

  const booking = await bookingFactory.create({}, { traits: ['cancelled'] });
  expect(booking.status).toBe('CANCELLED'); // and a parent, a child of that parent and an instructor were made

  const families = await familyFactory.createList(3, {}, { has: { children: 1 } }); // 3 users, 3 children: 2 INSERTs
  expect(families).toHaveLength(3);
});

test('bad input fails before the database, naming what to fix', async ({ users }) => {
  // @ts-expect-error an override of the wrong type does not compile either
  await expect(users.create({ firstName: 12345 })).rejects.toThrow(FactoryValueError);
  await expect(users.create({ firstName: 'x'.repeat(101) })).rejects.toThrow(/holds at most 100 characters/);
});
