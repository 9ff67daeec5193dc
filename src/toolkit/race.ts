import type { Sql } from '../db/connect.js';
import { drizzleOver, type RuntagDatabase } from '../db/drizzle-db.js';
import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
import { FactoryConstraintError } from '../factory/constraint-error.js';
import { ambientSession, hasAmbientSession } from '../factory/ambient-session.js';
import type { FactorySession } from '../factory/session.js';
import type { ScopeRuntime } from '../lifecycle/scope-runtime.js';
import { connectionSession } from './connection-session.js';
import { openFileConnection } from './file-connection.js';
import { freeConnections } from './free-connections.js';

/** Connections a race opens when not told otherwise: attempts beyond it queue for a free one. */
export const DEFAULT_RACE_CONNECTIONS = 10;

/** What one attempt gets: everything bound to its own connection, on the scope's schema. */
export interface RaceAttempt<TSchema extends Record<string, unknown>, TRelations extends Record<string, unknown> = {}> {
  /** 0 … n-1, in the order the attempts were asked for (not the order they ran). */
  index: number;
  /** Drizzle on this attempt's connection, typed from your schema (drizzle-orm 1.0: your relations). */
  db: RuntagDatabase<TSchema, TRelations>;
  /** The postgres.js client of this attempt's connection. */
  sql: Sql;
  /**
   * A factory session writing through this attempt's connection: `userFactory.withSession(session)`,
   * `new TestUserFactory({ session })`. Its rows are the file's: cleaned up with them.
   */
  session: FactorySession;
}

export interface RaceRejection {
  index: number;
  error: unknown;
  /** The violated constraint (unique index, foreign key, check…), if the failure was one. */
  constraint: string | undefined;
  /** The SQLSTATE, if the database raised the failure. */
  sqlState: string | undefined;
}

export interface RaceOptions<TSchema extends Record<string, unknown>, TRelations extends Record<string, unknown> = {}> {
  /**
   * Connections to race on: that many attempts run at the same moment, each on its own backend.
   * Default: min(n, 10), fewer when the server has fewer free; asking for more than are free fails.
   */
  connections?: number;
  /** Your Drizzle schema: types each attempt's `db` and gives it `db.query` (drizzle-orm 0.x). */
  schema?: TSchema;
  /** drizzle-orm 1.0: your `defineRelations(...)`, which its `db.query` is built from. */
  relations?: TRelations;
  /** The session whose tags, counters and tracker the attempts continue; default: the running test's. */
  session?: FactorySession;
}

export class RaceError extends RuntagError {
  constructor(code: CodeOf<'RaceError'>, message: string) {
    super(code, message);
  }
}

/** The outcome of `race`: what each attempt returned or threw, in attempt order. */
export class RaceResult<T> {
  constructor(
    readonly fulfilled: T[],
    readonly rejected: RaceRejection[],
    /** Connections the attempts ran on: at most this many ran at the same moment. */
    readonly connections: number,
  ) {}

  /** What the successful attempts returned (same as `fulfilled`). */
  get winners(): T[] {
    return this.fulfilled;
  }

  /** The constraint names of the rejections, one per rejection (undefined: not a constraint failure). */
  get constraints(): (string | undefined)[] {
    return this.rejected.map((r) => r.constraint);
  }

  /**
   * "Exactly one wins": the single winner's value, provided every other attempt failed on
   * `constraint`. Otherwise throws, saying how many won and what the others failed on.
   */
  singleWinner(constraint: string): T {
    const others = this.rejected.filter((r) => r.constraint !== constraint);
    if (this.fulfilled.length === 1 && others.length === 0) return this.fulfilled[0]!;
    const failures = [...new Map(others.map((r) => [r.constraint ?? briefly(r.error), r])).keys()];
    throw new RaceError(
      'RACE_OUTCOME',
      `runtag: expected exactly one of ${this.fulfilled.length + this.rejected.length} attempts to win and the others to fail on ` +
        `"${constraint}"; ${this.fulfilled.length} won, ${this.rejected.length - others.length} failed on "${constraint}"` +
        (others.length > 0 ? `, ${others.length} failed otherwise: ${failures.slice(0, 3).join('; ')}` : '') +
        '.',
    );
  }
}

/**
 * Run `attempt` n times truly concurrently against the scope's schema (the `runtag` fixture of a
 * Vitest file or a Playwright worker): the connections are
 * opened first, each attempt gets one to itself, and all are released together from a barrier.
 * With more attempts than connections, each connection runs its share back to back, so the first
 * `connections` attempts collide at the same instant and the rest meet what they left (see README).
 * Needs isolation "schema" or "shared": a test's rolled-back transaction cannot see other connections.
 */
