/** driver 'pg' cannot join a test's transaction (runtag's own postgres.js connection): refused with what to do, not silently committed. */
import { expect } from 'vitest';
import * as schema from '../../schema/index.js';
import { createRuntagTest } from '../../src/vitest/runtag-test.js';

const test = createRuntagTest({ schema, driver: 'pg' });

test('the db fixture on node-postgres is refused in isolation "transaction", naming the isolations that work', async ({ runtag }) => {
  await expect(runtag.nodePgDbFor({ schema })).rejects.toMatchObject({
    code: 'PG_IN_TRANSACTION',
    message: expect.stringMatching(/driver 'pg' cannot run in isolation "transaction".*Use isolation "schema" or "shared"/),
  });
});

test.fails('a test that asks for it fails before it runs', async ({ db }) => {
  void db;
});
