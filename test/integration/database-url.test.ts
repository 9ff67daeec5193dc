import { describe, expect, inject, it } from 'vitest';
import { DatabaseConnectionError } from '../../src/db/connection-error.js';
import { startDatabase } from '../../src/db/server.js';

/** The run's own server, with one part of its URL changed. */
function variant(change: (url: URL) => void): string {
  const url = new URL(inject('runtag').databaseUrl);
  change(url);
  return url.toString();
}

async function failure(databaseUrl: string): Promise<DatabaseConnectionError> {
  const error = await startDatabase({ databaseUrl, label: 'unused' }).then(
    (server) => server.stop().then(() => new Error('connected')),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatabaseConnectionError);
  return error as DatabaseConnectionError;
}

describe('a bad DATABASE_URL gets one clear paragraph', () => {
  it('malformed', async () => {
    const e = await failure('not a url');
    expect(e.message).toContain('DATABASE_URL is not a valid connection URL');
    expect(e.message).toContain('postgres://USER:PASSWORD@HOST:PORT/DATABASE');
    expect(e.message).toContain('Unset it to let runtag start its own embedded PostgreSQL');
  });

  it('wrong scheme', async () => {
    expect((await failure('mysql://u:p@127.0.0.1/db')).message).toContain('uses the scheme "mysql:"');
  });

  it('unreachable server', async () => {
    const e = await failure('postgres://postgres:secret@127.0.0.1:1/app_test');
    expect(e.message).toMatch(
      /^runtag tried to connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/app_test \(from DATABASE_URL\), but nothing is listening on 127\.0\.0\.1:1\./,
    );
    expect(e.message).not.toContain('secret');
  });

  it('wrong password', async () => {
    const e = await failure(variant((u) => (u.password = 'wrong')));
    expect(e.message).toContain('the server rejected the password for user "postgres"');
    expect(e.message).toContain('Fix the password in DATABASE_URL');
  });

  it('missing database', async () => {
    const e = await failure(variant((u) => (u.pathname = '/no_such_db')));
    expect(e.message).toContain('the database "no_such_db" does not exist');
    expect(e.message).toContain('CREATE DATABASE "no_such_db"');
  });

  it('a good URL is used as is, nothing started', async () => {
    const url = inject('runtag').databaseUrl;
    const server = await startDatabase({ databaseUrl: url, label: 'unused' });
    expect(server).toMatchObject({ url, embedded: false });
    await server.stop();
  });
});
