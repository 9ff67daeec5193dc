import { eq } from 'drizzle-orm';
import { expectQueries, race } from 'runtag/toolkit';
import * as schema from '../src/schema.js';
import { files as filesTable, sessions as sessionsTable } from '../src/schema.js';
import { expect, test } from './chat-test.js';
import { fileFactory } from './factories.js';

test('six uploads of one file for one user at the same moment: exactly one is stored', async ({ db, users, runtag }) => {
  // A race runs on connections of its own, which a test's rolled-back transaction keeps out: runtag says so.
  if (runtag.config.isolation === 'transaction') {
    await expect(race(runtag, 2, async () => 1)).rejects.toThrow(/isolation "transaction"/);
    return;
  }
  const user = await users.create();
  const result = await race(runtag, 6, ({ session }) => fileFactory.withSession(session).create({ userId: user.id, fileHash: 'same-content' }), { schema });

  const winner = result.singleWinner('files_user_hash_live_uq');
  expect(result.rejected).toHaveLength(5);
  expect(await db.select({ id: filesTable.id }).from(filesTable).where(eq(filesTable.userId, user.id))).toEqual([{ id: winner.id }]);
});

test("a user's sessions load with their messages in one statement", async ({ db, sessions, users, runtag }) => {
  const user = await users.create();
  await sessions.createList(3, { userId: user.id }, { has: { messages: 2 } });
  const loaded = await expectQueries(runtag, () => db.query.sessions.findMany({ where: eq(sessionsTable.userId, user.id), with: { messages: true } })).toBe(1);
  expect(loaded.map((s) => s.messages.length)).toEqual([2, 2, 2]);
  expect(loaded.flatMap((s) => s.messages.map((m) => m.userId))).toEqual(Array(6).fill(user.id));
});
