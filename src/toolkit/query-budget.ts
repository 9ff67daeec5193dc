import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
import type { ScopeRuntime } from '../lifecycle/scope-runtime.js';
import { recordStatements } from './statement-recorder.js';

export class QueryBudgetError extends RuntagError {
  constructor(
    code: CodeOf<'QueryBudgetError'>,
    message: string,
    readonly statements: readonly string[],
  ) {
    super(code, message);
  }
}

/** Statements the callback sent, and what it returned. */
export interface QueryCount<T> {
  value: T;
  count: number;
  statements: string[];
}

/** Checks on the number of statements a callback sends; each runs the callback and resolves to what it returned. */
export interface QueryBudget<T> {
  /** At most `max` statements (N+1 detection): `await expectQueries(runtag, () => feed(db)).toBeAtMost(2)`. */
  toBeAtMost(max: number): Promise<T>;
  /** Exactly `count` statements. */
  toBe(count: number): Promise<T>;
}

/**
 * Count the statements `fn` sends through the scope's connections: the `db` fixture
 * (the test's transaction too), the factories and the session, so pass those to the code under
 * test. BEGIN, COMMIT and SAVEPOINT count as statements; a client of the app's own is not seen.
 */
export function expectQueries<T>(runtime: ScopeRuntime, fn: () => T | Promise<T>): QueryBudget<T> {
  const check = async (fits: (count: number) => boolean, expected: string): Promise<T> => {
    const { value, count, statements } = await countQueries(runtime, fn);
    if (!fits(count)) {
      throw new QueryBudgetError(
        'QUERY_BUDGET_EXCEEDED',
        `runtag: expected ${expected}, but the callback sent ${count}` +
          `${count > 0 ? `:\n${summarize(statements)}` : '.'}` +
          (hasRepeats(statements) ? '\nA statement repeated per row is an N+1 query: load the rows in one query (a join, inArray, or db.query … with).' : ''),
        statements,
      );
    }
    return value;
  };
  return {
    toBeAtMost: (max) => check((count) => count <= checkedCount(max), `at most ${plural(max)}`),
    toBe: (count) => check((sent) => sent === checkedCount(count), `exactly ${plural(count)}`),
  };
}

/** Run `fn` and count the statements it sends through the scope's connections. */
export async function countQueries<T>(runtime: ScopeRuntime, fn: () => T | Promise<T>): Promise<QueryCount<T>> {
  // The `db` fixture on node-postgres (driver 'pg') sends through the scope's pg pool: listened to as well.
  const nodePg = await runtime.nodePgPools();
  const fromPg: string[] = [];
  const stops = nodePg.map((pool) => pool.listen((statement) => fromPg.push(statement)));
  const stopListening = () => {
    for (const stop of stops) stop();
  };
  try {
    const { value, statements } = await recordStatements(runtime.statementPools(), fn);
    const all = [...statements, ...fromPg];
    return { value, count: all.length, statements: all };
  } finally {
    stopListening?.();
  }
}

function checkedCount(n: number): number {
  if (!Number.isInteger(n) || n < 0)
    throw new QueryBudgetError('INVALID_QUERY_BUDGET', `runtag: a query budget is a whole number of statements (0 or more), got ${n}.`, []);
  return n;
}

function plural(n: number): string {
  return `${n} statement${n === 1 ? '' : 's'}`;
}

/** Identical statements grouped, in order of first appearance, with how often each was sent. */
function summarize(statements: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const statement of statements) counts.set(statement, (counts.get(statement) ?? 0) + 1);
  const lines = [...counts].map(([statement, n]) => `  ${String(n).padStart(3)}× ${statement.replace(/\s+/g, ' ').slice(0, 160)}`);
  return lines.length > 12 ? [...lines.slice(0, 12), `  … and ${lines.length - 12} other statement(s)`].join('\n') : lines.join('\n');
}

function hasRepeats(statements: readonly string[]): boolean {
  return new Set(statements).size < statements.length;
}
