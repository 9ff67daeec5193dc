import { appStats, expect, test } from './fixtures.js';

// Everything here is the app's own doing, from sign-up to account deletion: nothing for runtag to
// clean up, and its leak check (the email carries the test's tag) fails the test if anything is left.
test('sign up, write a note, delete the account: the app leaves nothing', async ({ page, tag, runtag }) => {
  const email = tag.email('newcomer');
  await page.goto('/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill('New Comer');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await page.getByLabel('Title').fill('my first note');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByRole('status')).toHaveText('1 note');
  if (runtag.config.isolation !== 'shared') expect(await appStats(page)).toEqual({ users: 1, notes: 1, shares: 0 });

  await page.getByRole('button', { name: 'Delete my account' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  if (runtag.config.isolation !== 'shared') expect(await appStats(page)).toEqual({ users: 0, notes: 0, shares: 0 });
});

test('an email is signed up once', async ({ page, users }) => {
  const taken = await users.create();
  await page.goto('/signup');
  await page.getByLabel('Email').fill(taken.email);
  await page.getByLabel('Name').fill('Second');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('alert')).toHaveText(`Could not sign up: ${taken.email} is already signed up.`);
});
