import { tagged } from '../../src/factory/tagged.js';
import { expect, test } from '../../src/example/vitest.js';

// An exact email is stored as written; tagged() makes one unique across workers from the same base.
test('a parent signs up with the email from the design mock-up', async ({ users }) => {
  const parent = await users.createParent({ email: 'jane.doe@example.com', firstName: 'Jane' });
  expect(parent.role).toBe('PARENT');
  expect(parent.email).toBe('jane.doe@example.com');
});

test('two parents with the same mock-up email still get distinct accounts', async ({ users }) => {
  const [a, b] = await users.createParents(2, { email: tagged('jane.doe@example.com') });
  expect(a!.email).not.toBe(b!.email);
  expect(a!.email).toMatch(/-jane\.doe@example\.com$/);
});
