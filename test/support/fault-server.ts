/**
 * What a fault test file starts from: a server of its own (so a restart or a kill touches no other
 * file), a scratch database on it, and user data planted there to be checked byte for byte after
 * every fault; and how to find the run a child process registered.
 */
import type { Sql } from '../../src/db/connect.js';
import { startDatabase, type DatabaseServer } from '../../src/db/server.js';
import type { ChildRunHandle } from './child-run.js';
import { plantUserData, type RunRef } from './leftovers.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';

export interface FaultServer {
  server: DatabaseServer;
  db: ScratchDatabase;
  sql: Sql;
  /** The planted user data's checksum now. */
  checksum: () => Promise<string>;
  /** Its checksum when it was planted. */
  original: string;
}

export async function openFaultServer(label: string): Promise<FaultServer> {
  const server = await startDatabase({ label: `${label}-${process.pid}` });
  const db = await createScratchDatabase(server.url, label);
  const checksum = await plantUserData(db.sql);
  return { server, db, sql: db.sql, checksum, original: await checksum() };
}

export async function closeFaultServer(fault: Partial<FaultServer>): Promise<void> {
  await fault.db?.drop();
  await fault.server?.stop();
}

/** The run a child process registered, by its pid. */
export async function registeredRunOf(sql: Sql, child: ChildRunHandle): Promise<RunRef> {
  const [row] = await sql<{ id: string; key: string }[]>`select run_id as id, run_key as key from runtag.runs where pid = ${child.pid}`;
  if (!row) throw new Error(`the child run (pid ${child.pid}) is not registered:\n${child.output()}`);
  return { runId: row.id, runKey: row.key };
}
