import { eq } from 'drizzle-orm';
import { FactoryValueError } from 'runtag';
import { files as filesTable } from '../src/schema.js';
import { expect, test } from './chat-test.js';
import { failure, usersOfThisFile } from './count.js';

test('a value the column cannot hold fails before the database, naming factory, column, value and what to do', async ({ db, files, messages, users, tag }) => {
  const user = await users.create();
  // @ts-expect-error: size is an integer column
  const text = await failure(files.create({ userId: user.id, size: 'big' }));
  expect(text).toBeInstanceOf(FactoryValueError);
  expect(text).toMatchObject({ factory: 'filesFactory', table: 'files', column: 'size', value: 'big' });
  expect(text!.message).toMatch(
    /^runtag: filesFactory: column "files\.size" holds an integer from -2147483648 to 2147483647, but the override gives string "big"\./,
  );

  const huge = await failure(files.create({ userId: user.id, size: 2 ** 40 }));
  expect(huge).toBeInstanceOf(FactoryValueError);
  expect(huge!.message).toMatch(/column "files\.size" holds an integer .* but the override gives number 1099511627776/);

  const long = await failure(files.create({ userId: user.id, fileType: `application/${'x'.repeat(300)}` }));
  expect(long!.message).toMatch(/column "files\.file_type" holds at most 255 characters, but the override gives 312/);

  const before = await usersOfThisFile(db, tag);
  // @ts-expect-error: not one of message_role's values
  const role = await failure(messages.create({ role: 'robot' }));
  expect(role).toBeInstanceOf(FactoryValueError);
  expect(role!.message).toMatch(
    /column "messages\.role" holds one of message_role's values \(user, assistant, system, tool\), but the override gives string "robot"/,
  );

  // Nothing was inserted: no file for the user, and no user or session for the refused message.
  expect(await db.$count(filesTable, eq(filesTable.userId, user.id))).toBe(0);
  expect(await usersOfThisFile(db, tag)).toBe(before);
});

test('an override key that is no column does not compile, and fails at run time naming the columns', async ({ files, sessions }) => {
  // @ts-expect-error: files has no column "nosuch"
  const error = await failure(files.create({ nosuch: 1 }));
  expect(error!.message).toBe(
    'runtag: filesFactory: the override names "nosuch", which is not a column of "files". Columns: id, userId, documentId, name, fileType, size, fileHash, deletedAt. ' +
      "Transient params: large. Check the spelling, or declare it in the factory's transient params if it steers building.",
  );
  // @ts-expect-error: the SQL name instead of the property key
  expect((await failure(files.create({ file_hash: 'x' })))!.message).toContain('"file_hash" is the SQL name of column fileHash: write fileHash.');
  // @ts-expect-error: a has association belongs in the options
  expect((await failure(sessions.create({ messages: 3 })))!.message).toContain('ask for it in the options, create({}, { has: { messages: 3 } })');
  // A transient param may come with the overrides, and steers building.
  expect((await files.create({ large: true })).size).toBe(50_000_000);
});
