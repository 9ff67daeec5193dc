import { count, eq } from 'drizzle-orm';
import { notes, users } from '../src/db/schema.js';
import { appStats, expect, test } from './fixtures.js';

// In order, in one worker: the second test looks for what the first wrote through the app.
test.describe('what a test writes through the pages is gone when the next test begins', () => {
  test.describe.configure({ mode: 'serial' });

  test('a note written through the pages', async ({ page, users: userRows, signIn, db, runtag }) => {
    const user = await userRows.create();
    await signIn(page, user.email);
    await page.getByLabel('Title').fill('written by the app');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect(page.getByRole('status')).toHaveText('1 note');
    // The app's row, as the worker's `db` sees it: in isolation "transaction" not committed, but in the test's transaction, which `db` is in too.
    const [row] = await db.select().from(notes).where(eq(notes.authorId, user.id));
    expect(row?.title).toBe('written by the app');
    if (runtag.config.isolation === 'transaction') {
      // now() is the test transaction's start, for the factory's row and the app's alike.
      expect(row!.createdAt.getTime()).toBe(user.createdAt.getTime());
    }
    if (runtag.config.isolation !== 'shared') expect(await appStats(page)).toEqual({ users: 1, notes: 1, shares: 0 });
  });

  test("the next test finds none of it, in the app's database or through db", async ({ page, db, runtag }) => {
    // In isolation "shared" the other worker's rows are there too; in "schema" the first test's session deleted its user
    // and the note hanging off it; in "transaction" nothing deleted anything: the first test's rollback took both.
    test.skip(runtag.config.isolation === 'shared', "the shared schema holds the other worker's rows too");
    expect(await appStats(page)).toEqual({ users: 0, notes: 0, shares: 0 });
    const [[u], [n]] = await Promise.all([db.select({ n: count() }).from(users), db.select({ n: count() }).from(notes)]);
    expect({ users: u!.n, notes: n!.n }).toEqual({ users: 0, notes: 0 });
  });
});

test('two pages at once, and requests in parallel: each statement waits its turn, none waits for a whole request', async ({
  browser,
  page,
  users: userRows,
  signIn,
  runtag,
}) => {
  const user = await userRows.create();
  const second = await browser.newContext();
  try {
    const other = await second.newPage();
    await Promise.all([signIn(page, user.email), signIn(other, user.email)]);
    // Both pages submit a note at the same moment, while the API is asked for its counts eight times over.
    const submit = async (on: typeof page, title: string) => {
      await on.getByLabel('Title').fill(title);
      await on.getByRole('button', { name: 'Add note' }).click();
    };
    const [, , ...counts] = await Promise.all([
      submit(page, 'from the first page'),
      submit(other, 'from the second page'),
      ...Array.from({ length: 8 }, (_, i) => (i % 2 ? page : other).request.get('/api/stats')),
    ]);
    for (const response of counts) expect(response.ok()).toBe(true);
    await page.goto('/');
    await expect(page.getByRole('status')).toHaveText('2 notes');
    // Which came first is up to the race (and in isolation "transaction" both have the test's now()).
    expect((await page.getByRole('heading', { level: 2 }).allTextContents()).sort()).toEqual(['from the first page', 'from the second page']);
    if (runtag.config.isolation !== 'shared') expect(await appStats(page)).toEqual({ users: 1, notes: 2, shares: 0 });
  } finally {
    await second.close();
  }
});
