import { appStats, expect, test } from './fixtures.js';

test('a signed-in user writes, pins, finds and deletes notes through the app', async ({ page, users, signIn, runtag }) => {
  const user = await users.create();
  await signIn(page, user.email);
  await expect(page.getByRole('status')).toHaveText('0 notes');

  for (const [title, body] of [
    ['Groceries', 'milk, eggs'],
    ['Trip to Lisbon', 'book the train'],
    ['Taxes', 'due in May'],
  ]) {
    await page.getByLabel('Title').fill(title!);
    await page.getByLabel('Text').fill(body!);
    await page.getByRole('button', { name: 'Add note' }).click();
  }
  await expect(page.getByRole('status')).toHaveText('3 notes');
  // Newest first; in isolation "transaction" all three have the test transaction's now(), and the title decides.
  const newestFirst = runtag.config.isolation === 'transaction' ? ['Groceries', 'Taxes', 'Trip to Lisbon'] : ['Taxes', 'Trip to Lisbon', 'Groceries'];
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(newestFirst);

  await page.getByRole('button', { name: 'Pin Groceries' }).click();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(['📌 Groceries', 'Taxes', 'Trip to Lisbon']);

  await page.getByLabel('Search').fill('lisbon');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(['Trip to Lisbon']);

  await page.goto('/');
  await page.getByRole('button', { name: 'Delete Taxes' }).click();
  await expect(page.getByRole('status')).toHaveText('2 notes');

  // In isolation "schema" the app's database is this worker's own, emptied after each test (in "transaction", rolled back): exactly this test's rows.
  if (runtag.config.isolation !== 'shared') expect(await appStats(page)).toEqual({ users: 1, notes: 2, shares: 0 });
});

test('a note the app refuses comes back with the reason, and nothing is written', async ({ page, users, notes, signIn }) => {
  const user = await users.create();
  await notes.create({ authorId: user.id, title: 'made by a factory' });
  await signIn(page, user.email);
  await page.getByLabel('Title').fill('x'.repeat(201));
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByRole('alert')).toHaveText('a title has at most 200 characters.');
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(['made by a factory']);
});
