import { listNotes, NoteError, shareNote } from '../src/services/notes.js';
import { expect, expectTotals, test } from './notes-test.js';

// The shares are the app's rows, hanging off a factory's note and a factory's user: runtag deletes
// them with those, though no factory made them.
test('sharing a note by email shows it to the reader, once however often it is shared', async ({ users, notes }) => {
  const [author, reader] = await users.createList(2);
  const note = await notes.create({ authorId: author!.id, title: 'plans' });
  await shareNote(author!.id, note.id, reader!.email.toUpperCase());
  await shareNote(author!.id, note.id, reader!.email);
  expect((await listNotes(reader!.id)).map((n) => [n.title, n.sharedBy])).toEqual([['plans', author!.email]]);
});

test('a note is shared only by its author, only with someone signed up, never with the author', async ({ users, notes, tag }) => {
  const [author, reader] = await users.createList(2);
  const note = await notes.create({ authorId: author!.id });
  await expect(shareNote(reader!.id, note.id, author!.email)).rejects.toThrow(new NoteError('no such note of yours'));
  const nobody = tag.email('nobody');
  await expect(shareNote(author!.id, note.id, nobody)).rejects.toThrow(new NoteError(`nobody is signed up as ${nobody}`));
  await expect(shareNote(author!.id, note.id, author!.email)).rejects.toThrow(/cannot be shared with its author/);
});

test("the file's database holds exactly 4 users, 2 notes and the app's 1 share", async ({ runtag }) => {
  await expectTotals(runtag.config.isolation, { users: 4, notes: 2, shares: 1 });
});
