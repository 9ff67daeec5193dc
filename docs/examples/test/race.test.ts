// test/race.test.ts
import { race } from 'runtag/toolkit';
import { userFactory } from './factories.js';
import { expect, test } from './runtag.js';

test('one email, six sign-ups at the same moment: exactly one wins', async ({ runtag, tag }) => {
  const email = tag.email('racer');
  const result = await race(runtag, 6, ({ session }) => userFactory.withSession(session).create({ email }));
  const winner = result.singleWinner('users_email_uq'); // one won; every other attempt failed on that constraint
  expect(winner.email).toBe(email);
  expect(result.rejected.map((r) => r.sqlState)).toEqual(Array(5).fill('23505'));
});
