/**
 * runtag: what a test author writes and catches. Factories for a Drizzle table and their
 * associations, tagged values, the session factories write through (and the `tag` it carries),
 * the options' types, and runtag's errors. The rest has an entry per audience:
 *   runtag/vitest, runtag/playwright  the test, its fixtures, the global setup, CI defaults;
 *   runtag/toolkit                    races, chaos helpers, query budgets and snapshots;
 *   runtag/advanced                   the parts below them: run ids, connections, the server,
 *                                     the registry and sweep, TestSchema, the leak verifier.
 */
export {
  defineFactory,
  Factory,
  type FactoryFor,
  type AnyFactory,
  type FactorySpec,
  type BuildContext,
  type CreateContext,
  type BuildOptions,
  type Overrides,
  type ListOverrides,
  type InsertOf,
  type RowOf,
} from './factory/define-factory.js';
export { belongsTo, belongsToSelf, hasMany, manyToMany } from './factory/associations.js';
export type { Association, HasAssociation } from './factory/factory-types.js';
export { tagged, type TaggedValue } from './factory/tagged.js';
export { FactorySession, type FactorySessionOptions } from './factory/session.js';
export { Tagger } from './run/tag.js';
export type { RuntagOptions } from './options/runtag-options.js';
export type { SeedData } from './isolation/seed-data.js';

// Errors: every one is a RuntagError with a stable `code` (docs/errors.md). These are the ones a
// test or a script catches; the errors of the advanced parts come from runtag/advanced, the
// toolkit's from runtag/toolkit.
export { RuntagError, RuntagAggregateError, type RuntagErrorCode } from './errors/runtag-error.js';
export { FactoryValueError } from './factory/value-error.js';
export { FactoryKeyError } from './factory/check-keys.js';
export { FactoryConstraintError, AbortedTransactionError } from './factory/constraint-error.js';
export { CleanupError } from './factory/tracker.js';
export { LeakError } from './leaks/report.js';
