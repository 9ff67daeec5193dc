import { expect, test } from '../../src/example/vitest.js';

// Every file hard-codes the same email: the run tag keeps them unique across workers.
test('a parent signs up with the email from the design mock-up', async ({ users }) => {
  const parent = await users.createParent({ email: 'jane.doe@example.com', firstName: 'Jane' });
  expect(parent.role).toBe('PARENT');
  expect(parent.email).toMatch(/-jane\.doe@example\.com$/);
});

test('two parents with the same mock-up email still get distinct accounts', async ({ users }) => {
  const [a, b] = await users.createParents(2, { email: 'jane.doe@example.com' });
  expect(a!.email).not.toBe(b!.email);
});
