import { eq } from 'drizzle-orm';
import { bookings as bookingsTable } from '../../schema/index.js';
import { formatSlot } from './app/slots.js';
import { expect, test } from './fixtures.js';
import { fillBookingForm, futureSlot, submitBooking } from './flows.js';

test('a parent books an instructor and finds the lesson under "My bookings"', async ({ page, users, db, signIn }) => {
  const parent = await users.createParent();
  const child = await users.createChild(parent);
  const instructor = await users.createInstructor();
  const slot = futureSlot(7, 15);

  await signIn(page, parent);
  await fillBookingForm(page, { instructor, child, slot });
  await submitBooking(page);

  await expect(page).toHaveURL(/\/bookings\?booked=1$/);
  await expect(page.getByRole('status')).toHaveText('Booking confirmed.');
  const lesson = page.getByRole('row').filter({ hasText: formatSlot(slot) });
  await expect(lesson).toHaveCount(1);
  await expect(lesson).toContainText(`${instructor.firstName} ${instructor.lastName}`);
  await expect(lesson).toContainText(child.name);
  await expect(lesson).toContainText('CONFIRMED');

  const stored = await db.select().from(bookingsTable).where(eq(bookingsTable.parentId, parent.id));
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({
    instructorId: instructor.id,
    childId: child.id,
    scheduledAt: slot,
    status: 'CONFIRMED',
    amount: instructor.profile.hourlyRate,
  });
});

test('a parent cannot book a slot the instructor already has', async ({ page, users, bookings, signIn }) => {
  const parent = await users.createParent();
  const child = await users.createChild(parent);
  const instructor = await users.createInstructor();
  const slot = futureSlot(8, 9);
  await bookings.createBooking({ instructorId: instructor.id, scheduledAt: slot });

  await signIn(page, parent);
  await fillBookingForm(page, { instructor, child, slot });
  await submitBooking(page);

  await expect(page.getByRole('alert')).toHaveText('That slot is already taken');
  // The form keeps what was chosen, so the parent only has to change the time.
  await expect(page.getByLabel('Instructor')).toHaveValue(instructor.id);
  await expect(page.getByLabel('Child')).toHaveValue(child.id);
  await page.goto('/bookings');
  await expect(page.getByText('No bookings yet.')).toBeVisible();
});

test('on a phone (the mobile project), the booking form fits the screen and takes touch', async ({ page, users, signIn }, testInfo) => {
  test.skip(testInfo.project.name !== 'mobile', 'phone emulation runs in the mobile project');
  const parent = await users.createParent();
  const instructor = await users.createInstructor();
  await signIn(page, parent);
  await page.goto('/instructors');
  await page
    .getByRole('row')
    .filter({ hasText: instructor.email })
    .getByRole('link', { name: /^Book / })
    .tap();
  await expect(page.getByRole('button', { name: /book/i })).toBeVisible();
  // A string, evaluated in the page (this project's TypeScript has no DOM types).
  const screen = (await page.evaluate(
    '({ touch: navigator.maxTouchPoints > 0, width: window.innerWidth, overflow: document.documentElement.scrollWidth - window.innerWidth })',
  )) as { touch: boolean; width: number; overflow: number };
  expect(screen.touch).toBe(true);
  expect(screen.width).toBeLessThan(500);
  // No sideways scrolling: the form is usable without zooming out.
  expect(screen.overflow).toBeLessThanOrEqual(0);
});
