import { appStats, expect, test } from './fixtures.js';

test('a note shared by email shows up for the reader, marked as shared', async ({ browser, page, users, notes, signIn, runtag }) => {
  const [author, reader] = await users.createList(2);
  await notes.create({ authorId: author!.id, title: 'Plans for May' });
  await signIn(page, author!.email);
  await page.getByLabel('Share Plans for May with').fill(reader!.email);
  await page.getByRole('button', { name: 'Share' }).click();

  // The reader, in a browser context of their own.
  const readerContext = await browser.newContext();
  try {
    const readerPage = await readerContext.newPage();
    await signIn(readerPage, reader!.email);
    await expect(readerPage.getByRole('heading', { level: 2 })).toHaveText(['Plans for May']);
    await expect(readerPage.getByText(`Shared by ${author!.email}`)).toBeVisible();
    // The reader cannot delete it: the button is the author's only.
    await expect(readerPage.getByRole('button', { name: 'Delete Plans for May' })).toHaveCount(0);
  } finally {
    await readerContext.close();
  }
  // The share is the app's row, hanging off the author's note and the reader: runtag deletes it with them.
  if (runtag.config.isolation !== 'shared') expect(await appStats(page)).toEqual({ users: 2, notes: 1, shares: 1 });
});

test('signing in with an email nobody signed up with is refused', async ({ page, tag }) => {
  const email = tag.email('nobody');
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText(`No account for ${email}.`);
});