export async function race<T, TSchema extends Record<string, unknown> = Record<string, unknown>, TRelations extends Record<string, unknown> = {}>(
  runtime: ScopeRuntime,
  n: number,
  attempt: (context: RaceAttempt<TSchema, TRelations>) => Promise<T>,
  options: RaceOptions<TSchema, TRelations> = {},
): Promise<RaceResult<T>> {
  if (!Number.isInteger(n) || n < 1)
    throw new RaceError('INVALID_RACE', `runtag: race(runtag, n, …) needs a whole number of attempts of at least 1, got ${n}.`);
  if (runtime.config.isolation === 'transaction') {
    throw new RaceError(
      'RACE_IN_TRANSACTION',
      'runtag: race() runs its attempts on connections of their own, and with isolation "transaction" each test runs inside a ' +
        "transaction that is rolled back: the attempts could not see the test's rows, nor the test theirs. Use isolation " +
        '"schema" (the default) or "shared" for the file that races, e.g. a Vitest project with provide: { runtagOptions: { isolation: "schema" } }.',
    );
  }
  const connections = await connectionCount(n, options.connections, runtime.config.databaseUrl, runtime.config.runId);
  // The running test's session (its tags, counters and tracker), else the scope's own.
  const parent = options.session ?? (hasAmbientSession() ? ambientSession() : runtime.session);
  const clients: Sql[] = [];
  try {
    for (let i = 0; i < connections; i++) clients.push(await openFileConnection(runtime, 'race'));
    // postgres.js connects lazily: a first statement on each makes every backend exist before the start.
    await Promise.all(clients.map((client) => client`select 1`));

    let release!: () => void;
    const barrier = new Promise<void>((resolve) => (release = resolve));
    const outcomes: PromiseSettledResult<T>[] = new Array(n);
    let next = 0;
    const lanes = clients.map(async (client) => {
      const db = drizzleOver<RuntagDatabase<TSchema, TRelations>>(client, { schema: options.schema, relations: options.relations });
      await barrier;
      for (let index = next++; index < n; index = next++) {
        const session = connectionSession(parent, db, `${parent.label} race #${index}`);
        try {
          outcomes[index] = { status: 'fulfilled', value: await attempt({ index, db, sql: client, session }) };
        } catch (reason) {
          outcomes[index] = { status: 'rejected', reason };
        }
      }
    });
    release();
    await Promise.all(lanes);

    const fulfilled: T[] = [];
    const rejected: RaceRejection[] = [];
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') fulfilled.push(outcome.value);
      else rejected.push({ index, error: outcome.reason, ...constraintOf(outcome.reason) });
    });
    return new RaceResult(fulfilled, rejected, connections);
  } finally {
    await Promise.all(clients.map((client) => client.end({ timeout: 5 })));
  }
}

async function connectionCount(n: number, asked: number | undefined, url: string, runId: Parameters<typeof freeConnections>[1]): Promise<number> {
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 1)) {
    throw new RaceError('INVALID_RACE', `runtag: race's connections option must be a whole number of at least 1, got ${asked}.`);
  }
  const wanted = Math.min(n, asked ?? DEFAULT_RACE_CONNECTIONS);
  if (wanted === 1) return 1;
  // Half of what is free: another file of this run (or another run) may be racing at the same time.
  const free = Math.floor((await freeConnections(url, runId)) / 2);
  if (asked !== undefined ? free < wanted : free < 2) {
    throw new RaceError(
      'RACE_NO_CONNECTIONS',
      `runtag: race() wanted ${wanted} connections of its own, but the server has only ${free} to spare beyond what the runs using it ` +
        'have leased (half of its free connections, so that files racing at the same time both fit). Ask for fewer ' +
        '(race(runtag, n, attempt, { connections })), run fewer workers, or raise max_connections.',
    );
  }
  return Math.min(wanted, free);
}

/** The constraint and SQLSTATE behind a failure: runtag's factory errors, Drizzle's wrapped query errors, postgres.js's own. */
export function constraintOf(error: unknown): { constraint: string | undefined; sqlState: string | undefined } {
  for (let e = error as Record<string, unknown> | undefined, depth = 0; e && typeof e === 'object' && depth < 5; e = e.cause as typeof e, depth++) {
    if (e instanceof FactoryConstraintError) return { constraint: e.constraint, sqlState: e.sqlState };
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
      return { constraint: typeof e.constraint_name === 'string' ? e.constraint_name : undefined, sqlState: e.code };
    }
  }
  return { constraint: undefined, sqlState: undefined };
}

function briefly(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error);
}
