import { eq } from 'drizzle-orm';
import { notes, noteShares, users as usersTable } from '../src/db/schema.js';
import { createNote, listNotes, shareNote } from '../src/services/notes.js';
import { deleteAccount, signUp } from '../src/services/users.js';
import { expect, expectTotals, test } from './notes-test.js';

test('deleting an account deletes its notes and every share of them, and nobody else’s', async ({ db, users, notes: noteFactory, tag }) => {
  const reader = await users.create();
  const other = await noteFactory.create({ authorId: reader.id, title: 'the reader’s own' });
  // The account is the app's (signed up through it); its notes and shares are the app's too.
  const leaving = await signUp({ email: tag.email('leaving'), name: 'Leaving' });
  const first = await createNote(leaving.id, { title: 'first' });
  await createNote(leaving.id, { title: 'second' });
  await shareNote(leaving.id, first.id, reader.email);
  expect((await listNotes(reader.id)).map((n) => n.title)).toEqual(['first', 'the reader’s own']);

  await deleteAccount(leaving.id);

  expect(await db.$count(usersTable, eq(usersTable.id, leaving.id))).toBe(0);
  expect(await db.$count(notes, eq(notes.authorId, leaving.id))).toBe(0);
  expect(await db.$count(noteShares, eq(noteShares.userId, reader.id))).toBe(0);
  expect((await listNotes(reader.id)).map((n) => n.id)).toEqual([other.id]);
});

test('deleting an account the reader shared with removes the share, not the note', async ({ users, notes: noteFactory, tag }) => {
  const author = await users.create();
  const note = await noteFactory.create({ authorId: author.id });
  const reader = await signUp({ email: tag.email('reader'), name: 'Reader' });
  await shareNote(author.id, note.id, reader.email);
  await deleteAccount(reader.id);
  expect((await listNotes(author.id)).map((n) => n.id)).toEqual([note.id]);
});

test("the file's database holds exactly what its factories made: 2 users, 2 notes", async ({ runtag }) => {
  await expectTotals(runtag.config.isolation, { users: 2, notes: 2, shares: 0 });
});
