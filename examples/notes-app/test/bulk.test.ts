import { eq } from 'drizzle-orm';
import { users } from '../src/db/schema.js';
import { listNotes } from '../src/services/notes.js';
import { expect, expectTotals, test } from './notes-test.js';

test('fifty notes made in one statement are all listed for their author', async ({ users, notes }) => {
  const author = await users.create();
  const made = await notes.createList(50, { authorId: author.id });
  const listed = await listNotes(author.id);
  expect(listed).toHaveLength(50);
  expect(new Set(listed.map((n) => n.id))).toEqual(new Set(made.map((n) => n.id)));
});

test('a note made on its own brings its author', async ({ notes, db }) => {
  const note = await notes.create();
  expect((await listNotes(note.authorId)).map((n) => n.id)).toEqual([note.id]);
  // The author by its id: in isolation "shared" other files add and delete users meanwhile, so a difference of two counts is not exact.
  expect(await db.$count(users, eq(users.id, note.authorId))).toBe(1);
});

test("the file's database holds exactly 2 users and 51 notes", async ({ runtag }) => {
  await expectTotals(runtag.config.isolation, { users: 2, notes: 51, shares: 0 });
});
