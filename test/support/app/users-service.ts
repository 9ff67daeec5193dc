// Services of the app: they import its module-level db, no injection.
import { sql } from 'drizzle-orm';
import { children, users } from '../../../schema/index.js';
import { db as pgDb } from './db-pg.js';
import { db as postgresJsDb } from './db-postgres-js.js';

const dbs = { pg: pgDb, 'postgres-js': postgresJsDb };
export type AppDriver = keyof typeof dbs;

export function usersService(driver: AppDriver) {
  const db = dbs[driver] as typeof postgresJsDb;
  return {
    async signUp(email: string): Promise<{ id: string }> {
      const [row] = await db
        .insert(users)
        .values({ role: 'PARENT', email, clerkId: `clerk-${email}`, firstName: 'App', lastName: 'User' })
        .returning({ id: users.id });
      return row!;
    },
    /** The app adds a child to a parent it did not create: a row that hangs only off a factory's row. */
    async addChild(parentId: string, name: string): Promise<void> {
      await db.insert(children).values({ parentId, name, birthDate: '2019-05-01' });
    },
    countChildrenOf(parentId: string): Promise<number> {
      return db.$count(children, sql`${children.parentId} = ${parentId}`);
    },
    count(): Promise<number> {
      return db.$count(users);
    },
    async whoAmI(): Promise<{ user: string; schema: string }> {
      const result = await db.execute<{ user: string; schema: string }>(sql`select current_user as "user", current_schema() as schema`);
      // node-postgres returns a result with rows, postgres.js the rows.
      return ('rows' in result ? (result.rows as unknown[]) : result)[0] as { user: string; schema: string };
    },
    async readTable(qualifiedName: string): Promise<unknown> {
      return db.execute(sql.raw(`select count(*) from ${qualifiedName}`));
    },
  };
}
