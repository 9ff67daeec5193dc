import { eq, sql } from 'drizzle-orm';
import { afterEach, describe } from 'vitest';
import { children, users } from '../../schema/index.js';
import { belongsTo, defineFactory } from '../../src/factory/define-factory.js';
import { childFactory, userFactory } from '../../src/domain/factories.js';
import { tagged } from '../../src/factory/tagged.js';
import { expect, test } from '../../src/example/vitest.js';
import type { ScopeRuntime } from '../../src/lifecycle/scope-runtime.js';
import { countingSession } from '../support/counting-session.js';

const opened: ReturnType<typeof countingSession>[] = [];
afterEach(async () => {
  for (const counted of opened.splice(0)) {
    await counted.session.cleanup();
    await counted.end();
  }
});
function counting(runtime: ScopeRuntime) {
  const counted = countingSession(runtime);
  opened.push(counted);
  return counted;
}

describe('createList', () => {
  test('creates n rows with one multi-row INSERT … RETURNING', async ({ runtag }) => {
    const { session, statements } = counting(runtag);
    const created = await userFactory.withSession(session).createList(250);
    expect(created).toHaveLength(250);
    expect(statements.filter((s) => s.startsWith('insert'))).toHaveLength(1);
    expect(new Set(created.map((u) => u.email)).size).toBe(250);
  });

  test('chunks under the 65,535 bind-parameter limit', async ({ db, runtag }) => {
    const { session, statements } = counting(runtag);
    // 5 values a row (id and created_at take their defaults, which bind nothing): 14,000 rows need 70,000 parameters, so two statements.
    const created = await userFactory.withSession(session).createList(14_000);
    expect(statements.filter((s) => s.startsWith('insert'))).toHaveLength(2);
    const [{ count }] = (await db.select({ count: sql<number>`count(*)::int` }).from(users)) as [{ count: number }];
    expect(count).toBe(14_000);
    expect(created.at(-1)!.email).not.toBe(created[0]!.email);
  });

  test('creates the parents it needs in bulk too: one INSERT per table', async ({ runtag }) => {
    const { session, statements } = counting(runtag);
    const kids = await childFactory.withSession(session).createList(30);
    expect(new Set(kids.map((k) => k.parentId)).size).toBe(30);
    expect(statements.filter((s) => s.startsWith('insert'))).toHaveLength(2);
  });

  test('takes per-row overrides', async ({ users }) => {
    const parent = await users.createParent();
    const kids = await childFactory.withSession(users.session).createList(3, (i) => ({ parentId: parent.id, name: `kid ${i}` }));
    expect(kids.map((k) => k.name)).toEqual(['kid 0', 'kid 1', 'kid 2']);
    expect(kids.every((k) => k.parentId === parent.id)).toBe(true);
  });
});

describe('build', () => {
  test('builds attributes without touching the database', ({ runtag }) => {
    const { session, statements } = counting(runtag);
    const built = userFactory.withSession(session).buildList(5, { firstName: 'Ada' });
    expect(built).toHaveLength(5);
    expect(built.every((u) => u.firstName === 'Ada' && u.role === 'PARENT')).toBe(true);
    expect(statements).toEqual([]);
  });
});

