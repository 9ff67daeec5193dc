import { eq } from 'drizzle-orm';
import { users } from '../../schema/index.js';
import { expect, test } from '../../src/example/vitest.js';
import { holdLock, terminateConnections } from '../../src/toolkit/chaos.js';
import { race } from '../../src/toolkit/race.js';

// Isolation "transaction": the test's rows live in a transaction no other connection can see.
test('race refuses isolation "transaction" and says which isolation to use', async ({ runtag }) => {
  await expect(race(runtag, 2, async () => 1)).rejects.toThrow(/isolation "transaction".*Use isolation\s+"schema" \(the default\) or "shared"/s);
});

test("terminateConnections refuses to end the test's own transaction", async ({ runtag }) => {
  await expect(terminateConnections(runtag)).rejects.toThrow(/would end the test's own transaction/);
});

test("a row lock cannot see the test's uncommitted rows: holdLock says to lock the table instead", async ({ users: factory, runtag }) => {
  const user = await factory.createParent();
  await expect(holdLock(runtag, { table: users, rows: eq(users.id, user.id) }, async () => 1)).rejects.toThrow(
    /uncommitted, invisible to the lock's own connection: lock the table instead/,
  );
});
