import { eq } from 'drizzle-orm';
import { FactoryConstraintError } from 'runtag';
import { documents as documentsTable, files as filesTable } from '../../src/schema.js';
import { expect, test } from '../chat-test.js';
import { failure, usersOfThisFile } from '../count.js';

/**
 * Files: faker's base-locale helpers in the defaults (file names, mime types, emoji), text ids from
 * $defaultFn, a partial unique index, and the files ↔ documents cycle. Run by two files at once.
 */
export function filesScenario(copy: number) {
  test(`defaults draw on faker's base locale: file names, mime types, emoji (copy ${copy})`, async ({ files, users }) => {
    const made = await files.createList(10);
    for (const file of made) {
      expect(file.name).toMatch(/^\w+\.[a-z0-9]+$/);
      expect(file.fileType).toMatch(/^[a-z-]+\/[\w.+-]+$/);
    }
    const people = await users.createList(5);
    for (const user of people) expect(user.avatar).toMatch(/[^\x00-\x7f]/);
  });

  test(`ids come from $defaultFn, made per row in one multi-row insert (copy ${copy})`, async ({ files, documents }) => {
    const made = await files.createList(50);
    expect(new Set(made.map((f) => f.id)).size).toBe(50);
    for (const file of made) expect(file.id).toMatch(/^file_[0-9a-z]{12}$/);
    expect((await documents.create()).id).toMatch(/^docs_[0-9a-z]{12}$/);
  });

  test(`a live file's hash is unique per user (partial unique index); a deleted one may come back (copy ${copy})`, async ({ db, files, users, tag }) => {
    const user = await users.create();
    const first = await files.create({ userId: user.id, fileHash: 'cafe01' });
    const duplicate = await failure(files.create({ userId: user.id, fileHash: 'cafe01' }));
    expect(duplicate).toBeInstanceOf(FactoryConstraintError);
    expect(duplicate).toMatchObject({ constraint: 'files_user_hash_live_uq', sqlState: '23505' });

    await db.update(filesTable).set({ deletedAt: new Date() }).where(eq(filesTable.id, first.id));
    const again = await files.create({ userId: user.id, fileHash: 'cafe01' });
    expect(again.fileHash).toBe('cafe01');
    // A generated hash is a column of a unique index, partial or not: it carries the file's tag.
    expect((await files.create({ userId: user.id })).fileHash.startsWith(tag.prefix)).toBe(true);
  });

  test(`a file asks for its document: the document belongs to the same user, and so does the file it is parsed from (copy ${copy})`, async ({
    db,
    files,
    tag,
  }) => {
    const before = await usersOfThisFile(db, tag);
    const file = await files.create({}, { with: ['documentId'] });
    const [document] = await db.select().from(documentsTable).where(eq(documentsTable.id, file.documentId!));
    expect(document!.userId).toBe(file.userId);
    // The document's required file is made for it (the cycle stops at the optional side).
    const [source] = await db.select().from(filesTable).where(eq(filesTable.id, document!.fileId));
    expect(source).toMatchObject({ userId: file.userId, documentId: null });
    expect(await usersOfThisFile(db, tag)).toBe(before + 1);
    // Without { with }, the optional side stays NULL.
    expect((await files.create()).documentId).toBeNull();
  });
}
