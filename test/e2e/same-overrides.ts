import { tagged } from '../../src/index.js';
import { expect, test } from './fixtures.js';
import { fillBookingForm, futureSlot, submitBooking } from './flows.js';

/**
 * The same values in every file and test, as copy-pasted tests have them. Unique columns ask for
 * `tagged(...)`: stored as `<tag>-same.parent@example.test`, readable and unique per test.
 */
const SAME_PARENT = {
  email: tagged('same.parent@example.test'),
  clerkId: tagged('clerk_same'),
  firstName: 'Pat',
  lastName: 'Same',
};
const SAME_INSTRUCTOR = {
  email: tagged('same.instructor@example.test'),
  clerkId: tagged('clerk_same_instructor'),
  firstName: 'Sam',
  lastName: 'Same',
};
const SAME_SLOT_DAYS = 14;
const SAME_SLOT_HOUR = 11;

/**
 * The same tests in several files: with fullyParallel they spread over the workers, all writing the
 * "same" unique emails and clerk ids into one shared schema at once. Without run tags the second
 * insert would hit users_email_uq, as the plain values would.
 */
export function sameOverrideTests(file: string): void {
  test.describe(`identical factory overrides (${file})`, () => {
    test('the parent signs in and sees their own account', async ({ page, users, runtag, signIn }) => {
      const parent = await users.createParent(SAME_PARENT);

      expect(parent.email.startsWith(runtag.session.tag.prefix)).toBe(true);
      expect(parent.email.endsWith('-same.parent@example.test')).toBe(true);
      expect(parent.clerkId.endsWith('-clerk_same')).toBe(true);

      await signIn(page, parent);
      // Every test's parent is called "Pat Same": only the stored (tagged) email tells them apart.
      await expect(page.getByTestId('signed-in-email')).toHaveText(parent.email);
    });

    test('the parent books "the same" instructor for the same slot', async ({ page, users, signIn }) => {
      const parent = await users.createParent(SAME_PARENT);
      const child = await users.createChild(parent, { name: 'Robin' });
      const instructor = await users.createInstructor(SAME_INSTRUCTOR);
      const slot = futureSlot(SAME_SLOT_DAYS, SAME_SLOT_HOUR);

      await signIn(page, parent);
      await fillBookingForm(page, { instructor, child, slot });
      await submitBooking(page);

      // Each test's instructor is its own row, so the shared slot is free for every one of them.
      await expect(page.getByRole('status')).toHaveText('Booking confirmed.');
      await expect(page.getByRole('row').filter({ hasText: 'Sam Same' })).toContainText('Robin');
      await expect(page.getByTestId('signed-in-email')).toHaveText(parent.email);
    });
  });
}
