import { expect, type Page } from '@playwright/test';
import type { Child, User } from '../../schema/index.js';
import { slotInputValue } from './app/slots.js';

/** A slot `days` from now at `hourUtc`:00 UTC: always in the future, always on the hour. */
export function futureSlot(days: number, hourUtc: number): Date {
  const slot = new Date();
  slot.setUTCDate(slot.getUTCDate() + days);
  slot.setUTCHours(hourUtc, 0, 0, 0);
  return slot;
}

export async function signInThroughForm(page: Page, user: Pick<User, 'email' | 'firstName' | 'lastName'>): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(user.email);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-user')).toHaveText(`${user.firstName} ${user.lastName}`);
}

/** Open the booking form from the instructors list and fill it in, without submitting. */
export async function fillBookingForm(page: Page, booking: { instructor: Pick<User, 'id' | 'email'>; child: Pick<Child, 'id'>; slot: Date }): Promise<void> {
  await page.goto('/instructors');
  // Other tests' instructors share the list (and maybe a name); the email is tagged, so it is unique.
  await page
    .getByRole('row')
    .filter({ hasText: booking.instructor.email })
    .getByRole('link', { name: /^Book / })
    .click();
  await expect(page.getByLabel('Instructor')).toHaveValue(booking.instructor.id);
  await page.getByLabel('Child').selectOption(booking.child.id);
  await page.getByLabel('Slot (UTC)').fill(slotInputValue(booking.slot));
}

export function submitBooking(page: Page): Promise<void> {
  return page.getByRole('button', { name: 'Book' }).click();
}
