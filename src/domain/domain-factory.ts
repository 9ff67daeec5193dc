import type { PgTable } from 'drizzle-orm/pg-core';
import type { Factory } from '../factory/define-factory.js';
import { ambientSession } from '../factory/ambient-session.js';
import { FactorySession } from '../factory/session.js';
import type { AnyPgDatabase } from '../factory/db-binding.js';

/**
 * Which session the domain factory's factories are bound to (`withSession`): the running test's
 * when neither is given, `session`, or, the same thing written shorter, `db` for
 * `session: new FactorySession({ db })`.
 */
export interface DomainFactoryOptions {
  /** Short for `session: new FactorySession({ db })`: a session of its own (rows tracked by this object's cleanup()). */
  db?: AnyPgDatabase;
  /** Share an existing session (its run tag, seed and tracker). */
  session?: FactorySession;
}

/** Base of the domain factories: resolves the session once, at construction. */
export abstract class DomainFactory {
  readonly session: FactorySession;

  protected constructor(name: string, options: DomainFactoryOptions = {}) {
    this.session = options.session ?? (options.db ? new FactorySession({ db: options.db }) : ambientSession(`new ${name}()`));
  }

  protected use<T extends PgTable, TTraits extends string, TTransient extends object, TAssoc extends string>(
    factory: Factory<T, TTraits, TTransient, TAssoc>,
  ): Factory<T, TTraits, TTransient, TAssoc> {
    return factory.withSession(this.session);
  }

  /** Delete every row created through this factory's session, children before parents. */
  cleanup(): Promise<number> {
    return this.session.cleanup();
  }
}
