// e2e/runtag.ts: the same createRuntagTest, from runtag/playwright
import { createRuntagTest } from 'runtag/playwright';
import * as schema from '../src/db/schema.js';
import { childFactory, userFactory } from '../test/factories.js';

export const test = createRuntagTest({
  schema,
  factories: {
    users: (session) => userFactory.withSession(session),
    children: (session) => childFactory.withSession(session),
  },
});
export { expect } from 'runtag/playwright';
