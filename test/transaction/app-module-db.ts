/**
 * An app's own database module, as apps write it: a node-postgres pool made once, at import, from
 * DATABASE_URL (which runtag's setup file has set to the file's sandbox by then), and services
 * that use it. Nothing in it knows about runtag.
 */
import { count, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { users } from '../../schema/index.js';

export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
export const db = drizzle({ client: pool });

/** A service the app would have: signs a parent up in a transaction of its own. */
export async function signUp(email: string): Promise<string> {
  return db.transaction(async (tx) => {
    const [user] = await tx.insert(users).values({ role: 'PARENT', email, clerkId: email, firstName: 'App', lastName: 'User' }).returning({ id: users.id });
    return user!.id;
  });
}

export async function countUsers(): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row!.n;
}

export async function findUser(email: string): Promise<{ id: string } | undefined> {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return user;
}
