import { and, eq, inArray } from 'drizzle-orm';
import { documents as documentsTable, files as filesTable } from '../src/schema.js';
import { expect, test } from './chat-test.js';
import { usersOfThisFile } from './count.js';

// Files and documents refer to each other. Here the rows do too: each file points at the document
// parsed from it. Whatever the mode, the file's cleanup must break that cycle (runtag sets the
// nullable side to NULL first in the shared schema), and the run must end with nothing left.
test('documents and their files pointing at each other, row by row', async ({ db, documents, users, tag }) => {
  const before = await usersOfThisFile(db, tag);
  const user = await users.create();
  const docs = await documents.createList(5, { userId: user.id });
  const fileIds = docs.map((d) => d.fileId);
  // Only this test's files: in the shared schema other files' rows are there too.
  await db
    .update(filesTable)
    .set({ documentId: documentsTable.id })
    .from(documentsTable)
    .where(and(eq(documentsTable.fileId, filesTable.id), inArray(filesTable.id, fileIds)));

  const linked = await db.select().from(filesTable).where(inArray(filesTable.id, fileIds));
  expect(linked).toHaveLength(5);
  for (const file of linked) {
    expect(file.userId).toBe(user.id);
    expect(docs.find((d) => d.id === file.documentId)!.fileId).toBe(file.id);
  }
  expect(await usersOfThisFile(db, tag)).toBe(before + 1);
});

test('a document made on its own brings its file, for the same user', async ({ db, documents, tag }) => {
  const before = await usersOfThisFile(db, tag);
  const doc = await documents.create();
  const [file] = await db.select().from(filesTable).where(eq(filesTable.id, doc.fileId));
  expect(file!.userId).toBe(doc.userId);
  expect(await usersOfThisFile(db, tag)).toBe(before + 1);
});
