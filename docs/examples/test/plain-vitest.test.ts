// test/plain-vitest.test.ts: a file that does not use runtag's `test`
import { expect, test } from 'vitest';
import { userFactory } from './factories.js';

test("factories given no session use the running test's", async () => {
  // Inside any test or hook of a file runtag's setup file opened, a factory needs no session.
  const user = await userFactory.create({ firstName: 'Linus' });
  expect(user.firstName).toBe('Linus');
});
