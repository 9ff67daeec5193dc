/**
 * Compile-time contract of defineFactory: `npm test` runs `tsc` first, so every
 * `@ts-expect-error` below fails the build if the misuse it marks ever compiles.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { children, users, type User } from '../../schema/index.js';
import { belongsTo, defineFactory, type Factory } from '../../src/factory/define-factory.js';
import { childFactory, userFactory } from '../../src/domain/factories.js';

const valid = { role: 'PARENT', email: 'e', clerkId: 'c', firstName: 'f', lastName: 'l' } as const;

describe('defineFactory types', () => {
  it('types rows from the table', () => {
    type Created = Awaited<ReturnType<typeof userFactory.create>>;
    expectTypeOf<Created>().toEqualTypeOf<User>();
    expectTypeOf(userFactory).toExtend<Factory<typeof users, 'parent' | 'instructor' | 'admin', {}, never>>();
  });

  it('rejects misuse at compile time', () => {
    // @ts-expect-error: required column lastName is not filled
    defineFactory(users, { defaults: () => ({ role: 'PARENT', email: 'e', clerkId: 'c', firstName: 'f' }) });
    // @ts-expect-error: "nickname" is not a column of users
    defineFactory(users, { defaults: () => ({ ...valid, nickname: 'x' }) });
    // @ts-expect-error: "KING" is not a user_role
    defineFactory(users, { defaults: () => ({ ...valid, role: 'KING' }) });
    // @ts-expect-error: parentId is required and has no association
    defineFactory(children, { defaults: () => ({ name: 'x', birthDate: '2020-01-01' }) });
    defineFactory(children, {
      // @ts-expect-error: "teacher" is not a trait of userFactory
      associations: { parentId: belongsTo(() => userFactory, { traits: ['teacher'] }) },
      defaults: () => ({ name: 'x', birthDate: '2020-01-01' }),
    });
    const typed = () => userFactory.create(
      // @ts-expect-error: overrides are checked against the table
      { email: 42 },
    );
    expectTypeOf(typed).toBeFunction();
  });

  it('accepts a parent association in place of the foreign key', () => {
    const kids = defineFactory(children, {
      associations: { parentId: belongsTo(() => userFactory, { traits: ['parent'] }) },
      defaults: () => ({ name: 'x', birthDate: '2020-01-01' }),
    });
    expectTypeOf(kids.build).returns.toHaveProperty('parentId');
  });

  it('refuses override keys that are neither a column nor a transient param, also in a variable or a per-row function', () => {
    const withTypo = { name: 'x', nosuch: 1 };
    // @ts-expect-error: "nosuch" is not a column of children (a variable escapes the object-literal check)
    const fromVariable = () => childFactory.create(withTypo);
    // @ts-expect-error: nor in what a per-row function returns
    const perRow = () => childFactory.createList(2, (i) => ({ name: `kid ${i}`, nosuch: i }));
    // @ts-expect-error: build is checked the same way
    const built = () => childFactory.build(withTypo);
    const teens = defineFactory(children, {
      associations: { parentId: belongsTo(() => userFactory) },
      transient: { teen: false },
      defaults: ({ transient }) => ({ name: 'x', birthDate: transient.teen ? '2012-01-01' : '2020-01-01' }),
    });
    // Transient params may come with the overrides; enum literals and a typed variable still fit.
    const asOverride = () => teens.createList(2, (i) => ({ teen: i === 0, name: `kid ${i}` }));
    const admin = () => userFactory.create({ role: 'ADMIN' });
    const typed: { name?: string } = { name: 'x' };
    const fromTyped = () => childFactory.create(typed);
    // @ts-expect-error: a transient param keeps its type
    const wrongTransient = () => teens.create({ teen: 'yes' });
    for (const fn of [fromVariable, perRow, built, asOverride, admin, fromTyped, wrongTransient]) expectTypeOf(fn).toBeFunction();
  });
});
