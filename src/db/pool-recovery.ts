import type { Sql } from '../db/connect.js';
import { isConnectionLoss } from '../db/connection-error.js';
import { RuntagError } from '../errors/runtag-error.js';

/** Rounds of statements before giving up: each round reconnects whatever the previous one found dead. */
const ROUNDS = 5;

/**
 * Bring a pool whose backends were terminated back to health: one statement per connection, at
 * the same time so each connection gets one, repeated until a round passes. Needed beyond
 * postgres.js's own reconnecting: a connection that had a statement in flight when its backend was
 * terminated fails the first statement after it reconnects with that old error (postgres.js 3.4.9
 * keeps it; see porsager/postgres#1223 for the same replay after a kill during start-up). These
 * statements take that replay, not runtag's cleanup or the next test. Run it when the pool is quiet.
 */
export async function recoverPool(sql: Sql): Promise<void> {
  let last: unknown;
  for (let round = 0; round < ROUNDS; round++) {
    const outcomes = await Promise.allSettled(Array.from({ length: sql.options.max }, () => sql`select 1`));
    const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    if (failures.length === 0) return;
    const other = failures.find((error) => !isConnectionLoss(error));
    if (other) throw other;
    last = failures[0];
  }
  throw new RuntagError(
    'CONNECTIONS_NOT_RECOVERED',
    `runtag: the file's connections did not come back within ${ROUNDS} rounds after terminateConnections(): ${(last as Error)?.message ?? last}. ` +
      'Is the database still reachable?',
    { cause: last },
  );
}
