/**
 * A belongsTo's `overrides` are the parent's overrides, typed from the parent factory's table:
 * `tsc` (the first step of `npm test`) fails if a misuse marked `@ts-expect-error` below compiles.
 */
import { pgTable, text, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { children } from '../../schema/index.js';
import { userFactory } from '../../src/domain/factories.js';
import { belongsTo, defineFactory, type Association, type FactoryFor } from '../../src/index.js';

const files = pgTable('files', {
  id: uuid('id').primaryKey().defaultRandom(),
  ownerId: text('owner_id').notNull(),
  documentId: uuid('document_id').references((): AnyPgColumn => documents.id),
});
const documents = pgTable('documents', {
  id: uuid('id').primaryKey().defaultRandom(),
  ownerId: text('owner_id').notNull(),
  fileId: uuid('file_id')
    .notNull()
    .references(() => files.id),
});

describe("belongsTo's overrides", () => {
  it("take the parent's columns with their types, whatever the row's", () => {
    const parent = belongsTo(() => userFactory, { overrides: (child) => ({ firstName: String(child.name), role: 'PARENT' as const }) });
    const none = belongsTo(() => userFactory, { overrides: () => ({}) });
    expectTypeOf(parent).toEqualTypeOf<Association>();
    const kids = defineFactory(children, { associations: { parentId: parent }, defaults: () => ({ name: 'x', birthDate: '2020-01-01' }) });
    expect(kids.name).toBe('childrenFactory');
    expect(none.overrides?.({})).toEqual({});
    expect(parent.overrides?.({ name: 'Ada' })).toEqual({ firstName: 'Ada', role: 'PARENT' });
  });

  it('refuse a column the parent does not have, alone, beside known ones, or in a variable', () => {
    // @ts-expect-error: users has no "nickname"
    belongsTo(() => userFactory, { overrides: () => ({ nickname: 'x' }) });
    // @ts-expect-error: nor next to a column it has
    belongsTo(() => userFactory, { overrides: (child) => ({ firstName: String(child.name), nickname: 'x' }) });
    const typo = { firstName: 'x', lastname: 'y' };
    // @ts-expect-error: a variable escapes the object-literal check, not this one
    belongsTo(() => userFactory, { overrides: () => typo });
    // @ts-expect-error: and a column keeps its type
    belongsTo(() => userFactory, { overrides: () => ({ firstName: 42 }) });
  });

  it('stay typed on the annotated side of two factories that refer to each other', () => {
    const fileFactory = defineFactory(files, {
      associations: {
        documentId: belongsTo((): FactoryFor<typeof documents> => documentFactory, {
          optional: true,
          overrides: (file) => ({ ownerId: file.ownerId as string }),
        }),
      },
      defaults: () => ({ ownerId: 'o' }),
    });
    const documentFactory = defineFactory(documents, { associations: { fileId: belongsTo(() => fileFactory) }, defaults: () => ({ ownerId: 'o' }) });
    // @ts-expect-error: documents has no "owner" (it has ownerId)
    belongsTo((): FactoryFor<typeof documents> => documentFactory, { overrides: () => ({ owner: 'o' }) });
    expect(documentFactory.name).toBe('documentsFactory');
  });
});
