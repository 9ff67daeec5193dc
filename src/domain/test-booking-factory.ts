import type { Booking, Child, User } from '../../schema/index.js';
import type { bookings } from '../../schema/index.js';
import type { Overrides } from '../factory/define-factory.js';
import { bookingFactory, childFactory } from './factories.js';
import { DomainFactory, type DomainFactoryOptions } from './domain-factory.js';
import { TestUserFactory, type InstructorWithProfile } from './test-user-factory.js';

export interface BookingScenario {
  parent: User;
  instructor: InstructorWithProfile;
  child: Child;
  booking: Booking;
}

export class TestBookingFactory extends DomainFactory {
  private readonly users: TestUserFactory;

  constructor(options?: DomainFactoryOptions) {
    super('TestBookingFactory', options);
    this.users = new TestUserFactory({ session: this.session });
  }

  /** A booking; parent, child and instructor are created unless given. */
  createBooking(overrides: Overrides<typeof bookings> = {}): Promise<Booking> {
    return this.use(bookingFactory).create(overrides);
  }

  createBookings(count: number, overrides: Overrides<typeof bookings> = {}): Promise<Booking[]> {
    return this.use(bookingFactory).createList(count, overrides);
  }

  /** Parent + instructor (with profile) + the parent's child + a booking between them. */
  async createBookingScenario(overrides: Overrides<typeof bookings> = {}): Promise<BookingScenario> {
    const [scenario] = await this.createBookingScenarios(1, overrides);
    return scenario!;
  }

  /** `count` independent scenarios in five INSERTs, whatever the count. */
  async createBookingScenarios(count: number, overrides: Overrides<typeof bookings> = {}): Promise<BookingScenario[]> {
    const parents = await this.users.createParents(count);
    const instructors = await this.users.createInstructors(count);
    const kids = await this.use(childFactory).createList(count, (i) => ({ parentId: parents[i]!.id }));
    const created = await this.use(bookingFactory).createList(count, (i) => ({
      ...overrides,
      parentId: parents[i]!.id,
      childId: kids[i]!.id,
      instructorId: instructors[i]!.id,
    }));
    return created.map((booking, i) => ({ parent: parents[i]!, instructor: instructors[i]!, child: kids[i]!, booking }));
  }
}
