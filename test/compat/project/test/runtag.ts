import { createRuntagTest } from 'runtag/vitest';
import { query } from '../src/query.js';
import { organizationFactory, projectFactory, userFactory } from './factories.js';

/** The cell's `test`: db typed for its drizzle-orm major (src/query.ts is that major's), and the factories. */
export const test = createRuntagTest({
  ...query,
  factories: {
    organizations: (session) => organizationFactory.withSession(session),
    users: (session) => userFactory.withSession(session),
    projects: (session) => projectFactory.withSession(session),
  },
});

export { expect } from 'runtag/vitest';
