import { connect, quoteIdent, withConnection, type Sql } from '../../src/db/connect.js';

export interface ScratchDatabase {
  url: string;
  sql: Sql;
  drop(): Promise<void>;
}

/**
 * A database of the test's own on the run's server, for tests that need a registry or a `public`
 * schema no other test (or child run's sweep) touches. Dropped, with everything in it, at the end.
 */
export async function createScratchDatabase(serverUrl: string, label: string): Promise<ScratchDatabase> {
  const name = `runtag_${label}_test_${Math.random().toString(36).slice(2, 8)}`;
  await withConnection(serverUrl, (sql) => sql.unsafe(`create database ${quoteIdent(name)}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const sql = connect(url.toString(), { max: 3 });
  return {
    url: url.toString(),
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      await withConnection(serverUrl, (admin) => admin.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`));
    },
  };
}
