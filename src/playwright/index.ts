/**
 * runtag/playwright for the reference booking domain: `createRuntagTest` (generic lifecycle and
 * database fixtures) extended with the domain's factories. Your own domain plugs in the same way;
 * the app under test is one more worker fixture on top (see test/e2e/fixtures.ts).
 */
import * as referenceSchema from '../../schema/index.js';
import { TestBookingFactory } from '../domain/test-booking-factory.js';
import { TestUserFactory } from '../domain/test-user-factory.js';
import { createRuntagTest } from './runtag-test.js';

export interface ReferenceDomainFixtures {
  users: TestUserFactory;
  bookings: TestBookingFactory;
}

export const test = createRuntagTest(referenceSchema).extend<ReferenceDomainFixtures>({
  users: async ({ session }, use) => use(new TestUserFactory({ session })),
  bookings: async ({ session }, use) => use(new TestBookingFactory({ session })),
});

export { expect } from '@playwright/test';
export { createRuntagTest, type RuntagTestFixtures, type RuntagWorkerFixtures } from './runtag-test.js';
export { runtagGlobalSetup, type PlaywrightRuntagOptions } from './global-setup.js';
export { runConfigFromEnv, RUN_CONFIG_ENV } from './run-config-env.js';
