/**
 * belongsTo associations whose `overrides` read the row: they see every column the other
 * associations fill, whatever the declaration order. Found on a LobeChat-shaped schema (user_id on
 * every row): a message's session, declared before the message's user, got a user of its own.
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import { pgTable, text, uuid } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { quoteIdent } from '../../src/db/connect.js';
import { belongsTo, defineFactory } from '../../src/factory/define-factory.js';
import { FactorySession } from '../../src/factory/session.js';
import { FactoryValueError } from '../../src/factory/value-error.js';
import type { TestSchema } from '../../src/isolation/test-schema.js';
import { openSchemaFromTables } from '../support/schema-from-tables.js';

const users = pgTable('users', { id: text('id').primaryKey(), name: text('name').notNull() });
const sessions = pgTable('sessions', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  slug: text('slug').notNull(),
  title: text('title').notNull(),
});
const topics = pgTable('topics', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  sessionId: uuid('session_id')
    .notNull()
    .references(() => sessions.id),
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
  topicId: uuid('topic_id').references(() => topics.id),
  content: text('content').notNull(),
});
const app = { users, sessions, topics, messages };

const userFactory = defineFactory(users, { defaults: ({ sequence }) => ({ id: sequence('user'), name: 'n' }) });
const sessionF = defineFactory(sessions, { associations: { userId: belongsTo(() => userFactory) }, defaults: () => ({ slug: 's', title: 't' }) });
// The factory: the session's overrides read userId, which the association declared after it fills.
const messageF = defineFactory(messages, {
  associations: {
    sessionId: belongsTo(() => sessionF, { overrides: (message) => ({ userId: message.userId as string }) }), // declared first
    userId: belongsTo(() => userFactory),
  },
  defaults: () => ({ content: 'hi' }),
});
const topicF = defineFactory(topics, {
  associations: {
    sessionId: belongsTo(() => sessionF, { overrides: (topic) => ({ userId: topic.userId as string }) }),
    userId: belongsTo(() => userFactory),
  },
  defaults: () => ({ title: 't' }),
});
// A chain: the topic's overrides read sessionId, which another association with overrides fills; all declared back to front.
const threadedMessageF = defineFactory(messages, {
  name: 'threadedMessageFactory',
  associations: {
    topicId: belongsTo(() => topicF, { overrides: (m) => ({ userId: m.userId as string, sessionId: m.sessionId as string }) }),
    sessionId: belongsTo(() => sessionF, { overrides: (m) => ({ userId: m.userId as string }) }),
    userId: belongsTo(() => userFactory),
  },
  defaults: () => ({ content: 'hi' }),
});

let schema: TestSchema<typeof app>;
const made: FactorySession[] = [];
let scopes = 0;
beforeAll(async () => {
  schema = await openSchemaFromTables(app, 'assocorder');
});
afterAll(async () => {
  for (const s of made) await s.cleanup();
  await schema?.teardown();
});
const fresh = () => {
  const s = new FactorySession({ db: schema.db, runId: inject('runtag').runId, scope: `o${scopes++}`, seed: 5 });
  made.push(s);
  return s;
};
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );
const rows = async () => ({
  users: await schema.db.$count(users),
  sessions: await schema.db.$count(sessions),
  topics: await schema.db.$count(topics),
  messages: await schema.db.$count(messages),
});
const sessionOf = async (id: string) => (await schema.db.select().from(sessions)).find((s) => s.id === id)!;
const topicOf = async (id: string) => (await schema.db.select().from(topics)).find((t) => t.id === id)!;

describe('a belongsTo whose overrides read the row sees what the other associations fill', () => {
  it("the issue's message: its session belongs to the message's user, and only one user is made", async () => {
    const before = await rows();
    const message = await messageF.withSession(fresh()).create();
    expect((await sessionOf(message.sessionId)).userId).toBe(message.userId);
    expect(await rows()).toEqual({ ...before, users: before.users + 1, sessions: before.sessions + 1, messages: before.messages + 1 });
  });

  it("a user given in the overrides is the session's user too", async () => {
    const s = fresh();
    const alice = await userFactory.withSession(s).create();
    const message = await messageF.withSession(s).create({ userId: alice.id });
    expect((await sessionOf(message.sessionId)).userId).toBe(alice.id);
  });

  it('a chain of overrides (topic reads the session, the session reads the user), declared back to front', async () => {
    const message = await threadedMessageF.withSession(fresh()).create();
    const topic = await topicOf(message.topicId!);
    expect(topic.sessionId).toBe(message.sessionId);
    expect(topic.userId).toBe(message.userId);
    expect((await sessionOf(message.sessionId)).userId).toBe(message.userId);
  });

  it('in bulk: each row its own parents, one INSERT per table', async () => {
    const s = fresh();
    const statements: string[] = [];
    let cleanup = async (): Promise<unknown> => undefined;
    const sql = postgres(inject('runtag').databaseUrl, {
      max: 1,
      onnotice: () => {},
      debug: (_connection, query) => statements.push(query.trim().toLowerCase()),
      connection: { search_path: schema.searchPath.map(quoteIdent).join(',') },
    });
    try {
      const counted = new FactorySession({ db: drizzle(sql, { schema: app }), tag: s.tag, seed: 5 });
      cleanup = () => counted.cleanup();
      const list = await threadedMessageF.withSession(counted).createList(25);
      expect(new Set(list.map((m) => m.userId)).size).toBe(25);
      for (const message of list) {
        const topic = await topicOf(message.topicId!);
        expect([topic.userId, topic.sessionId, (await sessionOf(message.sessionId)).userId]).toEqual([message.userId, message.sessionId, message.userId]);
      }
      const inserts = statements.filter((q) => q.startsWith('insert'));
      expect(inserts.map((q) => /^insert into "?([a-z_]+)"?/.exec(q)![1])).toEqual(['users', 'sessions', 'topics', 'messages']);
    } finally {
      await cleanup();
      await sql.end({ timeout: 5 });
    }
  });
});

describe('overrides that give a parent column undefined fail, instead of a fresh parent made quietly', () => {
  it('a column no association and no default fills (a misspelt key): names factory, association, column and the key read', async () => {
    const typo = defineFactory(messages, {
      name: 'typoMessageFactory',
      associations: {
        userId: belongsTo(() => userFactory),
        sessionId: belongsTo(() => sessionF, { overrides: (message) => ({ userId: message.userID as string }) }),
      },
      defaults: () => ({ content: 'hi' }),
    });
    const before = await rows();
    const error = await failure(typo.withSession(fresh()).create());
    expect(error).toBeInstanceOf(FactoryValueError);
    expect(error!.message).toBe(
      'runtag: typoMessageFactory: the overrides of association "sessionId" (sessionsFactory) give column "sessions.user_id" undefined, ' +
        'so sessionsFactory would make up a value of its own (for a foreign key, a new parent). They read "userID" of the messages row, ' +
        'which is not a column of "messages" (columns: id, userId, sessionId, topicId, content). ' +
        'Read a column the row has, or leave the key out of the overrides to let sessionsFactory fill it.',
    );
    expect(error).toMatchObject({ factory: 'typoMessageFactory', table: 'sessions', column: 'user_id', value: undefined });
    // No session of a user of its own, and no message (the user made first is tracked and cleaned up as usual).
    expect(await rows()).toEqual({ ...before, users: before.users + 1 });
  });

  it('an optional association not asked for: says to ask for it', async () => {
    const reply = defineFactory(messages, {
      name: 'replyFactory',
      associations: {
        userId: belongsTo(() => userFactory),
        sessionId: belongsTo(() => sessionF, { overrides: (m) => ({ userId: m.userId as string }) }),
        topicId: belongsTo(() => topicF, { optional: true }),
      },
      defaults: () => ({ content: 'hi' }),
    });
    const noted = defineFactory(topics, {
      name: 'notedTopicFactory',
      associations: { userId: belongsTo(() => userFactory), sessionId: belongsTo(() => sessionF) },
      defaults: () => ({ title: 't' }),
    });
    const bySession = defineFactory(messages, {
      name: 'topicMessageFactory',
      associations: {
        userId: belongsTo(() => userFactory),
        topicId: belongsTo(() => noted, { optional: true }),
        sessionId: belongsTo(() => sessionF, { overrides: (m) => ({ title: m.topicId as string }) }),
      },
      defaults: () => ({ content: 'hi' }),
    });
    expect((await reply.withSession(fresh()).create()).topicId).toBeNull();
    const error = await failure(bySession.withSession(fresh()).create());
    expect(error).toBeInstanceOf(FactoryValueError);
    expect(error!.message).toContain('give column "sessions.title" undefined');
    expect(error!.message).toContain(
      'They read "topicId" of the messages row, which the optional association "topicId" fills only when asked: create({}, { with: [\'topicId\'] })',
    );
    // Asked for, it is filled first and read.
    const asked = await bySession.withSession(fresh()).create({}, { with: ['topicId'] });
    expect((await sessionOf(asked.sessionId)).title).toBe(asked.topicId);
  });

  it("two overrides reading each other's columns: refused, naming both", async () => {
    const tangled = defineFactory(topics, {
      name: 'tangledTopicFactory',
      associations: {
        userId: belongsTo(() => userFactory, { overrides: (t) => ({ name: t.sessionId as string }) }),
        sessionId: belongsTo(() => sessionF, { overrides: (t) => ({ userId: t.userId as string }) }),
      },
      defaults: () => ({ title: 't' }),
    });
    const before = await rows();
    const error = await failure(tangled.withSession(fresh()).create());
    expect(error!.message).toBe(
      'runtag: tangledTopicFactory: the overrides of associations "userId" (reading "sessionId") and "sessionId" (reading "userId") read columns only the others fill, ' +
        'so none can be made first. Give one of the columns in the overrides or the defaults, or let one side stop reading it.',
    );
    expect(await rows()).toEqual(before);
  });
});
