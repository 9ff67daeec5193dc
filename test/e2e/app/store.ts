import { and, asc, eq } from 'drizzle-orm';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type * as schema from '../../../schema/index.js';
import { bookings, children, instructorProfiles, users, type Child, type User } from '../../../schema/index.js';

export type AppDb = PostgresJsDatabase<typeof schema>;

export interface InstructorListing {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  hourlyRate: string;
  bio: string;
}

export interface BookingListing {
  id: string;
  scheduledAt: Date;
  status: string;
  amount: string;
  childName: string;
  instructorFirstName: string;
  instructorLastName: string;
}

export type BookingOutcome = { booked: true; bookingId: string } | { booked: false; reason: 'slot-taken' | 'not-your-child' | 'no-such-instructor' };

/** SQLSTATE unique_violation, and the partial index that keeps one live booking per instructor slot. */
const UNIQUE_VIOLATION = '23505';
const INSTRUCTOR_SLOT_INDEX = 'bookings_instructor_slot_uq';

/** Every query the app makes, on the pool it was given (whose search_path selects the schema). */
export class Store {
  constructor(private readonly db: AppDb) {}

  async userByEmail(email: string): Promise<User | undefined> {
    const [user] = await this.db.select().from(users).where(eq(users.email, email)).limit(1);
    return user;
  }

  async userById(id: string): Promise<User | undefined> {
    if (!isUuid(id)) return undefined;
    const [user] = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return user;
  }

  instructors(): Promise<InstructorListing[]> {
    return this.db
      .select({
        id: users.id,
        firstName: users.firstName,
        lastName: users.lastName,
        email: users.email,
        hourlyRate: instructorProfiles.hourlyRate,
        bio: instructorProfiles.bio,
      })
      .from(users)
      .innerJoin(instructorProfiles, eq(instructorProfiles.userId, users.id))
      .where(eq(users.role, 'INSTRUCTOR'))
      .orderBy(asc(users.lastName), asc(users.firstName), asc(users.id));
  }

  childrenOf(parentId: string): Promise<Child[]> {
    return this.db.select().from(children).where(eq(children.parentId, parentId)).orderBy(asc(children.name), asc(children.id));
  }

  bookingsOf(parentId: string): Promise<BookingListing[]> {
    return this.db
      .select({
        id: bookings.id,
        scheduledAt: bookings.scheduledAt,
        status: bookings.status,
        amount: bookings.amount,
        childName: children.name,
        instructorFirstName: users.firstName,
        instructorLastName: users.lastName,
      })
      .from(bookings)
      .innerJoin(children, eq(children.id, bookings.childId))
      .innerJoin(users, eq(users.id, bookings.instructorId))
      .where(eq(bookings.parentId, parentId))
      .orderBy(asc(bookings.scheduledAt), asc(bookings.id));
  }

  /**
   * Books the slot, leaving the "one live booking per instructor slot" rule to the database:
   * a check-then-insert would let two simultaneous requests both pass the check.
   */
  async book(parent: User, request: { instructorId: string; childId: string; scheduledAt: Date }): Promise<BookingOutcome> {
    if (!isUuid(request.childId)) return { booked: false, reason: 'not-your-child' };
    const [child] = await this.db
      .select({ id: children.id })
      .from(children)
      .where(and(eq(children.id, request.childId), eq(children.parentId, parent.id)));
    if (!child) return { booked: false, reason: 'not-your-child' };

    if (!isUuid(request.instructorId)) return { booked: false, reason: 'no-such-instructor' };
    const [instructor] = await this.db
      .select({ hourlyRate: instructorProfiles.hourlyRate })
      .from(users)
      .innerJoin(instructorProfiles, eq(instructorProfiles.userId, users.id))
      .where(and(eq(users.id, request.instructorId), eq(users.role, 'INSTRUCTOR')));
    if (!instructor) return { booked: false, reason: 'no-such-instructor' };

    try {
      const [created] = await this.db
        .insert(bookings)
        .values({
          parentId: parent.id,
          childId: child.id,
          instructorId: request.instructorId,
          scheduledAt: request.scheduledAt,
          status: 'CONFIRMED',
          amount: instructor.hourlyRate,
        })
        .returning({ id: bookings.id });
      return { booked: true, bookingId: created!.id };
    } catch (error) {
      if (violates(error, INSTRUCTOR_SLOT_INDEX)) return { booked: false, reason: 'slot-taken' };
      throw error;
    }
  }
}

/** Drizzle wraps the driver's error; the SQLSTATE and constraint name are on one of its causes. */
function violates(error: unknown, constraint: string): boolean {
  for (let e = error as { code?: unknown; constraint_name?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === UNIQUE_VIOLATION && e.constraint_name === constraint) return true;
  }
  return false;
}

/** Ids come from forms and cookies; anything else would be a uuid syntax error in PostgreSQL. */
function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
