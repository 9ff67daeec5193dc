import { createNote, listNotes, NoteError } from '../src/services/notes.js';
import { expect, expectTotals, test } from './notes-test.js';

// The notes here are written by the app, for a user a factory made: they hang off that user, so
// runtag deletes them with it (in isolation "shared"; in "schema" the whole schema goes).
test('creates a note for its author, trimmed, unpinned', async ({ users }) => {
  const author = await users.create();
  const note = await createNote(author.id, { title: '  Groceries ', body: ' milk, eggs ' });
  expect(note).toMatchObject({ authorId: author.id, title: 'Groceries', body: 'milk, eggs', pinned: false });
  expect((await listNotes(author.id)).map((n) => n.id)).toEqual([note.id]);
});

test('a note needs a title of at most 200 characters', async ({ users }) => {
  const author = await users.create();
  await expect(createNote(author.id, { title: '   ' })).rejects.toThrow(new NoteError('a note needs a title'));
  await expect(createNote(author.id, { title: 'x'.repeat(201) })).rejects.toThrow(/at most 200/);
  expect(await createNote(author.id, { title: 'x'.repeat(200) })).toMatchObject({ title: 'x'.repeat(200) });
});

test('a note for a user who does not exist is refused by the foreign key', async () => {
  await expect(createNote('00000000-0000-4000-8000-000000000000', { title: 'orphan' })).rejects.toThrow();
});

test("the file's database holds exactly its 2 users and the app's 2 notes", async ({ runtag }) => {
  await expectTotals(runtag.config.isolation, { users: 2, notes: 2, shares: 0 });
});
