import { afterEach, describe, expect, it } from 'vitest';
import { assertTestDatabase } from '../../src/db/test-database-guard.js';

const url = (db: string) => `postgres://app:secret@127.0.0.1:5432/${db}`;

describe('test database guard', () => {
  afterEach(() => {
    delete process.env.RUNTAG_ALLOW_DATABASE;
  });

  it('allows the embedded server and databases named for tests', () => {
    expect(() => assertTestDatabase(url('postgres'), { embedded: true, action: 'run tests' })).not.toThrow();
    for (const db of ['app_test', 'TEST', 'integration_tests', 'test-shard-2']) {
      expect(() => assertTestDatabase(url(db), { embedded: false, action: 'run tests' })).not.toThrow();
    }
  });

  it('refuses any other database, saying why and how to opt in, without the password', () => {
    const attempt = () => assertTestDatabase(url('app_production'), { embedded: false, action: 'sweep' });
    expect(attempt).toThrow(/refusing to sweep in database "app_production" .*does not contain "test".*RUNTAG_ALLOW_DATABASE=app_production/s);
    expect(attempt).not.toThrow(/secret/);
  });

  it('RUNTAG_ALLOW_DATABASE opts in exactly the named databases', () => {
    process.env.RUNTAG_ALLOW_DATABASE = 'staging, app';
    expect(() => assertTestDatabase(url('app'), { embedded: false, action: 'run tests' })).not.toThrow();
    expect(() => assertTestDatabase(url('staging'), { embedded: false, action: 'run tests' })).not.toThrow();
    expect(() => assertTestDatabase(url('app2'), { embedded: false, action: 'run tests' })).toThrow(/refusing/);
  });

  it('a run passes the names it resolved (the allowDatabase option wins over the variable)', () => {
    process.env.RUNTAG_ALLOW_DATABASE = 'app';
    expect(() => assertTestDatabase(url('staging'), { embedded: false, action: 'run tests', allowed: ['staging'] })).not.toThrow();
    expect(() => assertTestDatabase(url('app'), { embedded: false, action: 'run tests', allowed: ['staging'] })).toThrow(/refusing/);
  });
});
