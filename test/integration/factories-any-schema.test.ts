/**
 * Factories on a schema unlike the booking domain (examples/blog: identity and uuid keys, a
 * composite-key join table, a self-reference, a unique varchar(32), enums, jsonb, citext):
 * associations people expect, exact and tagged values, checks before the database, exact replay.
 */
import { eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as blog from '../../examples/blog/src/schema.js';
import { belongsTo, belongsToSelf, defineFactory, hasMany, manyToMany } from '../../src/factory/define-factory.js';
import { FactorySession } from '../../src/factory/session.js';
import { tagged } from '../../src/factory/tagged.js';
import { TestSchema } from '../../src/isolation/test-schema.js';

const organizationFactory = defineFactory(blog.organizations, { defaults: ({ faker }) => ({ name: faker.company.name(), slug: faker.lorem.slug(2) }) });
const userFactory = defineFactory(blog.users, {
  defaults: ({ faker }) => {
    const first = faker.person.firstName().toLowerCase();
    return { handle: first, email: `${first}@blog.test`, displayName: first };
  },
});
const tagFactory = defineFactory(blog.tags, {
  associations: { organizationId: belongsTo(() => organizationFactory) },
  defaults: ({ faker }) => ({ name: faker.word.noun() }),
});
const postTagFactory = defineFactory(blog.postTags, {
  associations: { postId: belongsTo(() => plainPostFactory), tagId: belongsTo(() => tagFactory) },
  defaults: () => ({}),
});
const commentFactory = defineFactory(blog.comments, {
  associations: {
    postId: belongsTo(() => plainPostFactory),
    authorId: belongsTo(() => userFactory),
    parentId: belongsToSelf({ optional: true }),
  },
  defaults: ({ faker }) => ({ body: faker.lorem.sentence() }),
  traits: { reply: { $with: ['parentId'] } },
});
const plainPostFactory = defineFactory(blog.posts, {
  associations: { organizationId: belongsTo(() => organizationFactory), authorId: belongsTo(() => userFactory) },
  defaults: ({ faker }) => ({ slug: faker.lorem.slug(3), title: faker.lorem.sentence(), body: { blocks: [faker.lorem.paragraph()] } }),
  traits: { published: () => ({ status: 'published' }), discussed: { status: 'published', $has: { comments: 2 } }, haunted: { $has: { ghosts: 1 } } },
});
// Declared once both sides exist: comments and post_tags refer back to posts.
const postFactory = plainPostFactory
  .has(
    'comments',
    hasMany(() => commentFactory, 'postId', { count: 0 }),
  )
  .has(
    'tags',
    manyToMany(() => tagFactory, { through: () => postTagFactory, from: 'postId', to: 'tagId', count: 0 }),
  );

let schema: TestSchema<typeof blog>;
let session: FactorySession;
let scopes = 0;

beforeAll(async () => {
  schema = await TestSchema.open({
    url: inject('runtag').databaseUrl,
    runId: inject('runtag').runId,
    scope: 'blogfx',
    mode: 'schema',
    schema: blog,
    migrationsFolder: 'examples/blog/migrations',
  });
});
afterAll(async () => {
  await session?.cleanup();
  await schema?.teardown();
});
const fresh = (seed = 7) => (session = new FactorySession({ db: schema.db, runId: inject('runtag').runId, scope: `b${scopes++}`, seed }));

describe('associations', () => {
  it('has-many: a post with its 5 comments, one INSERT per table', async () => {
    const s = fresh();
    const post = await postFactory.withSession(s).create({}, { has: { comments: 5 } });
    expect(await schema.db.$count(blog.comments, eq(blog.comments.postId, post.id))).toBe(5);
    const posts = await postFactory.withSession(s).createList(4, {}, { has: { comments: 3 } });
    for (const p of posts) expect(await schema.db.$count(blog.comments, eq(blog.comments.postId, p.id))).toBe(3);
  });

  it('many-to-many through the composite-key join table', async () => {
    const s = fresh();
    const post = await postFactory.withSession(s).create({}, { has: { tags: 3 } });
    expect(await schema.db.$count(blog.postTags, eq(blog.postTags.postId, post.id))).toBe(3);
  });

  it('an optional self-reference stays NULL unless asked, and asking makes one parent, not a chain', async () => {
    const s = fresh();
    const root = await commentFactory.withSession(s).create();
    expect(root.parentId).toBeNull();
    const reply = await commentFactory.withSession(s).create({}, { with: ['parentId'] });
    const [parent] = await schema.db.select().from(blog.comments).where(eq(blog.comments.id, reply.parentId!));
    expect(parent!.parentId).toBeNull();
    expect(await schema.db.$count(blog.comments, isNull(blog.comments.parentId))).toBeGreaterThanOrEqual(2);
  });

  it('traits carry associations: a reply trait fills its parent, a discussed trait brings comments; a call can override the count', async () => {
    const s = fresh();
    const reply = await commentFactory.withSession(s).create({}, { traits: ['reply'] });
    expect(reply.parentId).not.toBeNull();
    const [post, quiet] = await Promise.all([
      postFactory.withSession(s).create({}, { traits: ['discussed'] }),
      postFactory.withSession(s).create({}, { traits: ['discussed'], has: { comments: 0 } }),
    ]);
    expect(post.status).toBe('published');
    expect(await schema.db.$count(blog.comments, eq(blog.comments.postId, post.id))).toBe(2);
    expect(await schema.db.$count(blog.comments, eq(blog.comments.postId, quiet.id))).toBe(0);
    await expect(postFactory.withSession(s).create({}, { traits: ['haunted'] })).rejects.toThrow(
      /postsFactory trait "haunted" asks for 1 "ghosts" per row, but the factory has no such association/,
    );
    defineFactory(blog.comments, {
      associations: { parentId: belongsToSelf({ optional: true }) },
      defaults: () => ({ body: 'x', postId: 'p', authorId: 1 }),
      // @ts-expect-error: a trait can only bring associations the factory declares
      traits: { bad: { $with: ['postId'] } },
    });
  });

  it('a required self-reference is refused at definition, saying what to do', () => {
    expect(() =>
      defineFactory(blog.comments, {
        // @ts-expect-error: belongsToSelf must be optional
        associations: { parentId: belongsToSelf({ optional: false }) },
        defaults: () => ({ body: 'x', postId: 'p', authorId: 1 }),
      }),
    ).toThrow(/required self-reference "parentId".*belongsToSelf\(\{ optional: true \}\)/);
  });
});

describe('values', () => {
  it('generated unique values fit a varchar(32) with a readable base; exact values are kept; tagged() is unique per call', async () => {
    const s = fresh();
    const users = await userFactory.withSession(s).createList(50);
    for (const u of users) expect(u.handle.length).toBeLessThanOrEqual(32);
    expect(new Set(users.map((u) => u.handle)).size).toBe(50);
    const exact = await userFactory.withSession(s).create({ handle: 'alice', email: 'alice@example.com' });
    expect([exact.handle, exact.email]).toEqual(['alice', 'alice@example.com']);
    const [a, b] = await userFactory.withSession(s).createList(2, { handle: tagged('alice') });
    expect(a!.handle).not.toBe(b!.handle);
    expect(a!.handle.endsWith('-alice')).toBe(true);
  });

  it('bad input fails before the database, naming factory, table, column, value and what to do', async () => {
    const s = fresh();
    const users = userFactory.withSession(s);
    // @ts-expect-error: a number for a text column
    await expect(users.create({ handle: 12345 })).rejects.toThrow(
      /usersFactory: column "users.handle" holds text, but the override gives number 12345\. Pass a string; for a value unique across workers, tagged/,
    );
    await expect(users.create({ handle: 'x'.repeat(40) })).rejects.toThrow(/column "users.handle" holds at most 32 characters, but the override gives 40/);
    // @ts-expect-error: a string for a timestamp column
    await expect(organizationFactory.withSession(s).create({ createdAt: '2030-01-01' })).rejects.toThrow(
      /column "organizations.created_at" is a timestamp .* Pass a Date/,
    );
    // @ts-expect-error: null for a NOT NULL column
    await expect(users.create({ displayName: null })).rejects.toThrow(/column "users.display_name" is NOT NULL, but the override gives null/);
  });
});

describe('deterministic replay', () => {
  const datedOrganizations = defineFactory(blog.organizations, {
    defaults: ({ faker }) => ({ name: faker.company.name(), slug: faker.lorem.slug(2), createdAt: faker.date.recent({ days: 30 }) }),
  });
  const snapshot = async (seed: number) => {
    const s = fresh(seed);
    s.reseed('a test');
    // Concurrent creates whose associations resolve in whatever order the database answers.
    const posts = await Promise.all([postFactory.withSession(s).create(), postFactory.withSession(s).create(), postFactory.withSession(s).create()]);
    const orgs = await Promise.all([1, 2, 3].map(() => datedOrganizations.withSession(s).create()));
    return { titles: posts.map((p) => p.title), organizations: orgs.map((o) => `${o.name} ${o.createdAt.toISOString()}`) };
  };

  it('the same seed gives the same values, dates included, whatever the interleaving of concurrent creates', async () => {
    const first = await snapshot(20_779_123_456);
    await new Promise((r) => setTimeout(r, 1_100));
    const second = await snapshot(20_779_123_456);
    expect(second).toEqual(first);
    expect((await snapshot(20_779_123_457)).titles).not.toEqual(first.titles);
  });

  it('sequences restart per test', async () => {
    const s = fresh();
    const seen: number[] = [];
    const counting = defineFactory(blog.organizations, { defaults: ({ seq }) => (seen.push(seq), { name: 'n', slug: `s${seq}` }) });
    s.reseed('test one');
    counting.withSession(s).buildList(3);
    s.reseed('test two');
    counting.withSession(s).buildList(2);
    expect(seen).toEqual([1, 2, 3, 1, 2]);
  });
});
