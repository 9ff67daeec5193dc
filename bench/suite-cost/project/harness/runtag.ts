import { createRuntagTest } from 'runtag/vitest';
import * as schema from '../src/schema.js';
import { written } from './written.js';

// The test body's unique prefix is a run tag: unique across workers and runs, and what runtag's leak checks look for.
export const test = createRuntagTest({ schema }).extend<{ prefix: string }>({
  prefix: async ({ tag, db }, use) => {
    const prefix = tag.next();
    written.push({ db, prefix });
    await use(prefix);
  },
});
