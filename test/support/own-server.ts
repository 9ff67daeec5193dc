import { afterAll, beforeAll } from 'vitest';
import { startDatabase, type DatabaseServer } from '../../src/db/server.js';
import { plantUserData } from './leftovers.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';

export interface OwnServer {
  /** The scratch database: its URL is the DATABASE_URL for child runs. */
  readonly db: ScratchDatabase;
  /** Whether the data planted there that is not runtag's is byte for byte as it was. */
  userDataUnchanged(): Promise<boolean>;
}

/**
 * A PostgreSQL server and a scratch database of the calling file's (or describe block's) own, for
 * child runs given a DATABASE_URL: what they leave there is theirs alone to find. Data that is not
 * runtag's is planted first; a run must never change it.
 */
export function ownServer(label: string): OwnServer {
  let server: DatabaseServer | undefined;
  let db: ScratchDatabase | undefined;
  let checksum: () => Promise<string>;
  let original: string;
  beforeAll(async () => {
    server = await startDatabase({ label: `${label}-${process.pid}` });
    db = await createScratchDatabase(server.url, label.replaceAll('-', '_'));
    checksum = await plantUserData(db.sql);
    original = await checksum();
  }, 60_000);
  afterAll(async () => {
    await db?.drop();
    await server?.stop();
  });
  return {
    get db() {
      return db!;
    },
    userDataUnchanged: async () => (await checksum()) === original,
  };
}
