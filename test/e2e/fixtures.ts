import type { Page } from '@playwright/test';
import { inArray } from 'drizzle-orm';
import { bookings, type User } from '../../schema/index.js';
import { test as runtagTest } from '../../src/example/playwright.js';
import { startApp, type RunningApp } from './app/server.js';
import { signInThroughForm } from './flows.js';

export interface AppFixtures {
  /**
   * Sign `user` in through the form. Bookings that user makes through the app are deleted after
   * the test, with the rows the factories created.
   */
  signIn: (page: Page, user: User) => Promise<void>;
}

/**
 * How an app plugs into runtag: one copy per worker on a free port, reading and writing through
 * the worker's `db` (its schema, or the shared one); `page.goto('/…')` reaches it through baseURL.
 */
export const test = runtagTest.extend<AppFixtures, { app: RunningApp }>({
  app: [
    async ({ db }, use) => {
      const app = await startApp({ db, port: 0 });
      await use(app);
      await app.close();
    },
    { scope: 'worker' },
  ],

  baseURL: async ({ app }, use) => use(app.url),

  signIn: async ({ db, session }, use) => {
    const signedIn: User[] = [];
    await use(async (page, user) => {
      signedIn.push(user);
      await signInThroughForm(page, user);
    });
    // The app wrote these rows, not a factory: hand them to the test's session, which deletes
    // them before the users they reference.
    if (signedIn.length > 0) {
      const made = await db
        .select()
        .from(bookings)
        .where(
          inArray(
            bookings.parentId,
            signedIn.map((u) => u.id),
          ),
        );
      session.tracker.track(bookings, made);
    }
  },
});

export { expect } from '../../src/example/playwright.js';
