// test/runtag.ts: runtag's `test`, typed from your schema, with your factories as fixtures
import { createRuntagTest } from 'runtag/vitest';
import * as schema from '../src/db/schema.js';
import { childFactory, userFactory } from './factories.js';

export const test = createRuntagTest({
  schema,
  factories: {
    users: (session) => userFactory.withSession(session),
    children: (session) => childFactory.withSession(session),
  },
});
export { expect } from 'runtag/vitest';