describe('unique columns carry the run tag', () => {
  test('an override is stored exactly; tagged() turns the same base into distinct values', async ({ users, tag }) => {
    const exact = await users.createParent({ email: 'alice@example.com', clerkId: 'clerk_alice' });
    expect([exact.email, exact.clerkId]).toEqual(['alice@example.com', 'clerk_alice']);
    const a = await users.createParent({ email: tagged('same@example.test'), clerkId: tagged('clerk_same') });
    const b = await users.createParent({ email: tagged('same@example.test'), clerkId: tagged('clerk_same') });
    expect(a.email).not.toBe(b.email);
    for (const u of [a, b]) {
      expect(u.email.startsWith(tag.prefix)).toBe(true);
      expect(u.email.endsWith('-same@example.test')).toBe(true);
    }
  });

  test('a long tagged base is shortened to fit the column, tag kept; a long exact value is refused, naming the column', async ({ users, tag }) => {
    const user = await users.createParent({ clerkId: tagged(`clerk_${'z'.repeat(200)}`) });
    expect(user.clerkId.length).toBeLessThanOrEqual(64);
    expect(user.clerkId.startsWith(tag.prefix)).toBe(true);
    await expect(users.createParent({ clerkId: `clerk_${'z'.repeat(200)}` })).rejects.toThrow(
      /userFactory: column "users.clerk_id" holds at most 64 characters, but the override gives 206/,
    );
  });

  test('sequences are tagged, never a bare per-process counter', async ({ runtag }) => {
    const { session } = counting(runtag);
    const seen: string[] = [];
    const slugs = defineFactory(users, {
      defaults: ({ sequence, seq }) => {
        seen.push(sequence(`slug-${seq}`));
        return { role: 'PARENT', email: 'e@x.test', clerkId: 'c', firstName: 'f', lastName: 'l' };
      },
    });
    slugs.withSession(session).buildList(3);
    expect(seen).toHaveLength(3);
    for (const value of seen) expect(value.startsWith(session.tag.prefix)).toBe(true);
    expect(seen.map((v) => v.split('-').at(-1))).toEqual(['1', '2', '3']);
  });
});

describe('traits, transient params, associations, afterCreate', () => {
  const made: string[] = [];
  const family = defineFactory(users, {
    name: 'familyFactory',
    transient: { kids: 0, surname: 'Doe' },
    defaults: ({ faker, transient }) => ({
      role: 'PARENT',
      email: faker.internet.email(),
      clerkId: faker.string.alphanumeric(10),
      firstName: faker.person.firstName(),
      lastName: transient.surname,
    }),
    traits: {
      admin: { role: 'ADMIN' },
      named: ({ seq }) => ({ firstName: `Named ${seq}` }),
    },
    afterCreate: async (user, { session, transient }) => {
      made.push(user.id);
      if (transient.kids > 0) await childFactory.withSession(session).createList(transient.kids, { parentId: user.id });
    },
  });

  test('applies traits in order, then overrides', async ({ users }) => {
    const f = family.withSession(users.session);
    const admin = await f.create({ lastName: 'Override' }, { traits: ['admin', 'named'] });
    expect(admin.role).toBe('ADMIN');
    expect(admin.firstName).toMatch(/^Named \d+$/);
    expect(admin.lastName).toBe('Override');
  });

  test('transient params steer building and hooks but are not columns', async ({ users, db }) => {
    const parent = await family.withSession(users.session).create({}, { transient: { kids: 2, surname: 'Lovelace' } });
    expect(parent.lastName).toBe('Lovelace');
    expect(made).toContain(parent.id);
    const kids = await db.select().from(children).where(eq(children.parentId, parent.id));
    expect(kids).toHaveLength(2);
  });

  test('an unknown trait is a clear error', async ({ users }) => {
    const f = family.withSession(users.session);
    // @ts-expect-error: "teacher" is not a trait of familyFactory
    await expect(f.create({}, { traits: ['teacher'] })).rejects.toThrow('familyFactory has no trait "teacher". Known traits: admin, named.');
  });

  test('an association takes an existing parent when given one', async ({ users }) => {
    const parent = await users.createParent();
    const child = await users.createChild(parent);
    expect(child.parentId).toBe(parent.id);
  });

  test('associations may depend on earlier ones (the child belongs to the booking parent)', async ({ bookings, db }) => {
    const booking = await bookings.createBooking();
    const [child] = await db.select().from(children).where(eq(children.id, booking.childId));
    expect(child!.parentId).toBe(booking.parentId);
  });

  test('a typo in an association key does not compile', () => {
    defineFactory(children, {
      // @ts-expect-error: "parent" is not a column of children
      associations: { parent: belongsTo(() => userFactory) },
      defaults: () => ({ name: 'x', birthDate: '2020-01-01' }),
    });
    expect(true).toBe(true);
  });
});
