import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { RuntagError } from '../errors/runtag-error.js';
import { DrizzleInstances, drizzleOver, type DrizzleQueryConfig, type QueryTypes } from './drizzle-db.js';

/**
 * node-postgres, for apps whose code takes a `NodePgDatabase`: an optional peer, loaded only when a
 * scope is asked for a `db` on it (`createRuntagTest({ driver: 'pg' })`). runtag's own work (claims,
 * cleanup, leak checks) stays on postgres.js.
 */
async function loadPg(): Promise<{ Pool: PgPoolClass; drizzle: typeof import('drizzle-orm/node-postgres').drizzle }> {
  try {
    const [pg, { drizzle }] = await Promise.all([import('pg'), import('drizzle-orm/node-postgres')]);
    return { Pool: (pg.default ?? pg).Pool as unknown as PgPoolClass, drizzle };
  } catch (error) {
    throw new RuntagError('PG_NOT_INSTALLED', "runtag: driver 'pg' needs node-postgres, which is not installed: npm install --save-dev pg", { cause: error });
  }
}

/**
 * The part of node-postgres's Pool runtag uses, declared here rather than imported from 'pg': pg
 * ships no types, so runtag's declaration files would otherwise fail to compile (skipLibCheck off)
 * in a project without @types/pg, or without pg at all.
 */
interface PgPool {
  on(event: 'connect', listener: (client: { query: (...args: never[]) => unknown }) => void): unknown;
  end(): Promise<void>;
}
type PgPoolClass = new (config: { connectionString: string; max: number }) => PgPool;

/** Called with each statement the pool sends (its text), while anyone listens. */
export type StatementListener = (statement: string) => void;

/**
 * A node-postgres pool on a scope's URL (its role, its search_path), whose statements can be
 * listened to: query budgets count them as they count postgres.js's.
 */
export class NodePgScopePool {
  private readonly listeners = new Set<StatementListener>();
  private readonly dbs = new DrizzleInstances<unknown>((query) => drizzleOver(this.pool, query, this.drizzle as never));

  private constructor(
    private readonly pool: PgPool,
    private readonly drizzle: typeof import('drizzle-orm/node-postgres').drizzle,
  ) {}

  static async open(url: string, max: number): Promise<NodePgScopePool> {
    const { Pool, drizzle } = await loadPg();
    const scopePool = new NodePgScopePool(new Pool({ connectionString: url, max }), drizzle);
    scopePool.tap();
    return scopePool;
  }

  /** Drizzle on the pool, typed from (and with `db.query` for) the schema (drizzle-orm 1.0: the relations). */
  dbFor<TSchema extends Record<string, unknown>, TRelations extends Record<string, unknown> = {}>(
    query: DrizzleQueryConfig,
  ): NodePgDatabase<QueryTypes<TSchema, TRelations>> {
    return this.dbs.for(query) as NodePgDatabase<QueryTypes<TSchema, TRelations>>;
  }

  /** Listen to the statements the pool sends until the returned function is called. */
  listen(listener: StatementListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  end(): Promise<void> {
    return this.pool.end();
  }

  /** Every statement reaches a client's `query` (pool.query checks one out and calls it): each client is wrapped as it connects. */
  private tap(): void {
    const emit = (query: unknown) => {
      if (this.listeners.size === 0) return;
      const text = typeof query === 'string' ? query : (query as { text?: string } | undefined)?.text;
      if (text) for (const listener of this.listeners) listener(text.trim());
    };
    const wrap = <T extends { query: (...args: never[]) => unknown }>(target: T) => {
      const query = target.query.bind(target) as (...args: unknown[]) => unknown;
      (target as { query: unknown }).query = (...args: unknown[]) => {
        emit(args[0]);
        return query(...args);
      };
    };
    this.pool.on('connect', (client) => wrap(client));
  }
}
