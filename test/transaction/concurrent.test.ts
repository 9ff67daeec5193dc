/**
 * test.concurrent with isolation "transaction": tests of one file that run at the same time each
 * get a transaction of their own (a connection reserved from the file's pool), and factories used
 * with no session find the running test's, not whichever test last reached a hook. Before the
 * scope was kept per test, B's beforeEach replaced A's transaction and A's rows vanished.
 */
import { users } from '../../schema/index.js';
import { TestUserFactory } from '../../src/domain/test-user-factory.js';
import { expect, test } from '../../src/example/vitest.js';

/** Both tests are inside their transactions before either writes or ends: they truly overlap. */
const TESTS = 2;
let arrived = 0;
let allArrived!: () => void;
const barrier = new Promise<void>((resolve) => (allArrived = resolve));
async function meetTheOthers(): Promise<void> {
  if (++arrived === TESTS) allArrived();
  await barrier;
}

test.concurrent('A creates 3 users and sees exactly its 3, while B runs', async ({ db }) => {
  await meetTheOthers();
  // No session given: the ambient one of this test (its transaction), not B's.
  await new TestUserFactory().createParents(3);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await db.$count(users)).toBe(3);
});

test.concurrent('B creates 5 users and sees exactly its 5, while A runs', async ({ db, users: factory }) => {
  await meetTheOthers();
  await factory.createParents(5);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await db.$count(users)).toBe(5);
});

test('after both, the schema holds none of their rows: each was rolled back on its own', async ({ runtag }) => {
  expect(await runtag.testSchema.db.$count(users)).toBe(0);
});
