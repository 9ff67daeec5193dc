import { connect } from '../../src/db/connect.js';

export interface SlotHold {
  /** Sessions whose statements are waiting for the hold to end. */
  queuedBehind(): Promise<number>;
  /** Roll the held booking back: the queued INSERTs then race for the free slot. */
  release(): Promise<void>;
}

/**
 * Take an instructor's slot with a booking that is inserted but not committed. Any other INSERT
 * for that slot waits on the unique index until the hold ends, so requests sent "at once" really
 * do meet at the database at once, however the browser and server happen to schedule them.
 * A connection of its own, outside the app's pool, so the app never waits for one.
 */
export async function holdSlot(
  target: { databaseUrl: string; schema: string },
  booking: { instructorId: string; parentId: string; childId: string; scheduledAt: Date },
): Promise<SlotHold> {
  const sql = connect(target.databaseUrl, { max: 1, searchPath: target.schema, applicationName: 'e2e slot hold' });
  const connection = await sql.reserve();
  try {
    await connection`begin`;
    await connection`
      insert into bookings (parent_id, instructor_id, child_id, scheduled_at, status, amount)
      values (${booking.parentId}, ${booking.instructorId}, ${booking.childId}, ${booking.scheduledAt}, 'CONFIRMED', 0)`;
  } catch (error) {
    connection.release();
    await sql.end({ timeout: 5 });
    throw error;
  }
  let released = false;
  return {
    async queuedBehind() {
      const [row] = await connection<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity where pg_backend_pid() = any(pg_blocking_pids(pid))`;
      return row!.n;
    },
    async release() {
      if (released) return;
      released = true;
      try {
        await connection`rollback`;
      } finally {
        connection.release();
        await sql.end({ timeout: 5 });
      }
    },
  };
}
