/**
 * Factories on a schema shaped like a real app's (LobeChat's): every row carries the user it
 * belongs to, users have a natural text key from the auth provider, files and documents refer to
 * each other, and columns of many types. The tables are defined here and migrated on the fly.
 * What the first trial on such a schema ran into: bad values reaching PostgreSQL as raw errors,
 * unknown override keys dropped silently, children of a `has` association each getting a user of
 * their own, and a caught error aborting a test's transaction without a word.
 */
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import {
  bigint,
  boolean,
  customType,
  date,
  doublePrecision,
  inet,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  uuid,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { childFactory } from '../../src/domain/factories.js';
import { AbortedTransactionError } from '../../src/factory/constraint-error.js';
import { FactoryConstraintError } from '../../src/factory/constraint-error.js';
import { belongsTo, defineFactory, hasMany, manyToMany, type FactoryFor } from '../../src/factory/define-factory.js';
import { FactorySession } from '../../src/factory/session.js';
import { FactoryValueError } from '../../src/factory/value-error.js';
import type { TestSchema } from '../../src/isolation/test-schema.js';
import { openSchemaFromTables } from '../support/schema-from-tables.js';

/** A column type runtag knows nothing about: PostgreSQL is the only one to check its values. */
const legacyCounter = customType<{ data: number; driverData: number }>({ dataType: () => 'integer' });
const fileKind = pgEnum('file_kind', ['image', 'text', 'audio']);

// The auth provider's user id is the primary key: text, no default.
const users = pgTable('users', {
  id: text('id').primaryKey(),
  email: varchar('email', { length: 120 }).notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
const sessions = pgTable('sessions', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  title: text('title').notNull(),
});
const messages = pgTable('messages', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  sessionId: uuid('session_id')
    .notNull()
    .references(() => sessions.id),
  content: text('content').notNull(),
});
const tags = pgTable('tags', {
  id: serial('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  name: text('name').notNull(),
});
const sessionTags = pgTable('session_tags', {
  id: serial('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  sessionId: uuid('session_id')
    .notNull()
    .references(() => sessions.id),
  tagId: integer('tag_id')
    .notNull()
    .references(() => tags.id),
});
// Files and documents refer to each other: a document is parsed from a file, a file may point at its document.
const files = pgTable('files', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  documentId: uuid('document_id').references((): AnyPgColumn => documents.id),
  name: text('name').notNull(),
  size: integer('size').notNull(),
});
const documents = pgTable('documents', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  fileId: uuid('file_id')
    .notNull()
    .references(() => files.id),
  title: text('title').notNull(),
});
// One column of each kind a factory meets.
const usage = pgTable('usage', {
  id: serial('id').primaryKey(),
  n: integer('n'),
  small: smallint('small'),
  big: bigint('big', { mode: 'number' }),
  huge: bigint('huge', { mode: 'bigint' }),
  amount: numeric('amount', { precision: 10, scale: 2 }),
  ratio: doublePrecision('ratio'),
  day: date('day'),
  dayAsDate: date('day_as_date', { mode: 'date' }),
  at: timestamp('at', { withTimezone: true }),
  atText: timestamp('at_text', { withTimezone: true, mode: 'string' }),
  flag: boolean('flag'),
  meta: jsonb('meta'),
  labels: text('labels').array(),
  kind: fileKind('kind'),
  ref: uuid('ref'),
  address: inet('address'),
  legacy: legacyCounter('legacy'),
  note: text('note').notNull().default(''),
});
const app = { fileKind, users, sessions, messages, tags, sessionTags, files, documents, usage };

const userFactory = defineFactory(users, {
  // sequence('user') is unique across workers, files and runs; faker.string.uuid() is not (see below).
  defaults: ({ sequence, faker }) => ({ id: sequence('user'), email: faker.internet.email() }),
});
const tagFactory = defineFactory(tags, {
  associations: { userId: belongsTo(() => userFactory) },
  defaults: ({ faker }) => ({ name: faker.word.noun() }),
});
const messageFactory = defineFactory(messages, {
  associations: { userId: belongsTo(() => userFactory), sessionId: belongsTo(() => sessionFactory) },
  defaults: ({ faker }) => ({ content: faker.lorem.sentence() }),
});
const sessionTagFactory = defineFactory(sessionTags, {
  associations: { userId: belongsTo(() => userFactory), sessionId: belongsTo(() => sessionFactory), tagId: belongsTo(() => tagFactory) },
  defaults: () => ({}),
});
const sessionFactory = defineFactory(sessions, {
  associations: { userId: belongsTo(() => userFactory) },
  defaults: ({ faker }) => ({ title: faker.lorem.words(3) }),
});
// The file side names the document factory's type: the two refer to each other, so one side says what it gets.
const fileFactory = defineFactory(files, {
  associations: {
    userId: belongsTo(() => userFactory),
    documentId: belongsTo((): FactoryFor<typeof documents> => documentFactory, { optional: true, overrides: (file) => ({ userId: file.userId as string }) }),
  },
  transient: { large: false },
  defaults: ({ faker, transient }) => ({ name: `${faker.lorem.word()}.pdf`, size: transient.large ? 50_000_000 : 1_024 }),
});
const documentFactory = defineFactory(documents, {
  associations: { userId: belongsTo(() => userFactory), fileId: belongsTo(() => fileFactory, { overrides: (doc) => ({ userId: doc.userId as string }) }) },
  defaults: ({ faker }) => ({ title: faker.lorem.words(2) }),
});
const usageFactory = defineFactory(usage, { defaults: () => ({}) });

let schema: TestSchema<typeof app>;
const sessionsMade: FactorySession[] = [];
let scopes = 0;

beforeAll(async () => {
  schema = await openSchemaFromTables(app, 'realapp');
});
afterAll(async () => {
  for (const s of sessionsMade) await s.cleanup();
  await schema?.teardown();
});
const fresh = (seed = 11) => {
  const s = new FactorySession({ db: schema.db, runId: inject('runtag').runId, scope: `r${scopes++}`, seed });
  sessionsMade.push(s);
  return s;
};
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );

