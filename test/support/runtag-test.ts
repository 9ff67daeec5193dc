import * as schema from '../../schema/index.js';
import { createRuntagTest } from '../../src/vitest/runtag-test.js';

/** runtag's `test` for the reference schema without factories: the `runtag`, `db`, `session` and `tag` fixtures. */
export const test = createRuntagTest({ schema });
