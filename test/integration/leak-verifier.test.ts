import { eq } from 'drizzle-orm';
import { describe, inject } from 'vitest';
import { bookings, children, users } from '../../schema/index.js';
import { connect } from '../../src/db/connect.js';
import { LeakVerifier } from '../../src/leaks/verifier.js';
import { createRunId } from '../../src/run/run-id.js';
import { Tagger } from '../../src/run/tag.js';
import { expect, test } from '../../src/example/vitest.js';

function verifier() {
  const sql = connect(inject('runtag').databaseUrl, { max: 1 });
  return { v: new LeakVerifier(sql, inject('runtag').runKey), end: () => sql.end() };
}

describe('LeakVerifier', () => {
  test('reports untracked tagged rows of this scope, with keys, and rows reached through foreign keys', async ({ db, tag, bookings: factory, runtag }) => {
    const tracked = await factory.createBookingScenario();
    // Inserted behind the factories' back: nobody will clean these.
    const [stray] = await db
      .insert(users)
      .values({ role: 'PARENT', email: tag.email('stray'), clerkId: tag.next(), firstName: 'S', lastName: 'T' })
      .returning();
    const [kid] = await db.insert(children).values({ parentId: stray!.id, name: 'k', birthDate: '2018-01-01' }).returning();
    const { v, end } = verifier();
    try {
      const schema = runtag.testSchema.name;
      const leaks = await v.findRows(schema, runtag.session.tag.scope);
      const byTable = Object.fromEntries(leaks.map((l) => [l.table, l]));
      // Tracked rows are found too (they still exist): 3 users = tracked parent + instructor + stray.
      expect(byTable.users).toMatchObject({ count: 3, scopes: [runtag.session.tag.scope] });
      expect(byTable.children!.count).toBe(2);
      expect(byTable.children!.sampleKeys).toContainEqual({ id: kid!.id });
      expect(byTable.bookings!.count).toBe(1);

      await factory.cleanup();
      const after = await v.findRows(schema, runtag.session.tag.scope);
      expect(after.map((l) => [l.table, l.count])).toEqual([
        ['children', 1],
        ['users', 1],
      ]);
      expect(after.find((l) => l.table === 'users')!.sampleKeys).toEqual([{ id: stray!.id }]);
      expect(await v.deleteRows(schema, runtag.session.tag.scope)).toEqual({ deleted: 2, kept: [] });
      expect(await v.findRows(schema, runtag.session.tag.scope)).toEqual([]);
      expect(tracked.booking.id).toBeTruthy();
    } finally {
      await end();
    }
  });

  test('never reports or deletes rows of another run, or of another scope of this run', async ({ db, runtag }) => {
    const otherRun = new Tagger(createRunId(), 'zzzzzz');
    const otherScope = new Tagger(inject('runtag').runKey, 'yyyyyy');
    for (const t of [otherRun, otherScope]) {
      await db.insert(users).values({ role: 'ADMIN', email: t.email('x'), clerkId: t.next(), firstName: 'O', lastName: 'R' });
    }
    const { v, end } = verifier();
    try {
      const schema = runtag.testSchema.name;
      expect(await v.findRows(schema, runtag.session.tag.scope)).toEqual([]);
      expect(await v.deleteRows(schema, runtag.session.tag.scope)).toEqual({ deleted: 0, kept: [] });
      const ofRun = await v.findRows(schema);
      expect(ofRun).toEqual([expect.objectContaining({ table: 'users', count: 1, scopes: ['yyyyyy'] })]);
      expect(await db.select().from(users)).toHaveLength(2);
    } finally {
      await db.delete(users);
      await end();
    }
  });

  test('uses the index: the tag predicate is a prefix scan', async ({ db, runtag }) => {
    const { v, end } = verifier();
    try {
      const plan = await runtag.testSchema.sql.unsafe(`set enable_seqscan = off; explain select * from users where email like '${v.prefix('abc')}%'`).simple();
      const text = JSON.stringify(plan);
      expect(text).toMatch(/Index (Only )?Scan using users_email_uq|Bitmap Index Scan on users_email_uq/);
      expect(await db.select().from(bookings).where(eq(bookings.status, 'PENDING'))).toEqual([]);
    } finally {
      await end();
    }
  });
});
