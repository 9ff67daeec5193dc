import { FactoryValueError } from 'runtag';
import { expect, test } from './runtag.js';

// Value checks read drizzle 1.0's columns as they read 0.x's: arrays (1.0: dimensions), dates ('object date'), uuids ('string uuid').
test('a wrong value names the column, what it holds and what to pass', async ({ projects }) => {
  // @ts-expect-error scores is an integer[]: a number alone does not compile
  const notAnArray = projects.create({ scores: 3 });
  await expect(notAnArray).rejects.toThrow(/column "projects\.scores" holds an array of integer .* Pass an array/);
  // @ts-expect-error an element of scores is an integer, not a string
  const badElement = projects.create({ scores: [1, 'two'] });
  await expect(badElement).rejects.toThrow(/element 2 is string "two"/);
  await expect(projects.create({ dueOn: '2030-02-30' })).rejects.toThrow(/column "projects\.due_on" holds a date/);
  await expect(projects.create({ organizationId: 'not-a-uuid' })).rejects.toBeInstanceOf(FactoryValueError);
});

test('a Date where the column is read as a Date is checked too', async ({ organizations }) => {
  await expect(organizations.create({ foundedOn: new Date('nope') })).rejects.toThrow(/founded_on.*invalid Date/);
  // @ts-expect-error foundedOn is a Date (mode 'date'), not a string
  const text = organizations.create({ foundedOn: '2030-01-01' });
  await expect(text).rejects.toThrow(/Pass a Date/);
});
