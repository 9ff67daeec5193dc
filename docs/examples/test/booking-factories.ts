// test/booking-factories.ts: associations, traits, transient parameters, children
import { belongsTo, defineFactory, hasMany } from 'runtag';
import { bookings, instructorProfiles } from '../src/db/schema.js';
import { childFactory, userFactory } from './factories.js';

export const instructorFactory = defineFactory(instructorProfiles, {
  associations: { userId: belongsTo(() => userFactory, { traits: ['instructor'] }) },
  transient: { senior: false }, // a parameter of the factory, not a column
  defaults: ({ faker, transient }) => ({
    bio: faker.lorem.sentence(),
    hourlyRate: transient.senior ? '90.00' : '40.00',
  }),
});

export const bookingFactory = defineFactory(bookings, {
  associations: {
    parentId: belongsTo(() => userFactory),
    // The child is made for the booking's own parent: overrides built from the row being made.
    childId: belongsTo(() => childFactory, { overrides: (booking) => ({ parentId: booking.parentId as string }) }),
    instructorId: belongsTo(() => userFactory, { traits: ['instructor'] }),
  },
  defaults: ({ faker }) => ({
    scheduledAt: faker.date.soon({ days: 30 }),
    amount: '40.00',
  }),
  traits: {
    cancelled: () => ({ status: 'CANCELLED' as const }), // a function trait keeps the enum literal
  },
});

// Declared once both sides exist: a parent with children, one INSERT per table for any count.
export const familyFactory = userFactory.has(
  'children',
  hasMany(() => childFactory, 'parentId', { count: 2 }),
);
