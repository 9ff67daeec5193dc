/**
 * Compile-time contract of defineFactory: `npm test` runs `tsc` first, so every
 * `@ts-expect-error` below fails the build if the misuse it marks ever compiles.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { children, users, type User } from '../../schema/index.js';
import { belongsTo, defineFactory, type Factory } from '../../src/factory/define-factory.js';
import { userFactory } from '../../src/domain/factories.js';

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
});
