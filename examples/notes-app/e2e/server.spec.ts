import { expect, test } from './fixtures.js';

// Each worker has its own copy of the app, on its own database: the worker's schema and role in
// isolation "schema" (and "transaction", through the worker's sandbox), the shared schema in "shared".
test.describe.configure({ mode: 'parallel' });

for (const n of [1, 2, 3, 4]) {
  test(`the app this worker reaches runs on the worker's database (${n})`, async ({ page, appServer, runtag, baseURL }) => {
    expect(baseURL).toBe(appServer.baseURL);
    const me = await (await page.request.get('/api/whoami')).json();
    if (runtag.config.isolation !== 'shared') expect(me).toEqual({ user: runtag.testSchema.name, schema: runtag.testSchema.name });
    else expect(me.schema).toBe(runtag.config.sharedSchema);
    // The server's output is kept: this request is in it.
    await expect.poll(() => appServer.output.tail()).toMatch(/GET \/api\/whoami 200/);
  });
}
