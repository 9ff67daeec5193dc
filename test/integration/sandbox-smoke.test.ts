import pg from 'pg';
import postgres from 'postgres';
import { expect } from 'vitest';
import { test } from '../../src/example/vitest.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';

test('sandbox smoke: both drivers join the test transaction, rolled back at its end', async ({ runtag }) => {
  const direct = postgres(runtag.databaseUrl, { max: 1, onnotice: () => {} });
  await direct`create table sb_items (id serial primary key, name text unique not null)`;
  await direct`insert into sb_items (name) values ('before')`;
  const sandbox = await Sandbox.start({ upstreamUrl: runtag.databaseUrl, label: 'smoke', lockWaitMs: 1000 });
  const js = postgres(sandbox.url, { max: 3, onnotice: () => {} });
  const pool = new pg.Pool({ connectionString: sandbox.url, max: 3 });
  try {
    expect((await js`select count(*)::int as n from sb_items`)[0]!.n).toBe(1);
    const t = await sandbox.beginTest('t1');
    await js`insert into sb_items (name) values ('a')`;
    await pool.query('insert into sb_items (name) values ($1)', ['b']);
    await expect(pool.query("insert into sb_items (name) values ('a')")).rejects.toThrow(/duplicate key/);
    await js.begin(async (tx) => {
      await tx`insert into sb_items (name) values ('c')`;
      await tx.savepoint(async (sp) => {
        await sp`insert into sb_items (name) values ('d')`;
      });
    });
    await js
      .begin(async (tx) => {
        await tx`insert into sb_items (name) values ('e')`;
        throw new Error('roll me back');
      })
      .catch(() => {});
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query("insert into sb_items (name) values ('f')");
    await client.query('ROLLBACK');
    client.release();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? js`select ${i}::int as i` : pool.query({ name: 'q', text: 'select $1::int as i', values: [i] }))),
    );
    const rows = await pool.query('select name from sb_items order by name');
    expect(rows.rows.map((r) => r.name)).toEqual(['a', 'b', 'before', 'c', 'd']);
    expect((await direct`select count(*)::int as n from sb_items`)[0]!.n).toBe(1);
    await t.end();
    expect((await js`select count(*)::int as n from sb_items`)[0]!.n).toBe(1);
    expect((await pool.query('select count(*)::int as n from sb_items')).rows[0].n).toBe(1);
    await expect(js`listen foo`).rejects.toThrow(/runtag sandbox: LISTEN/);
  } finally {
    await js.end();
    await pool.end();
    await sandbox.close();
    await direct`drop table sb_items`;
    await direct.end();
  }
});
