import { createRuntagTest, expect } from 'runtag/vitest';
import * as schema from '../src/db/schema.js';
import { stats } from '../src/services/notes.js';
import { notesFactories } from './factories.js';

/**
 * The project's `test`: runtag's fixtures typed from the app's schema, on node-postgres like the
 * app, plus its factories. The tests call the app's services, which use the app's own module-level
 * db: runtag points DATABASE_URL at the file's schema before they are imported.
 */
export const test = createRuntagTest({
  schema,
  driver: 'pg',
  factories: notesFactories,
});

export { expect };

export type Totals = Awaited<ReturnType<typeof stats>>;

/**
 * What the app counts in its whole database at the end of a file. In isolation "schema" that
 * database is this file's own: exactly what the file made, whatever runs beside it. In "shared"
 * other files' rows are there too, so only "at least". In "transaction" every earlier test was
 * rolled back, the app's own writes through its module-level db with it (runtag's sandbox), so the
 * file's database holds exactly what its beforeAll left: here, nothing.
 */
export async function expectTotals(isolation: string, expected: Totals): Promise<void> {
  const actual = await stats();
  if (isolation === 'transaction') {
    expect(actual).toEqual({ users: 0, notes: 0, shares: 0 });
  } else if (isolation === 'shared') {
    expect(actual.users).toBeGreaterThanOrEqual(expected.users);
    expect(actual.notes).toBeGreaterThanOrEqual(expected.notes);
    expect(actual.shares).toBeGreaterThanOrEqual(expected.shares);
  } else {
    expect(actual).toEqual(expected);
  }
}
