/** runtag/example/vitest: `test` for the reference domain, written as a user writes theirs. */
import * as schema from '../../schema/index.js';
import { TestBookingFactory } from '../domain/test-booking-factory.js';
import { TestUserFactory } from '../domain/test-user-factory.js';
import { createRuntagTest } from '../vitest/runtag-test.js';

export const test = createRuntagTest({
  schema,
  factories: {
    users: (session) => new TestUserFactory({ session }),
    bookings: (session) => new TestBookingFactory({ session }),
  },
});

export { expect } from 'vitest';
