import { deleteNote, listNotes, NoteError, setPinned, shareNote } from '../src/services/notes.js';
import { expect, expectTotals, test } from './notes-test.js';

test('only the author pins a note', async ({ users, notes }) => {
  const [author, stranger] = await users.createList(2);
  const note = await notes.create({ authorId: author!.id });
  await expect(setPinned(stranger!.id, note.id, true)).rejects.toThrow(new NoteError('no such note of yours'));
  await setPinned(author!.id, note.id, true);
  expect((await listNotes(author!.id))[0]).toMatchObject({ id: note.id, pinned: true });
});

test('deleting a shared note deletes its shares with it; only the author may', async ({ users, notes }) => {
  const [author, reader] = await users.createList(2);
  const note = await notes.create({ authorId: author!.id });
  const kept = await notes.create({ authorId: author!.id });
  await shareNote(author!.id, note.id, reader!.email);
  await expect(deleteNote(reader!.id, note.id)).rejects.toThrow(/no such note of yours/);
  await deleteNote(author!.id, note.id);
  expect(await listNotes(reader!.id)).toEqual([]);
  expect((await listNotes(author!.id)).map((n) => n.id)).toEqual([kept.id]);
});

test("the file's database holds exactly 4 users and the 2 notes left", async ({ runtag }) => {
  await expectTotals(runtag.config.isolation, { users: 4, notes: 2, shares: 0 });
});
