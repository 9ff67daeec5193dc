import { expectTypeOf } from 'vitest';
import { expect, test } from './runtag.js';

// db.query for this cell's drizzle-orm major: built and typed from the schema's relations() on 0.x, from defineRelations on 1.0.
test('db.query loads a user with its organization and projects, typed', async ({ users, db }) => {
  const made = await users.create({}, { has: { projects: 2 } });
  const found = await db.query.users.findFirst({ with: { organization: true, projects: true } });
  expect(found).toBeDefined();
  expectTypeOf(found!.organization.slug).toEqualTypeOf<string>();
  expectTypeOf(found!.projects[0]!.scores).toEqualTypeOf<number[] | null>();
  const loaded = await db.query.users.findMany({ with: { projects: { with: { owner: true } } } });
  const mine = loaded.find((u) => u.id === made.id)!;
  expect(mine.projects.map((p) => p.owner.id)).toEqual([made.id, made.id]);
  // Built, never run: each must fail to compile.
  const misuse = () => [
    // @ts-expect-error no relation of that name
    db.query.users.findFirst({ with: { nothing: true } }),
    // @ts-expect-error no table of that name
    db.query.nothing,
  ];
  expect(typeof misuse).toBe('function');
});
