/**
 * One ownership model for cleanup, leak checks and sweeps: a row is deleted only when its own tag,
 * a factory's record, or foreign keys that point only at owned rows prove it is ours. Tested on the
 * booking schema and on a schema unlike it (composite keys, self-references, a foreign-key cycle,
 * short and expression unique columns).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Sql } from '../../src/db/connect.js';
import { LeakVerifier } from '../../src/leaks/verifier.js';
import { readCatalog } from '../../src/ownership/catalog.js';
import { deleteOwnedRows } from '../../src/ownership/delete-owned.js';
import { findOwnedRows } from '../../src/ownership/owned-rows.js';
import { createRunId, type RunId } from '../../src/run/run-id.js';
import { Tagger } from '../../src/run/tag.js';
import { loadMigrations } from '../../src/isolation/migration-files.js';
import { migrateSchema } from '../../src/isolation/migrations.js';

let sql: Sql;
const S = `own_${Math.random().toString(36).slice(2, 8)}`;
const B = `own_booking_${Math.random().toString(36).slice(2, 8)}`;
const run = createRunId();
const otherRun = createRunId();
const count = async (query: string, params: unknown[] = []) => Number((await sql.unsafe(query, params as never[]))[0]!.n);

beforeAll(async () => {
  sql = connect(inject('runtag').databaseUrl, { max: 2 });
  await sql
    .unsafe(`
    create schema ${S};
    create type ${S}.plan as enum ('free', 'pro');
    create table ${S}.orgs (id uuid primary key default gen_random_uuid(), slug varchar(32) not null unique, plan ${S}.plan not null default 'free');
    create table ${S}.people (id bigint generated always as identity primary key, email text not null, handle varchar(32) not null, org_id uuid references ${S}.orgs);
    create unique index people_email_lower on ${S}.people (lower(email));
    create unique index people_org_handle on ${S}.people (org_id, handle);
    create table ${S}.accounts (id int primary key, owner_member_id int);
    create table ${S}.members (id int primary key, account_id int not null references ${S}.accounts, name text not null);
    alter table ${S}.accounts add foreign key (owner_member_id) references ${S}.members;
    create table ${S}.comments (id bigint generated always as identity primary key, person_id bigint not null references ${S}.people, parent_id bigint references ${S}.comments, body text not null);
    create table ${S}.follows (follower_id bigint not null references ${S}.people, followed_id bigint not null references ${S}.people, primary key (follower_id, followed_id));
  `)
    .simple();
  await sql.unsafe(`create schema ${B}`);
  await migrateSchema(sql, B, loadMigrations(inject('runtag').migrationsFolder));
});

afterAll(async () => {
  await sql.unsafe(`drop schema if exists ${S} cascade; drop schema if exists ${B} cascade`).simple();
  await sql.end();
});

const taggers = new Map<string, Tagger>();
async function person(runId: RunId, scope: string, org?: string): Promise<number> {
  const tag = taggers.get(`${runId}/${scope}`) ?? new Tagger(runId, scope);
  taggers.set(`${runId}/${scope}`, tag);
  const [row] = await sql.unsafe(`insert into ${S}.people (email, handle, org_id) values ($1, $2, $3) returning id`, [tag.email('p'), tag.next(), org ?? null]);
  return Number(row!.id);
}

describe('the catalog', () => {
  it('finds tag columns in composite and expression unique indexes, and nullable foreign keys', async () => {
    const tables = new Map((await readCatalog(sql, S)).map((t) => [t.name, t]));
    expect(tables.get('people')!.tagColumns).toEqual(['email', 'handle']);
    expect(tables.get('orgs')!.tagColumns).toEqual(['slug']);
    expect(tables.get('follows')!.primaryKey).toEqual(['follower_id', 'followed_id']);
    expect(tables.get('accounts')!.foreignKeys).toEqual([expect.objectContaining({ references: 'members', nullable: true })]);
    expect(tables.get('members')!.foreignKeys).toEqual([expect.objectContaining({ references: 'accounts', nullable: false })]);
  });
});

describe('ownership through foreign keys', () => {
  it('a booking of another scope or another run that books our instructor is not ours: reported, kept, never deleted', async () => {
    const mine = new Tagger(run, 'a');
    const theirs = new Tagger(run, 'b');
    const foreign = new Tagger(otherRun, 'a');
    const user = async (tag: Tagger, role: string) =>
      (
        await sql.unsafe(`insert into ${B}.users (role, email, clerk_id, first_name, last_name) values ($1, $2, $3, 'F', 'L') returning id`, [
          role,
          tag.email('u'),
          tag.next(),
        ])
      )[0]!.id as string;
    const child = async (parent: string) =>
      (await sql.unsafe(`insert into ${B}.children (parent_id, name, birth_date) values ($1, 'kid', '2018-01-01') returning id`, [parent]))[0]!.id as string;
    const book = async (parent: string, kid: string, instructor: string, hour: number) =>
      (
        await sql.unsafe(`insert into ${B}.bookings (parent_id, child_id, instructor_id, scheduled_at, amount) values ($1, $2, $3, $4, 10) returning id`, [
          parent,
          kid,
          instructor,
          `2031-01-01T${String(hour).padStart(2, '0')}:00:00Z`,
        ])
      )[0]!.id as string;

    const instructor = await user(mine, 'INSTRUCTOR');
    const myParent = await user(mine, 'PARENT');
    const myBooking = await book(myParent, await child(myParent), instructor, 9);
    const theirParent = await user(theirs, 'PARENT');
    const theirBooking = await book(theirParent, await child(theirParent), instructor, 10);
    const foreignParent = await user(foreign, 'PARENT');
    const foreignBooking = await book(foreignParent, await child(foreignParent), instructor, 11);

    const verifier = new LeakVerifier(sql, run);
    const leaks = await verifier.findRows(B, 'a');
    expect(leaks.find((l) => l.table === 'bookings')).toMatchObject({ count: 1, keys: [{ id: myBooking }] });
    expect(leaks.find((l) => l.table === 'users')).toMatchObject({ count: 1, held: 1, heldKeys: [{ id: instructor }] });
    expect(
      leaks
        .find((l) => l.table === 'users')!
        .heldBy.map((b) => b.key.id)
        .sort(),
    ).toEqual([theirBooking, foreignBooking].sort());

    const removal = await verifier.deleteRows(B, 'a');
    expect(removal.deleted).toBe(3); // my booking, my child, my parent
    expect(removal.kept).toEqual([
      { table: 'users', key: { id: instructor }, reason: expect.stringMatching(/referenced by bookings .* which is not this run's or scope's/) },
    ]);
    expect(await count(`select count(*)::int as n from ${B}.bookings where id = any($1)`, [[theirBooking, foreignBooking]])).toBe(2);
    expect(await count(`select count(*)::int as n from ${B}.users where id = $1`, [instructor])).toBe(1);

    // Scope b's booking references scope a's instructor: not b's either, so b keeps its parent and child for now.
    expect(await verifier.deleteRows(B, 'b')).toMatchObject({ deleted: 0, kept: [expect.anything(), expect.anything()] });
    // The whole run owns all of it except what the other run's booking holds: the instructor.
    const all = await verifier.deleteRows(B);
    expect(all).toMatchObject({ deleted: 3, kept: [{ table: 'users', key: { id: instructor } }] });
    await sql.unsafe(`delete from ${B}.bookings where id = $1`, [foreignBooking]);
    expect(await verifier.deleteRows(B)).toEqual({ deleted: 1, kept: [] });
    expect(await count(`select count(*)::int as n from ${B}.users where email like $1`, [`${otherRun}-%`])).toBe(1);
  });

  it('a foreign-key cycle (accounts ↔ members) gives the same answer in any order and is deleted by breaking the nullable side', async () => {
    const tag = new Tagger(run, 'c');
    const org = (await sql.unsafe(`insert into ${S}.orgs (slug) values ($1) returning id`, [tag.slug('acme', 32)]))[0]!.id as string;
    const owner = await person(run, 'c', org);
    await sql.unsafe(`insert into ${S}.accounts (id) values (1), (2)`).simple();
    await sql.unsafe(`insert into ${S}.members (id, account_id, name) values (10, 1, 'a'), (20, 2, 'b')`).simple();
    await sql.unsafe(`update ${S}.accounts set owner_member_id = id * 10`).simple();
    // Nothing in the cycle is tagged and nothing outside points into it: it is not provably ours.
    const found = await findOwnedRows(sql, { schema: S, prefix: `${run}-c-` });
    expect(found.owned.get('accounts')!.size).toBe(0);
    // Tracked by a factory, the cycle is ours: found whatever the table order, deleted by nulling accounts.owner_member_id first.
    for (const order of [
      ['accounts', 'members'],
      ['members', 'accounts'],
    ]) {
      const tracked = new Map(order.map((t) => [t, t === 'accounts' ? [{ id: 1 }, { id: 2 }] : [{ id: 10 }, { id: 20 }]]));
      const again = await findOwnedRows(sql, { schema: S, tracked });
      expect([again.owned.get('accounts')!.size, again.owned.get('members')!.size]).toEqual([2, 2]);
    }
    const removal = await deleteOwnedRows(sql, await findOwnedRows(sql, { schema: S, tracked: new Map([['accounts', [{ id: 1 }, { id: 2 }]]]) }));
    expect(removal).toEqual({ deleted: 4, kept: [] });
    expect(await count(`select count(*)::int as n from ${S}.members`)).toBe(0);
    expect(await new LeakVerifier(sql, run).deleteRows(S, 'c')).toEqual({ deleted: 2, kept: [] }); // the org and its owner
    void owner;
  });

  it('1001 comments and a reply to the first: deleted replies first, whatever the chunking', async () => {
    const author = await person(run, 'd');
    await sql.unsafe(`insert into ${S}.comments (person_id, body) select $1, 'c' || g from generate_series(1, 1001) g`, [author]);
    await sql.unsafe(`insert into ${S}.comments (person_id, parent_id, body) select $1, min(id), 'reply' from ${S}.comments where person_id = $1`, [author]);
    await sql.unsafe(
      `insert into ${S}.comments (person_id, parent_id, body) select $1, max(id), 'reply to the reply' from ${S}.comments where person_id = $1`,
      [author],
    );
    const removal = await new LeakVerifier(sql, run).deleteRows(S, 'd');
    expect(removal).toEqual({ deleted: 1004, kept: [] });
  });

  it('a composite-key join row between our people and theirs is not ours; between ours it is', async () => {
    const a = await person(run, 'e');
    const b = await person(run, 'e');
    const stranger = await person(otherRun, 'e');
    await sql.unsafe(`insert into ${S}.follows values ($1, $2), ($1, $3)`, [a, b, stranger]);
    const leaks = await new LeakVerifier(sql, run).findRows(S, 'e');
    expect(leaks.find((l) => l.table === 'follows')).toMatchObject({ count: 1, keys: [{ follower_id: String(a), followed_id: String(b) }] });
    const removal = await new LeakVerifier(sql, run).deleteRows(S, 'e');
    expect(removal.deleted).toBe(2); // the follow between ours, and b; a is held by the follow of the stranger
    expect(removal.kept).toEqual([expect.objectContaining({ table: 'people', key: { id: String(a) } })]);
    expect(await count(`select count(*)::int as n from ${S}.follows where followed_id = $1`, [stranger])).toBe(1);
  });
});
