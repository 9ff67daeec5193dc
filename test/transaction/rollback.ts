/**
 * Isolation "transaction": each test runs in a transaction rolled back after it. The same tests in
 * several files, on several workers: every test sees exactly its own rows, whatever ran before it
 * in its file (with per-file schemas alone, the second test would see the first one's rows).
 */
import { eq, sql } from 'drizzle-orm';
import { users } from '../../schema/index.js';
import { expect, test } from '../../src/example/vitest.js';
import { FactoryConstraintError } from '../../src/factory/constraint-error.js';

export function rollbackTests(): void {
  test('the first test creates rows and sees exactly them', async ({ db, users: factory }) => {
    await factory.createParents(5);
    await db.execute(sql`insert into users (role, email, clerk_id, first_name, last_name) values ('PARENT', 'raw@example.com', 'raw', 'Raw', 'Row')`);
    expect(await db.$count(users)).toBe(6);
  });

  test('the next test starts from an empty schema: the first one was rolled back', async ({ db, runtag }) => {
    expect(await db.$count(users)).toBe(0);
    // The file's own connection, outside the test's transaction, agrees: nothing was ever committed.
    expect(await runtag.testSchema.db.$count(users)).toBe(0);
  });

  test('db.transaction() inside a test is a savepoint: its rollback undoes only its own writes', async ({ db, users: factory }) => {
    const kept = await factory.createParent();
    await db
      .transaction(async (tx) => {
        await tx.update(users).set({ firstName: 'Changed' }).where(eq(users.id, kept.id));
        tx.rollback();
      })
      .catch(() => {});
    await db.transaction(async (tx) => {
      await tx.update(users).set({ lastName: 'Committed' }).where(eq(users.id, kept.id));
    });
    const [row] = await db.select().from(users).where(eq(users.id, kept.id));
    expect([row!.firstName, row!.lastName]).toEqual([kept.firstName, 'Committed']);
  });

  test('an expected constraint error does not abort the test: factories insert in savepoints', async ({ db, users: factory }) => {
    await factory.createParent({ email: 'twice@example.com' });
    await expect(factory.createParent({ email: 'twice@example.com' })).rejects.toBeInstanceOf(FactoryConstraintError);
    expect(await db.$count(users)).toBe(1);
  });

  test('concurrent creates in one test share its transaction', async ({ db, users: factory }) => {
    await Promise.all([factory.createParents(3), factory.createInstructors(2), factory.createParent()]);
    expect(await db.$count(users)).toBe(6);
  });

  test('a raw COMMIT through db commits nothing and is no error (it was reported as "committed on another connection")', async ({ db, users: factory }) => {
    await factory.createParent();
    // With no transaction of its own open, COMMIT only warns, as a server does; the test's transaction goes on.
    await db.execute(sql`commit`);
    await factory.createParent();
    expect(await db.$count(users)).toBe(2);
  });

  test('a failing statement of the test, caught, loses only itself: the test goes on writing', async ({ db, users: factory }) => {
    await factory.createParent();
    const error = await db.execute(sql`select 1 / 0`).then(
      () => undefined,
      (e: Error) => (e.cause ?? e) as Error,
    );
    expect(error?.message).toMatch(/division by zero/);
    await factory.createParent();
    expect(await db.$count(users)).toBe(2);
  });

  test('the next test sees none of the above: nothing was committed', async ({ db, runtag }) => {
    expect(await db.$count(users)).toBe(0);
    expect(await runtag.testSchema.db.$count(users)).toBe(0);
  });
}
