/**
 * runtag/example/playwright: `createRuntagTest` for the reference booking domain, with its
 * factories. Your own domain plugs in the same way; the app under test is one more worker fixture
 * on top (see test/e2e/fixtures.ts).
 */
import * as schema from '../../schema/index.js';
import { TestBookingFactory } from '../domain/test-booking-factory.js';
import { TestUserFactory } from '../domain/test-user-factory.js';
import { createRuntagTest } from '../playwright/runtag-test.js';

export const test = createRuntagTest({
  schema,
  factories: {
    users: (session) => new TestUserFactory({ session }),
    bookings: (session) => new TestBookingFactory({ session }),
  },
});

export { expect } from '@playwright/test';
