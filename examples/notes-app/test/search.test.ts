import { listNotes } from '../src/services/notes.js';
import { expect, expectTotals, test } from './notes-test.js';

test('search finds notes by title or text, in any case', async ({ users, notes }) => {
  const author = await users.create();
  await notes.create({ authorId: author.id, title: 'Trip to Lisbon', body: 'book the train' });
  await notes.create({ authorId: author.id, title: 'Groceries', body: 'Lisbon sardines' });
  await notes.create({ authorId: author.id, title: 'Taxes', body: 'due in May' });
  expect((await listNotes(author.id, 'lisbon')).map((n) => n.title).sort()).toEqual(['Groceries', 'Trip to Lisbon']);
  expect((await listNotes(author.id, 'TAX')).map((n) => n.title)).toEqual(['Taxes']);
  expect(await listNotes(author.id, 'nothing like it')).toEqual([]);
});

test('% and _ in a search are literal characters, not patterns', async ({ users, notes }) => {
  const author = await users.create();
  await notes.create({ authorId: author.id, title: '100% done' });
  await notes.create({ authorId: author.id, title: '1000 done' });
  await notes.create({ authorId: author.id, title: 'snake_case' });
  await notes.create({ authorId: author.id, title: 'snakeXcase' });
  expect((await listNotes(author.id, '0%')).map((n) => n.title)).toEqual(['100% done']);
  expect((await listNotes(author.id, 'e_c')).map((n) => n.title)).toEqual(['snake_case']);
});

test('search sees only what the reader may see', async ({ users, notes }) => {
  const [reader, other] = await users.createList(2);
  await notes.create({ authorId: other!.id, title: 'secret Lisbon plans' });
  expect(await listNotes(reader!.id, 'lisbon')).toEqual([]);
});

test("the file's database holds exactly 4 users and 8 notes", async ({ runtag }) => {
  await expectTotals(runtag.config.isolation, { users: 4, notes: 8, shares: 0 });
});
