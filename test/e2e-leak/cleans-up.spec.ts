import { expect, test } from '../../src/example/playwright.js';

test('creates rows in every table through the factories', async ({ bookings }) => {
  const scenario = await bookings.createBookingScenario();
  expect(scenario.booking.instructorId).toBe(scenario.instructor.id);
  expect(scenario.instructor.profile.userId).toBe(scenario.instructor.id);
});
