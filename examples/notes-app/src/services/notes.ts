import { and, count, desc, eq, exists, ilike, or } from 'drizzle-orm';
import { db } from '../db/index.js';
import { notes, noteShares, users, type Note } from '../db/schema.js';

export class NoteError extends Error {}

export interface ListedNote extends Note {
  /** The author's email when the note was shared with the reader; undefined for the reader's own. */
  sharedBy: string | undefined;
}

export async function createNote(authorId: string, input: { title: string; body?: string }): Promise<Note> {
  const title = input.title.trim();
  if (title === '') throw new NoteError('a note needs a title');
  if (title.length > 200) throw new NoteError('a title has at most 200 characters');
  const [note] = await db
    .insert(notes)
    .values({ authorId, title, body: input.body?.trim() ?? '' })
    .returning();
  return note!;
}

/** What the reader may see: their own notes and the notes shared with them. */
function visibleTo(userId: string) {
  return or(
    eq(notes.authorId, userId),
    exists(
      db
        .select()
        .from(noteShares)
        .where(and(eq(noteShares.noteId, notes.id), eq(noteShares.userId, userId))),
    ),
  );
}

/**
 * The reader's notes, pinned first, then newest first; `query` filters by title or body.
 * Ties on created_at (rows written in one transaction share now()) fall back to the title.
 */
export async function listNotes(userId: string, query?: string): Promise<ListedNote[]> {
  const text = query?.trim();
  const match = text ? or(ilike(notes.title, `%${escapeLike(text)}%`), ilike(notes.body, `%${escapeLike(text)}%`)) : undefined;
  const rows = await db
    .select({ note: notes, author: users.email })
    .from(notes)
    .innerJoin(users, eq(users.id, notes.authorId))
    .where(and(visibleTo(userId), match))
    .orderBy(desc(notes.pinned), desc(notes.createdAt), notes.title);
  return rows.map(({ note, author }) => ({ ...note, sharedBy: note.authorId === userId ? undefined : author }));
}

export async function setPinned(userId: string, noteId: string, pinned: boolean): Promise<void> {
  const changed = await db
    .update(notes)
    .set({ pinned })
    .where(and(eq(notes.id, noteId), eq(notes.authorId, userId)))
    .returning({ id: notes.id });
  if (changed.length === 0) throw new NoteError('no such note of yours');
}

export async function deleteNote(userId: string, noteId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [note] = await tx
      .select({ id: notes.id })
      .from(notes)
      .where(and(eq(notes.id, noteId), eq(notes.authorId, userId)))
      .for('update');
    if (!note) throw new NoteError('no such note of yours');
    await tx.delete(noteShares).where(eq(noteShares.noteId, noteId));
    await tx.delete(notes).where(eq(notes.id, noteId));
  });
}

/** Share one of the author's notes with another user, by email; sharing twice is one share. */
export async function shareNote(authorId: string, noteId: string, withEmail: string): Promise<void> {
  const [note] = await db
    .select({ id: notes.id })
    .from(notes)
    .where(and(eq(notes.id, noteId), eq(notes.authorId, authorId)));
  if (!note) throw new NoteError('no such note of yours');
  const [reader] = await db.select({ id: users.id }).from(users).where(eq(users.email, withEmail.trim().toLowerCase()));
  if (!reader) throw new NoteError(`nobody is signed up as ${withEmail}`);
  if (reader.id === authorId) throw new NoteError('a note cannot be shared with its author');
  await db.insert(noteShares).values({ noteId, userId: reader.id }).onConflictDoNothing();
}

/** Counts for the whole database the app is given: in a runtag test with isolation "schema", exactly what that test's file (or worker) made. */
export async function stats(): Promise<{ users: number; notes: number; shares: number }> {
  const [[u], [n], [s]] = await Promise.all([
    db.select({ n: count() }).from(users),
    db.select({ n: count() }).from(notes),
    db.select({ n: count() }).from(noteShares),
  ]);
  return { users: u!.n, notes: n!.n, shares: s!.n };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
