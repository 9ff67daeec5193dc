import { countUsers, deleteAccount, findUserByEmail, signUp, SignUpError } from '../src/services/users.js';
import { expect, expectTotals, test } from './notes-test.js';

// The app writes these users itself, so it removes them itself (deleteAccount): runtag deletes
// only what the factories made, and reports anything else the file leaves in the shared schema.
test('signs a user up with the email stored lower-cased, and finds them by it in any case', async ({ tag }) => {
  const email = tag.email('ada');
  const user = await signUp({ email: email.toUpperCase(), name: ' Ada Lovelace ' });
  try {
    expect(user).toMatchObject({ email, name: 'Ada Lovelace' });
    expect((await findUserByEmail(email.toUpperCase()))?.id).toBe(user.id);
  } finally {
    await deleteAccount(user.id);
  }
  expect(await findUserByEmail(email)).toBeUndefined();
});

test('an email is signed up once: the second sign-up is refused, naming it', async ({ users }) => {
  const taken = await users.create();
  await expect(signUp({ email: taken.email, name: 'Someone Else' })).rejects.toThrow(new SignUpError(`${taken.email} is already signed up`));
});

test('a sign-up without an email address or a name is refused', async ({ tag }) => {
  await expect(signUp({ email: 'not-an-email', name: 'X' })).rejects.toThrow(/is not an email address/);
  await expect(signUp({ email: tag.email('nameless'), name: '   ' })).rejects.toThrow(/a name is required/);
});

test("the file's database holds exactly the one user a factory made", async ({ runtag }) => {
  await expectTotals(runtag.config.isolation, { users: 1, notes: 0, shares: 0 });
  if (runtag.config.isolation === 'schema') expect(await countUsers()).toBe(1);
  if (runtag.config.isolation === 'transaction') expect(await countUsers()).toBe(0);
});
