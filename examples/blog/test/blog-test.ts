import { createRuntagTest } from 'runtag/vitest';
import * as schema from '../src/schema.js';
import { commentFactory, membershipFactory, organizationFactory, postFactory, postTagFactory, tagFactory, userFactory } from './factories.js';

/** The project's `test`: runtag's fixtures typed from this schema, plus its factories. */
export const test = createRuntagTest({
  schema,
  factories: {
    organizations: (session) => organizationFactory.withSession(session),
    users: (session) => userFactory.withSession(session),
    memberships: (session) => membershipFactory.withSession(session),
    posts: (session) => postFactory.withSession(session),
    comments: (session) => commentFactory.withSession(session),
    tags: (session) => tagFactory.withSession(session),
    postTags: (session) => postTagFactory.withSession(session),
  },
});

export { expect } from 'runtag/vitest';
