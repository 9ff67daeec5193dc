import { createRuntagTest } from 'runtag/vitest';
import * as schema from '../src/schema.js';
import { documentFactory, fileFactory, messageFactory, sessionFactory, userFactory } from './factories.js';

/** The project's `test`: runtag's fixtures typed from this schema, plus its factories. */
export const test = createRuntagTest({
  schema,
  factories: {
    users: (session) => userFactory.withSession(session),
    sessions: (session) => sessionFactory.withSession(session),
    messages: (session) => messageFactory.withSession(session),
    files: (session) => fileFactory.withSession(session),
    documents: (session) => documentFactory.withSession(session),
  },
});

export { expect } from 'runtag/vitest';
