import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';
import { createRuntagTest } from 'runtag/playwright';
import * as schema from '../src/db/schema.js';
import { notesFactories } from '../test/factories.js';

/**
 * The app as it runs in production: its own process (`npm run start`), one per worker, started by
 * runtag on the worker's database (DATABASE_URL) and a free port (PORT); `page.goto('/')` reaches
 * it through baseURL. What the app writes for a test hangs off the rows the test's factories made
 * (the signed-in user), so runtag deletes it with them: no test tracks the app's rows.
 */
export const test = createRuntagTest({
  schema,
  driver: 'pg',
  factories: notesFactories,
  // cwd: the app's directory, whichever config runs these tests (by default, the config file's).
  appServer: { command: 'npm run start', cwd: fileURLToPath(new URL('..', import.meta.url)), url: '/health' },
}).extend<{ signIn: (page: Page, email: string) => Promise<void> }>({
  signIn: async ({}, use) => {
    await use(async (page, email) => {
      await page.goto('/login');
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('heading', { name: 'Your notes' })).toBeVisible();
    });
  },
});

export { expect };

/** What the app counts in the database it was given (its /api/stats). */
export async function appStats(page: Page): Promise<{ users: number; notes: number; shares: number }> {
  const response = await page.request.get('/api/stats');
  expect(response.ok()).toBe(true);
  return response.json();
}
