/**
 * runtag/example: the reference booking domain (schema, factories, TestUserFactory,
 * TestBookingFactory) that runtag's own tests, examples and `npm run demo` use. Your app brings
 * its own schema and factories; this is what they look like written out.
 */
export * as referenceSchema from '../../schema/index.js';
export { TestUserFactory, type InstructorWithProfile } from '../domain/test-user-factory.js';
export { TestBookingFactory, type BookingScenario } from '../domain/test-booking-factory.js';
export { userFactory, childFactory, bookingFactory, instructorProfileFactory } from '../domain/factories.js';
