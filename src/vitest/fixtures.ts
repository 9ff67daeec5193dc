import { test as base } from 'vitest';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type * as referenceSchema from '../../schema/index.js';
import { TestBookingFactory } from '../domain/test-booking-factory.js';
import { TestUserFactory } from '../domain/test-user-factory.js';
import type { FactorySession } from '../factory/session.js';
import type { Tagger } from '../run/tag.js';
import { currentRuntime } from './setup.js';

export interface RuntagFixtures {
  /** Drizzle bound to this file's schema (or the shared one). */
  db: PostgresJsDatabase<typeof referenceSchema>;
  users: TestUserFactory;
  bookings: TestBookingFactory;
  /** Tagged values for this file: tag.email('alice'), tag.value('slug', 40), tag.next(). */
  tag: Tagger;
  /** This file's factory session: pass it to your own factories with factory.withSession(session). */
  session: FactorySession;
}

/** `test` with runtag's fixtures for the reference domain; rows are cleaned after the file. */
export const test = base.extend<RuntagFixtures>({
  // eslint-disable-next-line no-empty-pattern
  db: async ({}, use) => use(currentRuntime().db as unknown as RuntagFixtures['db']),
  // eslint-disable-next-line no-empty-pattern
  users: async ({}, use) => use(new TestUserFactory()),
  // eslint-disable-next-line no-empty-pattern
  bookings: async ({}, use) => use(new TestBookingFactory()),
  // eslint-disable-next-line no-empty-pattern
  tag: async ({}, use) => use(currentRuntime().session.tag),
  // eslint-disable-next-line no-empty-pattern
  session: async ({}, use) => use(currentRuntime().session),
});

export { expect } from 'vitest';
