import { eq, inArray, or, sql } from 'drizzle-orm';
import { db } from '../db/index.js';
import { notes, noteShares, users, type User } from '../db/schema.js';

export class SignUpError extends Error {}

/** Sign a user up; an email is taken once (case-insensitively: it is stored lower-cased). */
export async function signUp(input: { email: string; name: string }): Promise<User> {
  const email = input.email.trim().toLowerCase();
  const name = input.name.trim();
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new SignUpError(`"${input.email}" is not an email address`);
  if (name === '') throw new SignUpError('a name is required');
  const [user] = await db.insert(users).values({ email, name }).onConflictDoNothing({ target: users.email }).returning();
  if (!user) throw new SignUpError(`${email} is already signed up`);
  return user;
}

export async function findUserByEmail(email: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return user;
}

export async function findUser(id: string): Promise<User | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user;
}

/** Delete an account with its notes and every share of them or with it, in one transaction. */
export async function deleteAccount(userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const own = tx.select({ id: notes.id }).from(notes).where(eq(notes.authorId, userId));
    await tx.delete(noteShares).where(or(eq(noteShares.userId, userId), inArray(noteShares.noteId, own)));
    await tx.delete(notes).where(eq(notes.authorId, userId));
    await tx.delete(users).where(eq(users.id, userId));
  });
}

export function countUsers(): Promise<number> {
  return db.$count(users);
}

interface Identity {
  user: string;
  schema: string;
}

/** Who the app's connections log in as, and where unqualified names resolve: what the app reports at /api/whoami. */
export async function databaseIdentity(): Promise<Identity> {
  const result = (await db.execute(sql`select current_user as "user", current_schema() as "schema"`)) as unknown as Identity[] | { rows: Identity[] };
  // postgres.js returns the rows (an array), node-postgres a result holding them.
  return (Array.isArray(result) ? result : result.rows)[0]!;
}
