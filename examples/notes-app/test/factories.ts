import { belongsTo, defineFactory, type FactorySession } from 'runtag';
import { notes, noteShares, users } from '../src/db/schema.js';

// Emails are lower-case, as the app stores them (it looks them up lower-cased); runtag tags them.
export const userFactory = defineFactory(users, {
  defaults: ({ faker }) => ({ email: faker.internet.email().toLowerCase(), name: faker.person.fullName() }),
});

export const noteFactory = defineFactory(notes, {
  associations: { authorId: belongsTo(() => userFactory) },
  defaults: ({ faker }) => ({ title: faker.lorem.words(3), body: faker.lorem.sentence() }),
  traits: { pinned: { pinned: true } },
});

export const shareFactory = defineFactory(noteShares, {
  associations: { noteId: belongsTo(() => noteFactory), userId: belongsTo(() => userFactory) },
  defaults: () => ({}),
});

/** The factories as createRuntagTest's fixtures, for the Vitest files and the e2e tests alike. */
export const notesFactories = {
  users: (session: FactorySession) => userFactory.withSession(session),
  notes: (session: FactorySession) => noteFactory.withSession(session),
  shares: (session: FactorySession) => shareFactory.withSession(session),
};
