import { like } from 'drizzle-orm';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { Tagger } from 'runtag';
import { likePrefix } from 'runtag/advanced';
import { users } from '../src/schema.js';

/**
 * Users this file made: their ids come from sequence('user'), so they start with the file's tag.
 * Exact in every isolation mode, the shared schema included, where other files' users are there too.
 */
export function usersOfThisFile(db: PostgresJsDatabase<any>, tag: Tagger): Promise<number> {
  return db.$count(users, like(users.id, likePrefix(tag.prefix)));
}

/** The error a promise rejects with, or undefined if it resolves. */
export const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );
