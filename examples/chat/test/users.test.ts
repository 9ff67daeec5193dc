import { tagged } from 'runtag';
import { expect, test } from './chat-test.js';

// users.id is the auth provider's id: text, primary key, no default.
test('user ids come from sequence(): unique across files and runs, and a belongsTo takes them', async ({ users, sessions, tag }) => {
  const made = await users.createList(3);
  expect(new Set(made.map((u) => u.id)).size).toBe(3);
  for (const user of made) expect(user.id).toMatch(new RegExp(`^${tag.prefix}[0-9a-z]+-user$`));
  const session = await sessions.create({ userId: made[0]!.id });
  expect(session.userId).toBe(made[0]!.id);
  // A session's own user is made the same way.
  expect((await sessions.create()).userId).toMatch(/-user$/);
});

test('an exact id is stored as given (primary keys are never tagged); emails are tagged unless exact', async ({ users, tag }) => {
  const id = `auth0|${tag.next()}`;
  const user = await users.create({ id, email: tagged('ada@chat.test') });
  expect(user.id).toBe(id);
  expect(user.email).toMatch(new RegExp(`^${tag.prefix}[0-9a-z]+-ada@chat\\.test$`));
  expect((await users.create()).email.startsWith(tag.prefix)).toBe(true);
});
