// e2e/fixtures.ts: the app under test, one copy per worker, on the worker's database
import { startApp, type RunningApp } from '../src/server.js';
import { test as runtagTest } from './runtag.js';

export const test = runtagTest.extend<{}, { app: RunningApp }>({
  app: [
    async ({ db }, use) => {
      const app = await startApp({ db, port: 0 }); // a free port; the app reads and writes through `db`
      await use(app);
      await app.close();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ app }, use) => use(app.url), // page.goto('/…') reaches the worker's own app
});
export { expect } from './runtag.js';
