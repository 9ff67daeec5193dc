import { createRuntagTest } from 'runtag/vitest';
import * as schema from '../src/schema.js';

// The test body's unique prefix is a run tag: unique across workers and runs, and what runtag's leak checks look for.
export const test = createRuntagTest(schema).extend<{ prefix: string }>({
  prefix: async ({ tag }, use) => use(tag.next()),
});
