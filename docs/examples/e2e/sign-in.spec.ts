// e2e/sign-in.spec.ts
import { tagged } from 'runtag';
import { expect, test } from './fixtures.js';

test('a parent signs in', async ({ page, users }) => {
  // The workers share one schema (isolation "shared"): a value every worker writes must be tagged.
  const parent = await users.create({ email: tagged('parent@example.test') });
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(parent.email); // the stored, tagged email
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-user')).toHaveText(`${parent.firstName} ${parent.lastName}`);
});
