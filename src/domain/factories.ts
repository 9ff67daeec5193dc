import { bookings, children, instructorProfiles, users } from '../../schema/index.js';
import { englishDefinitions } from '../factory/english-faker.js';
import { belongsTo, defineFactory } from '../factory/define-factory.js';

const en = englishDefinitions();
const FIRST_NAMES = en.person!.first_name!.generic!;
const LAST_NAMES = en.person!.last_name!.generic!;

/** Factories for the reference booking domain, written the way a user writes their own. */
export const userFactory = defineFactory(users, {
  name: 'userFactory',
  // Picks from faker's name lists rather than person.firstName()/internet.email(): those cost
  // microseconds a call, which is most of a thousand-row createList (see npm run bench).
  defaults: ({ faker }) => {
    const firstName = faker.helpers.arrayElement(FIRST_NAMES);
    const lastName = faker.helpers.arrayElement(LAST_NAMES);
    return {
      role: 'PARENT' as const,
      email: `${firstName}.${lastName}@example.test`.toLowerCase(),
      clerkId: `user_${faker.number.int({ max: 2 ** 48 }).toString(36)}`,
      firstName,
      lastName,
    };
  },
  traits: {
    parent: { role: 'PARENT' },
    instructor: { role: 'INSTRUCTOR' },
    admin: { role: 'ADMIN' },
  },
});

export const instructorProfileFactory = defineFactory(instructorProfiles, {
  name: 'instructorProfileFactory',
  associations: { userId: belongsTo(() => userFactory, { traits: ['instructor'] }) },
  defaults: ({ faker }) => ({
    bio: faker.lorem.sentence(),
    hourlyRate: faker.finance.amount({ min: 20, max: 120, dec: 2 }),
  }),
});

export const childFactory = defineFactory(children, {
  name: 'childFactory',
  associations: { parentId: belongsTo(() => userFactory, { traits: ['parent'] }) },
  defaults: ({ faker }) => ({
    name: faker.person.firstName(),
    birthDate: faker.date.birthdate({ min: 4, max: 16, mode: 'age' }).toISOString().slice(0, 10),
  }),
});

export const bookingFactory = defineFactory(bookings, {
  name: 'bookingFactory',
  // Declaration order matters: the child is created for the booking's parent.
  associations: {
    parentId: belongsTo(() => userFactory, { traits: ['parent'] }),
    childId: belongsTo(() => childFactory, { overrides: (booking) => ({ parentId: booking.parentId as string }) }),
    instructorId: belongsTo(() => userFactory, { traits: ['instructor'] }),
  },
  defaults: ({ faker }) => ({
    scheduledAt: nextHourSlot(faker.date.soon({ days: 30 })),
    status: 'CONFIRMED' as const,
    amount: faker.finance.amount({ min: 20, max: 120, dec: 2 }),
  }),
});

/** Bookings start on the hour, like the app's slots. */
export function nextHourSlot(date: Date): Date {
  const slot = new Date(date);
  slot.setUTCMinutes(0, 0, 0);
  slot.setUTCHours(slot.getUTCHours() + 1);
  return slot;
}
