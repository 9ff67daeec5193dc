/**
 * Compile-time contract of defineFactory: `npm test` runs `tsc` first, so every
 * `@ts-expect-error` below fails the build if the misuse it marks ever compiles.
 */
import { pgTable, text, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { describe, expectTypeOf, it } from 'vitest';
import { children, users, type User } from '../../schema/index.js';
import { belongsTo, defineFactory, hasMany, type Factory } from '../../src/factory/define-factory.js';
import { childFactory, userFactory } from '../../src/domain/factories.js';
// What a user imports: the package's main entry.
import { belongsTo as belongsToFromEntry, defineFactory as defineFromEntry, type AnyFactory, type FactoryFor } from '../../src/index.js';

// Two tables that refer to each other, as files and documents do in LobeChat.
const files = pgTable('files', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  documentId: uuid('document_id').references((): AnyPgColumn => documents.id),
});
const documents = pgTable('documents', {
  id: uuid('id').primaryKey().defaultRandom(),
  title: text('title').notNull(),
  fileId: uuid('file_id')
    .notNull()
    .references(() => files.id),
});
// Each factory's type needs the other's: one side names what its thunk returns, and the cycle is gone.
const fileFactory = defineFromEntry(files, {
  associations: { documentId: belongsToFromEntry((): FactoryFor<typeof documents> => documentFactory, { optional: true }) },
  defaults: ({ faker }) => ({ name: faker.lorem.word() }),
  traits: { empty: { name: '' } },
});
const documentFactory = defineFromEntry(documents, {
  associations: { fileId: belongsToFromEntry(() => fileFactory, { traits: ['empty'] }) },
  defaults: ({ faker }) => ({ title: faker.lorem.words(2) }),
});

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
    const typed = () =>
      userFactory.create(
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

  it('two factories that refer to each other compile when one thunk names its return type, and stay typed', () => {
    expectTypeOf(fileFactory.create).returns.resolves.toEqualTypeOf<typeof files.$inferSelect>();
    expectTypeOf(documentFactory.create).returns.resolves.toEqualTypeOf<typeof documents.$inferSelect>();
    expectTypeOf(documentFactory).toExtend<AnyFactory>();
    expectTypeOf(fileFactory).toExtend<FactoryFor<typeof files>>();
    const withDocument = () => fileFactory.create({}, { with: ['documentId'] });
    // @ts-expect-error: the annotated side still checks the key against the documents table
    const wrongKey = belongsToFromEntry((): FactoryFor<typeof documents> => documentFactory, { key: 'nope' });
    // @ts-expect-error: and its overrides
    const wrongOverride = belongsToFromEntry((): FactoryFor<typeof documents> => documentFactory, { overrides: () => ({ title: 42 }) });
    // @ts-expect-error: the inferred side checks traits too
    const wrongTrait = belongsToFromEntry(() => fileFactory, { traits: ['full'] });
    for (const value of [withDocument, wrongKey, wrongOverride, wrongTrait]) expectTypeOf(value).not.toBeUndefined();
  });

  it('a has association inherits columns typed from both rows', () => {
    const kids = userFactory.has(
      'kids',
      hasMany(() => childFactory, 'parentId', { inherit: (parent) => ({ name: parent.firstName }) }),
    );
    expectTypeOf(kids.create).returns.resolves.toEqualTypeOf<User>();
    userFactory.has(
      'kids',
      // @ts-expect-error: the parent row has no "nickname"
      hasMany(() => childFactory, 'parentId', { inherit: (parent) => ({ name: parent.nickname }) }),
    );
    userFactory.has(
      'kids',
      // @ts-expect-error: named columns must be columns of both tables (users and children share only "id")
      hasMany(() => childFactory, 'parentId', { inherit: ['firstName'] }),
    );
    userFactory.has(
      'kids',
      // @ts-expect-error: the foreign key is a column of the child's table
      hasMany(() => childFactory, 'parentID'),
    );
  });
});
