import { belongsTo, defineFactory, hasMany, manyToMany, type FactoryFor } from 'runtag';
import { documents, files, filesToSessions, messages, sessions, users } from '../src/schema.js';

export const userFactory = defineFactory(users, {
  // A natural text key with no default: sequence('user') is unique across workers, files and runs
  // (faker is seeded per test name, so faker.string.uuid() would repeat in another file).
  defaults: ({ sequence, faker }) => ({ id: sequence('user'), email: faker.internet.email(), avatar: faker.internet.emoji() }),
});

const plainSessionFactory = defineFactory(sessions, {
  associations: { userId: belongsTo(() => userFactory) },
  defaults: ({ faker }) => ({ slug: faker.lorem.slug(2), title: faker.lorem.words(3), avatar: faker.internet.emoji() }),
  traits: { pinned: { pinned: true } },
});

export const messageFactory = defineFactory(messages, {
  associations: {
    userId: belongsTo(() => userFactory),
    // A message made on its own gets a session of the same user, not a second user.
    sessionId: belongsTo(() => plainSessionFactory, { overrides: (message) => ({ userId: message.userId as string }) }),
  },
  defaults: ({ faker }) => ({ content: faker.lorem.sentence(), meta: {} }),
  traits: { assistant: () => ({ role: 'assistant', meta: { model: 'gpt-4o-mini', tokens: 42 } }) },
});

// Files and documents refer to each other: the file side names the document factory's type
// (FactoryFor), which breaks TypeScript's inference cycle; the file's document is optional.
export const fileFactory = defineFactory(files, {
  associations: {
    userId: belongsTo(() => userFactory),
    documentId: belongsTo((): FactoryFor<typeof documents> => documentFactory, { optional: true, overrides: (file) => ({ userId: file.userId as string }) }),
  },
  transient: { large: false },
  defaults: ({ faker, transient }) => ({
    name: faker.system.fileName(),
    fileType: faker.system.mimeType(),
    size: transient.large ? 50_000_000 : faker.number.int({ min: 1, max: 1_000_000 }),
    fileHash: faker.string.hexadecimal({ length: 40, casing: 'lower', prefix: '' }),
  }),
});

export const documentFactory = defineFactory(documents, {
  associations: {
    userId: belongsTo(() => userFactory),
    fileId: belongsTo(() => fileFactory, { overrides: (doc) => ({ userId: doc.userId as string }) }),
  },
  defaults: ({ faker }) => ({ title: faker.lorem.words(2), content: faker.lorem.paragraph() }),
});

export const fileSessionFactory = defineFactory(filesToSessions, {
  associations: { fileId: belongsTo(() => fileFactory), sessionId: belongsTo(() => plainSessionFactory), userId: belongsTo(() => userFactory) },
  defaults: () => ({}),
});

// Declared once both sides exist: every child takes the session's user instead of making its own.
export const sessionFactory = plainSessionFactory
  .has(
    'messages',
    hasMany(() => messageFactory, 'sessionId', { count: 0, inherit: ['userId'] }),
  )
  .has(
    'files',
    manyToMany(() => fileFactory, {
      through: () => fileSessionFactory,
      from: 'sessionId',
      to: 'fileId',
      count: 0,
      inherit: ['userId'],
      inheritThrough: ['userId'],
    }),
  );
