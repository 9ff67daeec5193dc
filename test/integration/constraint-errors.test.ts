import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { users } from '../../schema/index.js';
import { childFactory, userFactory } from '../../src/domain/factories.js';
import { FactoryConstraintError } from '../../src/factory/constraint-error.js';
import { expect, test } from '../../src/example/vitest.js';

describe('a factory insert that breaks a constraint', () => {
  test('unique: names factory, table, constraint, value and what to do', async ({ users: factory, db, tag }) => {
    const email = tag.email('taken');
    await db.insert(users).values({ role: 'PARENT', email, clerkId: tag.next(), firstName: 'A', lastName: 'B' });
    const error = await userFactory
      .withSession(factory.session)
      .create({ email })
      .catch((e: unknown) => e);
    await db.delete(users); // the raw row is not tracked
    expect(error).toBeInstanceOf(FactoryConstraintError);
    const e = error as FactoryConstraintError;
    expect(e.message).toContain('userFactory.create could not insert into "users"');
    expect(e.message).toContain('unique constraint "users_email_uq" (SQLSTATE 23505)');
    expect(e.message).toContain(`Offending values: {"email":"${email}"}`);
    expect(e.message).toContain("write tagged('alice@example.com')");
    expect(e).toMatchObject({ factory: 'userFactory', table: 'users', constraint: 'users_email_uq', code: 'FACTORY_CONSTRAINT', sqlState: '23505' });
  });

  test('foreign key: names the missing parent', async ({ users: factory }) => {
    const ghost = randomUUID();
    const error = (await childFactory
      .withSession(factory.session)
      .create({ parentId: ghost })
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(FactoryConstraintError);
    expect(error.message).toContain('childFactory.create could not insert into "children"');
    expect(error.message).toContain('foreign key "children_parent_id_users_id_fk" (SQLSTATE 23503)');
    expect(error.message).toContain(`"parent_id":"${ghost}"`);
    expect(error.message).toContain('Create the referenced row first');
  });

  test('not null: names the column', async ({ users: factory }) => {
    const error = (await userFactory
      .withSession(factory.session)
      // @ts-expect-error: firstName is required and not nullable
      .create({ firstName: null })
      .catch((e: unknown) => e)) as Error;
    // Caught before the database: the factory, the column, and what to do.
    expect(error.message).toMatch(/userFactory: column "users.first_name" is NOT NULL, but the override gives null/);
  });
});
