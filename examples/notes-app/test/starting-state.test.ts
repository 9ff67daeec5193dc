import { afterAll, beforeAll } from 'vitest';
import { createNote, listNotes } from '../src/services/notes.js';
import { deleteAccount, signUp } from '../src/services/users.js';
import { expect, test } from './notes-test.js';

// The file's starting state, written by the app's own services (its module-level db) outside any test.
let author: { id: string };
beforeAll(async () => {
  // Unique per file run: in isolation "shared" other runs may use the same schema.
  author = await signUp({ email: `starting-state-${process.pid}-${Date.now()}@example.com`, name: 'Starting State' });
  await createNote(author.id, { title: 'from beforeAll' });
});

// The app signed this user up itself, so the app deletes it (runtag deletes only what its factories made).
afterAll(() => deleteAccount(author.id));

test('a test adds two notes through the app and sees three', async () => {
  await createNote(author.id, { title: 'first' });
  await createNote(author.id, { title: 'second' });
  expect(await listNotes(author.id)).toHaveLength(3);
});

test("the next test sees beforeAll's note, and the first test's only where nothing rolls tests back", async ({ runtag }) => {
  const titles = (await listNotes(author.id)).map((n) => n.title).sort();
  // Isolation "transaction": every test starts from what beforeAll committed, the app's own writes rolled back with each test.
  if (runtag.config.isolation === 'transaction') expect(titles).toEqual(['from beforeAll']);
  else expect(titles).toEqual(['first', 'from beforeAll', 'second']);
});
