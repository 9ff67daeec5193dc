import { eq } from 'drizzle-orm';
import { FactoryConstraintError } from 'runtag';
import { filesToSessions, files as filesTable, messages as messagesTable, sessions as sessionsTable } from '../../src/schema.js';
import { expect, test } from '../chat-test.js';
import { failure, usersOfThisFile } from '../count.js';

/**
 * Every row carries user_id. A session's messages and files inherit the session's user (hasMany /
 * manyToMany with inherit), so making them makes no other user. Run by two files at once: same test
 * names, so the same faker seeds; only the run tags keep their values apart.
 */
export function sessionsScenario(copy: number) {
  test(`a session's messages belong to its user, and no other user is made (copy ${copy})`, async ({ db, sessions, tag }) => {
    const before = await usersOfThisFile(db, tag);
    const session = await sessions.create({}, { has: { messages: 3 } });
    const rows = await db.select().from(messagesTable).where(eq(messagesTable.sessionId, session.id));
    expect(rows.map((m) => m.userId)).toEqual([session.userId, session.userId, session.userId]);
    expect(await usersOfThisFile(db, tag)).toBe(before + 1);

    const many = await sessions.createList(4, {}, { has: { messages: 2 } });
    for (const parent of many) {
      const children = await db.select({ userId: messagesTable.userId }).from(messagesTable).where(eq(messagesTable.sessionId, parent.id));
      expect(children).toEqual([{ userId: parent.userId }, { userId: parent.userId }]);
    }
    expect(new Set(many.map((s) => s.userId)).size).toBe(4);
    expect(await usersOfThisFile(db, tag)).toBe(before + 5);
  });

  test(`a message made on its own gets a session of its own user (copy ${copy})`, async ({ db, messages, tag }) => {
    const before = await usersOfThisFile(db, tag);
    const message = await messages.create({}, { traits: ['assistant'] });
    const [session] = await db.select().from(sessionsTable).where(eq(sessionsTable.id, message.sessionId));
    expect(session!.userId).toBe(message.userId);
    expect(message).toMatchObject({ role: 'assistant', meta: { model: 'gpt-4o-mini', tokens: 42 } });
    expect(await usersOfThisFile(db, tag)).toBe(before + 1);
  });

  test(`a session's files and their join rows belong to its user (copy ${copy})`, async ({ db, sessions, tag }) => {
    const before = await usersOfThisFile(db, tag);
    const session = await sessions.create({}, { has: { files: 2, messages: 1 } });
    const joins = await db.select().from(filesToSessions).where(eq(filesToSessions.sessionId, session.id));
    expect(joins.map((j) => j.userId)).toEqual([session.userId, session.userId]);
    const its = await db
      .select({ userId: filesTable.userId })
      .from(filesTable)
      .innerJoin(filesToSessions, eq(filesToSessions.fileId, filesTable.id))
      .where(eq(filesToSessions.sessionId, session.id));
    expect(its).toEqual([{ userId: session.userId }, { userId: session.userId }]);
    expect(await usersOfThisFile(db, tag)).toBe(before + 1);
  });

  test(`a slug is unique per user (composite unique index), not across users (copy ${copy})`, async ({ sessions, users, tag }) => {
    const [ada, bob] = await users.createList(2);
    // Exact values are stored exactly; the pair (slug, user) is what must be unique.
    const inbox = await sessions.create({ userId: ada!.id, slug: 'inbox' });
    expect(inbox.slug).toBe('inbox');
    expect((await sessions.create({ userId: bob!.id, slug: 'inbox' })).slug).toBe('inbox');
    const again = await failure(sessions.create({ userId: ada!.id, slug: 'inbox' }));
    expect(again).toBeInstanceOf(FactoryConstraintError);
    expect(again).toMatchObject({ constraint: 'sessions_slug_user_id_uq', sqlState: '23505' });
    // A generated slug is a column of a unique index: it carries the file's tag, so the copies never collide.
    const generated = await sessions.create({ userId: ada!.id });
    expect(generated.slug.startsWith(tag.prefix)).toBe(true);
    expect(generated.id).toMatch(/^ssn_[0-9a-z]{12}$/);
  });
}
