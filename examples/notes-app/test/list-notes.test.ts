import { createNote, listNotes, setPinned } from '../src/services/notes.js';
import { expect, expectTotals, test } from './notes-test.js';

test('lists pinned notes first, then the newest first', async ({ users, runtag }) => {
  const author = await users.create();
  // One statement each, so created_at differs (now() is a statement's transaction start).
  const old = await createNote(author.id, { title: 'old' });
  const middle = await createNote(author.id, { title: 'middle' });
  const recent = await createNote(author.id, { title: 'recent' });
  if (runtag.config.isolation === 'transaction') {
    // Except in isolation "transaction": every statement of a test runs in the test's one transaction, so now()
    // (created_at's default) is the test's start for all three, and "newest first" cannot order them. runtag's
    // docs say so (docs/isolation.md); such a test belongs in isolation "schema", or gives its rows their times.
    expect(new Set([old, middle, recent].map((n) => n.createdAt.getTime())).size).toBe(1);
    await setPinned(author.id, old.id, true);
    expect((await listNotes(author.id))[0]!.title).toBe('old');
    return;
  }
  await setPinned(author.id, old.id, true);
  expect((await listNotes(author.id)).map((n) => n.title)).toEqual(['old', 'recent', 'middle']);
  await setPinned(author.id, old.id, false);
  expect((await listNotes(author.id)).map((n) => n.id)).toEqual([recent.id, middle.id, old.id]);
});

test("a reader sees their own notes and the ones shared with them, never another user's", async ({ users, notes, shares }) => {
  const [reader, author] = await users.createList(2);
  const mine = await notes.create({ authorId: reader!.id, title: 'mine' });
  const shared = await notes.create({ authorId: author!.id, title: 'shared with me' });
  await notes.create({ authorId: author!.id, title: 'not for me' });
  await shares.create({ noteId: shared.id, userId: reader!.id });
  const listed = await listNotes(reader!.id);
  expect(listed.map((n) => n.id).sort()).toEqual([mine.id, shared.id].sort());
  expect(listed.find((n) => n.id === shared.id)?.sharedBy).toBe(author!.email);
  expect(listed.find((n) => n.id === mine.id)?.sharedBy).toBeUndefined();
});

test("the file's database holds exactly 3 users, 6 notes and 1 share", async ({ runtag }) => {
  await expectTotals(runtag.config.isolation, { users: 3, notes: 6, shares: 1 });
});