describe('values the column cannot hold fail before the database, naming factory, table, column, value, type and what to do', () => {
  it("the issue's three: a date that is no date, an integer out of range, a boolean for an integer", async () => {
    const soon = await failure(childFactory.create({ birthDate: 'soon' }));
    expect(soon).toBeInstanceOf(FactoryValueError);
    expect(soon!.message).toMatch(
      /^runtag: childFactory: column "children.birth_date" holds a date, but the override gives string "soon"\. Pass an ISO date such as "2030-01-31"/,
    );
    expect(soon).toMatchObject({ factory: 'childFactory', table: 'children', column: 'birth_date', value: 'soon', code: 'FACTORY_VALUE', sqlState: undefined });

    const usages = usageFactory.withSession(fresh());
    const big = await failure(usages.create({ n: 2 ** 40 }));
    expect(big).toBeInstanceOf(FactoryValueError);
    expect(big!.message).toMatch(
      /^runtag: usageFactory: column "usage.n" holds an integer from -2147483648 to 2147483647, but the override gives number 1099511627776\. .*bigint/,
    );
    // @ts-expect-error: a boolean for an integer column
    const bool = await failure(usages.create({ n: true }));
    expect(bool!.message).toMatch(
      /^runtag: usageFactory: column "usage.n" holds an integer from -2147483648 to 2147483647, but the override gives boolean true\. Pass a whole number/,
    );
    expect(await schema.db.$count(usage)).toBe(0);
  });

  it.each([
    ['small', 40_000, /holds a smallint from -32768 to 32767, but the override gives number 40000/],
    ['n', 1.5, /holds an integer .* gives number 1\.5\. Pass a whole number/],
    ['big', 2 ** 60, /holds a bigint read as a number .* gives number 1152921504606847000\. .*mode: 'bigint'/],
    ['huge', 2n ** 70n, /holds a bigint .* gives bigint 1180591620717411303424/],
    ['amount', 'twelve', /holds a numeric\(10, 2\), but the override gives string "twelve"\. Pass a number or a decimal string such as "12\.50"/],
    ['amount', '123456789.5', /holds a numeric\(10, 2\) \(at most 8 digits before the point\), but the override gives string "123456789\.5"/],
    ['ratio', 'half', /holds a double precision, but the override gives string "half"/],
    ['day', '2030-02-30', /holds a date, but the override gives string "2030-02-30"\. Pass an ISO date/],
    ['dayAsDate', '2030-01-01', /is a date read and written as a Date, but the override gives string "2030-01-01"\. Pass a Date/],
    ['at', new Date('nope'), /is a timestamp read and written as a Date, but the override gives an invalid Date/],
    ['atText', 'later', /holds a timestamp with time zone, but the override gives string "later"\. Pass an ISO timestamp/],
    ['flag', 'yes', /holds a boolean, but the override gives string "yes"\. Pass true or false/],
    ['labels', 'a,b', /holds an array of text, but the override gives string "a,b"\. Pass an array/],
    ['labels', ['a', 7], /holds an array of text, but the override gives \["a",7\]: element 2 is number 7\. Pass a string/],
    ['kind', 'video', /holds one of file_kind's values \(image, text, audio\), but the override gives string "video"/],
    ['ref', 'not-a-uuid', /holds a uuid, but the override gives string "not-a-uuid"/],
    ['meta', { n: 1n }, /holds JSON, but the override gives a value JSON cannot hold/],
  ] as [keyof typeof usage.$inferInsert, unknown, RegExp][])('%s: %o', async (column, value, message) => {
    const error = await failure(usageFactory.withSession(fresh()).create({ [column]: value }));
    expect(error).toBeInstanceOf(FactoryValueError);
    expect(error!.message).toMatch(/^runtag: usageFactory: column "usage\.[a-z_]+" /);
    expect(error!.message).toMatch(message);
  });

  it('values the column holds are stored: Dates, ISO strings, bigint mode, decimal strings, JSON, arrays, enums, SQL', async () => {
    const row = await usageFactory.withSession(fresh()).create({
      n: -2_147_483_648,
      small: 32_767,
      big: Number.MAX_SAFE_INTEGER,
      huge: 2n ** 62n,
      amount: '12345678.99',
      ratio: Number.POSITIVE_INFINITY,
      day: '2030-01-31',
      dayAsDate: new Date('2030-01-31T00:00:00Z'),
      at: new Date('2030-01-31T10:00:00Z'),
      atText: '2030-01-31T10:00:00+00:00',
      flag: false,
      meta: { nested: [1, 'two', null] },
      labels: ['a', 'b,c'],
      kind: 'audio',
      ref: '6F9619FF-8B86-D011-B42D-00C04FC964FF',
      address: '10.0.0.1',
      legacy: 7,
      note: sql`'from ' || 'sql'` as never,
    });
    expect(row).toMatchObject({ n: -2_147_483_648, small: 32_767, big: Number.MAX_SAFE_INTEGER, huge: 2n ** 62n, amount: '12345678.99', day: '2030-01-31' });
    expect(row).toMatchObject({ meta: { nested: [1, 'two', null] }, labels: ['a', 'b,c'], kind: 'audio', legacy: 7, note: 'from sql', flag: false });
    expect(row.at!.toISOString()).toBe('2030-01-31T10:00:00.000Z');
    // Strings PostgreSQL reads as dates and numbers in other spellings are left to it.
    const other = await usageFactory.withSession(fresh()).create({ day: 'Jan 31 2030', amount: 12.5 as never, atText: 'infinity', n: '42' as never });
    expect(other).toMatchObject({ day: '2030-01-31', amount: '12.50', atText: 'infinity', n: 42 });
  });

  it('what PostgreSQL alone rejects is wrapped too, naming factory, table, column and value', async () => {
    const usages = usageFactory.withSession(fresh());
    const address = await failure(usages.create({ address: 'not-an-address' }));
    expect(address).toBeInstanceOf(FactoryValueError);
    expect(address!.message).toMatch(
      /^runtag: usageFactory\.create could not insert into "usage": PostgreSQL rejected "not-an-address" for column "usage\.address" \(inet\): invalid input syntax for type inet: "not-an-address" \(SQLSTATE 22P02\)\./,
    );
    expect(address).toMatchObject({
      factory: 'usageFactory',
      table: 'usage',
      column: 'address',
      value: 'not-an-address',
      code: 'FACTORY_VALUE',
      sqlState: '22P02',
    });

    const range = await failure(usages.create({ legacy: 2 ** 40 }));
    expect(range).toMatchObject({ column: 'legacy', sqlState: '22003' });
    expect(range!.message).toContain('value "1099511627776" is out of range for type integer');
    const wrongType = await failure(usages.create({ legacy: true as never }));
    expect(wrongType).toMatchObject({ column: 'legacy', sqlState: '42804' });
    expect(wrongType!.message).toMatch(/for column "usage\.legacy" \(integer\): column "legacy" is of type integer but expression is of type boolean/);
    const day = await failure(usages.create({ day: 'Feb 30 2030' }));
    expect(day).toMatchObject({ column: 'day', sqlState: '22008' });
    const overflow = await failure(usages.create({ amount: '99999999.999' }));
    expect(overflow).toMatchObject({ column: 'amount', sqlState: '22003' });

    // A NOT NULL column left without a value (only plain JavaScript gets here) is named too.
    const bare = defineFactory(messages, { defaults: () => ({}) } as never) as unknown as typeof messageFactory;
    const missing = await failure(bare.withSession(fresh()).create({ userId: 'u', sessionId: '6f9619ff-8b86-d011-b42d-00c04fc964ff' }));
    expect(missing).toBeInstanceOf(FactoryConstraintError);
    expect(missing!.message).toMatch(/not-null constraint .*column "content"/);
  });
});

describe('override keys the table does not have', () => {
  it('fail at run time too (plain JavaScript), naming the factory, the key and the columns; nothing is inserted', async () => {
    const s = fresh();
    const js = messageFactory.withSession(s) as unknown as {
      create(overrides: object): Promise<unknown>;
      createList(n: number, overrides: unknown): Promise<unknown>;
    };
    const error = await failure(js.create({ nosuch: 1 }));
    expect(error!.message).toBe(
      'runtag: messagesFactory: the override names "nosuch", which is not a column of "messages". ' +
        "Columns: id, userId, sessionId, content. Check the spelling, or declare it in the factory's transient params if it steers building.",
    );
    // Bad input is one class to catch: an unknown key is a FactoryValueError too, told apart by its name and key.
    expect(error).toBeInstanceOf(FactoryValueError);
    expect(error).toMatchObject({
      name: 'FactoryKeyError',
      key: 'nosuch',
      factory: 'messagesFactory',
      table: 'messages',
      column: undefined,
      value: 1,
      code: 'FACTORY_KEY',
      sqlState: undefined,
    });
    // The SQL name instead of the property key is the usual slip: the message says which key to use.
    expect((await failure(js.create({ session_id: 'x' })))!.message).toContain('"session_id" is the SQL name of column sessionId: write sessionId');
    // Per-row overrides are checked as well.
    expect((await failure(js.createList(2, (i: number) => (i === 1 ? { contnet: 'x' } : {}))))!.message).toContain('names "contnet"');
    // A `has` association is asked for in the options, not the overrides.
    const withMessages = sessionFactory.has(
      'messages',
      hasMany(() => messageFactory, 'sessionId'),
    );
    const has = await failure((withMessages.withSession(s) as unknown as typeof js).create({ messages: 3 }));
    expect(has!.message).toContain('"messages" is a has association of sessionsFactory: ask for it in the options, create({}, { has: { messages: 3 } })');
    expect(has).toBeInstanceOf(FactoryValueError);
    // Keys in the factory's own defaults and traits are checked the same way.
    const badDefaults = defineFactory(users, {
      name: 'badDefaultsFactory',
      defaults: ({ sequence }: { sequence: (base: string) => string }) => ({ id: sequence('u'), email: 'e@x', mail: 'x' }),
    } as never) as unknown as typeof userFactory;
    const fromDefaults = await failure(badDefaults.withSession(s).create());
    expect(fromDefaults).toBeInstanceOf(FactoryValueError);
    expect(fromDefaults).toMatchObject({ key: 'mail', factory: 'badDefaultsFactory', table: 'users' });
    expect(fromDefaults!.message).toMatch(/^runtag: badDefaultsFactory: the factory's defaults name "mail", which is not a column of "users"/);
    expect(await schema.db.$count(messages)).toBe(0);
  });

  it('transient params may come with the overrides, and steer building there as in { transient }', async () => {
    const s = fresh();
    const large = await fileFactory.withSession(s).create({ large: true });
    expect(large.size).toBe(50_000_000);
    expect((await fileFactory.withSession(s).create({}, { transient: { large: true } })).size).toBe(50_000_000);
    const [small, big] = await fileFactory.withSession(s).createList(2, (i) => ({ large: i === 1 }));
    expect([small!.size, big!.size]).toEqual([1_024, 50_000_000]);
    expect(fileFactory.withSession(s).build({ large: true })).not.toHaveProperty('large');
  });
});

describe('files and documents refer to each other', () => {
  it('each side creates the other when asked, for the same user', async () => {
    const s = fresh();
    const file = await fileFactory.withSession(s).create({}, { with: ['documentId'] });
    const [document] = await schema.db.select().from(documents).where(eq(documents.id, file.documentId!));
    expect(document!.userId).toBe(file.userId);
    const doc = await documentFactory.withSession(s).create();
    const [its] = await schema.db.select().from(files).where(eq(files.id, doc.fileId));
    expect(its!.documentId).toBeNull();
  });

  it('required both ways is a cycle: refused, naming it, instead of making parents of parents forever', async () => {
    const fileNeedingDocument = defineFactory(files, {
      associations: { userId: belongsTo(() => userFactory), documentId: belongsTo((): FactoryFor<typeof documents> => documentNeedingFile) },
      defaults: () => ({ name: 'f', size: 1 }),
    });
    const documentNeedingFile = defineFactory(documents, {
      associations: { userId: belongsTo(() => userFactory), fileId: belongsTo(() => fileNeedingDocument) },
      defaults: () => ({ title: 't' }),
    });
    const error = await failure(fileNeedingDocument.withSession(fresh()).create());
    expect(error!.message).toMatch(
      /^runtag: (files|documents)Factory: associations nest more than 24 deep \(filesFactory#1>documentId>fileId>documentId.*\), so required belongsTo associations form a cycle\. Declare one side belongsTo\(\.\.\., \{ optional: true \}\)/,
    );
  });
});

describe('children of a has association inherit columns from their parent', () => {
  it("hasMany with inherit: the messages belong to the session's user, and no other user is made", async () => {
    const s = fresh();
    const before = await schema.db.$count(users);
    const withMessages = sessionFactory.has(
      'messages',
      hasMany(() => messageFactory, 'sessionId', { count: 3, inherit: ['userId'] }),
    );
    const session = await withMessages.withSession(s).create();
    const rows = await schema.db.select().from(messages).where(eq(messages.sessionId, session.id));
    expect(rows.map((m) => m.userId)).toEqual([session.userId, session.userId, session.userId]);
    expect(await schema.db.$count(users)).toBe(before + 1);

    // The function form, for columns named differently or derived: typed from the parent's row.
    const titled = sessionFactory.has(
      'messages',
      hasMany(() => messageFactory, 'sessionId', { count: 2, inherit: (parent) => ({ userId: parent.userId, content: `re: ${parent.title}` }) }),
    );
    const many = await titled.withSession(s).createList(3);
    for (const parent of many) {
      const children = await schema.db.select().from(messages).where(eq(messages.sessionId, parent.id));
      expect(children.map((m) => [m.userId, m.content])).toEqual([
        [parent.userId, `re: ${parent.title}`],
        [parent.userId, `re: ${parent.title}`],
      ]);
    }
    expect(await schema.db.$count(users)).toBe(before + 4);
  });

  it("manyToMany with inherit: targets and join rows get the session's user", async () => {
    const s = fresh();
    const before = await schema.db.$count(users);
    const tagged = sessionFactory.has(
      'tags',
      manyToMany(() => tagFactory, {
        through: () => sessionTagFactory,
        from: 'sessionId',
        to: 'tagId',
        count: 2,
        inherit: ['userId'],
        inheritThrough: ['userId'],
      }),
    );
    const session = await tagged.withSession(s).create();
    const joins = await schema.db.select().from(sessionTags).where(eq(sessionTags.sessionId, session.id));
    expect(joins.map((j) => j.userId)).toEqual([session.userId, session.userId]);
    const targets = await schema.db.select().from(tags).where(eq(tags.userId, session.userId));
    expect(targets).toHaveLength(2);
    expect(await schema.db.$count(users)).toBe(before + 1);
  });

  it('an inherited column the child does not have is refused, naming it', async () => {
    const s = fresh();
    const wrong = sessionFactory.has(
      'messages',
      hasMany(() => messageFactory, 'sessionId', { inherit: ['title' as never] }),
    );
    expect((await failure(wrong.withSession(s).create()))!.message).toMatch(
      /has "messages" inherits column "title", which messagesFactory \(table "messages"\) does not have/,
    );
  });
});

describe('a transaction aborted by an earlier failed statement', () => {
  it('the next factory insert in it says so and what to do, instead of a raw 25P02', async () => {
    const db = drizzle({ client: schema.sql });
    let error: Error | undefined;
    // postgres.js rejects the whole transaction with its first failure afterwards (the division): what is checked is the factory's error inside it.
    await db
      .transaction(async (tx) => {
        const s = new FactorySession({ db: tx as never, runId: inject('runtag').runId, scope: `r${scopes++}`, seed: 1, inTransaction: true });
        // A factory's own failed insert is a savepoint: the transaction goes on.
        await expect(
          userFactory
            .withSession(s)
            .create({ id: 'same' })
            .then(() => userFactory.withSession(s).create({ id: 'same' })),
        ).rejects.toBeInstanceOf(FactoryConstraintError);
        await userFactory.withSession(s).create();
        // A statement of the transaction's own, failing outside a savepoint and caught, aborts it.
        await tx.execute(sql`select 1 / 0`).catch(() => {});
        error = await failure(userFactory.withSession(s).create());
      })
      .catch(() => {});
    expect(error).toBeInstanceOf(AbortedTransactionError);
    expect(error!.message).toMatch(
      /^runtag: usersFactory\.create could not insert into "users": the transaction it runs in was aborted by an earlier statement that failed \(SQLSTATE 25P02\)/,
    );
    expect(error!.message).toContain('wrap the statement that is expected to fail in db.transaction(async (tx) => ...)');
    expect(error!.message).toContain('factory inserts already run in savepoints');
  });
});

describe('a natural text primary key with no default (users.id from an auth provider)', () => {
  it('sequence() gives ids unique across files and runs; faker.string.uuid() repeats in another file with the same seed', async () => {
    // Two files of one run: same run seed, same test name, different scopes.
    const [a, b] = [fresh(99), fresh(99)];
    a.reseed('creates users');
    b.reseed('creates users');
    const fromA = await userFactory.withSession(a).createList(3);
    const fromB = await userFactory.withSession(b).createList(3);
    expect(new Set([...fromA, ...fromB].map((u) => u.id)).size).toBe(6);
    expect(fromA[0]!.id).toMatch(/^[0-9a-z]{7}-r[0-9]+-[0-9a-z]+-user$/);
    const owned = await sessionFactory.withSession(a).create({ userId: fromA[0]!.id });
    expect(owned.userId).toBe(fromA[0]!.id);

    const uuidUsers = defineFactory(users, { defaults: ({ faker }) => ({ id: faker.string.uuid(), email: faker.internet.email() }) });
    a.reseed('creates users again');
    b.reseed('creates users again');
    await uuidUsers.withSession(a).create();
    const clash = await failure(uuidUsers.withSession(b).create());
    expect(clash).toBeInstanceOf(FactoryConstraintError);
    expect(clash).toMatchObject({ constraint: 'users_pkey', code: 'FACTORY_CONSTRAINT', sqlState: '23505' });
  });
});
