// e2e/runtag.ts: the app as its own process, one copy per worker
import { createRuntagTest } from 'runtag/playwright';
import * as schema from '../src/db/schema.js';
import { userFactory } from '../test/factories.js';

export const test = createRuntagTest({
  schema,
  factories: { users: (session) => userFactory.withSession(session) },
  appServer: {
    command: 'npm run start', // run by /bin/sh in the config's directory (or `cwd`)
    url: '/health', // ready when this path answers 2xx, 3xx or 400–403; or wait: { stdout: /listening/ }
    env: { LOG_LEVEL: 'debug' }, // on top of the worker's environment; DATABASE_URL and PORT are runtag's
  },
});
export { expect } from 'runtag/playwright';
