import type { Faker } from '@faker-js/faker';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Tagger } from '../run/tag.js';
import { explainInsertError } from './constraint-error.js';
import { currentSession, type FactorySession } from './session.js';
import { tableMeta } from './table-meta.js';

export type InsertOf<T extends PgTable> = T['$inferInsert'];
export type RowOf<T extends PgTable> = T['$inferSelect'];
export type Overrides<T extends PgTable> = Partial<InsertOf<T>>;
/** One set of overrides for every row, or one per row index. */
export type ListOverrides<T extends PgTable> = Overrides<T> | ((index: number) => Overrides<T>);

export interface BuildContext<TTransient> {
  /** Seeded per test file and per test: replay with RUNTAG_SEED. */
  faker: Faker;
  /** 1, 2, 3… for this factory within the current scope. */
  seq: number;
  /** A string unique across workers, processes and machines: `<run>-<scope>-<n>[-base]`. */
  sequence(base?: string): string;
  tag: Tagger;
  transient: TTransient;
}

export interface CreateContext<TTransient> {
  session: FactorySession;
  transient: TTransient;
}

/** A foreign key filled by creating a parent row through another factory, unless one is given. */
export interface Association {
  readonly factory: () => AnyFactory;
  readonly traits: readonly string[];
  /** Overrides for the parent, from this row's attributes (associations resolve in declaration order). */
  readonly overrides: ((attributes: Record<string, unknown>) => Record<string, unknown>) | undefined;
  /** The parent's column the foreign key takes; defaults to "id". */
  readonly key: string;
}

type TraitSpec<T extends PgTable, TTransient> = Overrides<T> | ((ctx: BuildContext<TTransient>) => Overrides<T>);
/** Required insert columns (no default, not nullable). */
type RequiredColumns<T extends PgTable> = { [K in keyof InsertOf<T>]-?: {} extends Pick<InsertOf<T>, K> ? never : K }[keyof InsertOf<T>];
/** Required columns that neither the defaults nor an association fill: a compile error when not empty. */
type UnfilledColumns<T extends PgTable, TAssoc, TDefaults> = Exclude<RequiredColumns<T>, TAssoc | keyof TDefaults>;
type UnknownColumns<T extends PgTable, TDefaults> = Exclude<keyof TDefaults, keyof InsertOf<T>>;
type DefaultsCheck<T extends PgTable, TAssoc, TDefaults> = [UnfilledColumns<T, TAssoc, TDefaults>] extends [never]
  ? [UnknownColumns<T, TDefaults>] extends [never]
    ? unknown
    : { defaults: `runtag: defaults name column(s) the table does not have: ${UnknownColumns<T, TDefaults> & string}` }
  : { defaults: `runtag: defaults must fill the required column(s) ${UnfilledColumns<T, TAssoc, TDefaults> & string}` };

export interface FactorySpec<
  T extends PgTable,
  TAssoc extends keyof InsertOf<T> & string,
  TTraits extends string,
  TTransient extends object,
  TDefaults extends Overrides<T> = Overrides<T>,
> {
  /** Shown in error messages; defaults to the table name. */
  name?: string;
  /** Every required column except the associations must get a value here (checked at compile time). */
  defaults: (ctx: BuildContext<TTransient>) => TDefaults;
  associations?: { [K in TAssoc]: Association };
  traits?: { [K in TTraits]: TraitSpec<T, TTransient> };
  /** Parameters that steer building but are not columns, with their default values. */
  transient?: TTransient;
  afterCreate?: (row: RowOf<T>, ctx: CreateContext<TTransient>) => void | Promise<void>;
}

export interface BuildOptions<TTraits extends string, TTransient> {
  traits?: readonly TTraits[];
  transient?: Partial<TTransient>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFactory = Factory<any, any, any, any>;
export type TraitsOf<F extends AnyFactory> = F['traitNames'][number];
export type TableOf<F extends AnyFactory> = F['table'];

/** Postgres allows 65,535 bind parameters per statement. */
const MAX_BIND_PARAMETERS = 65_535;

export class Factory<T extends PgTable, TTraits extends string, TTransient extends object, TAssoc extends string> {
  readonly name: string;
  /** The trait names, for typing (e.g. `belongsTo` options); empty at runtime. */
  declare readonly traitNames: readonly TTraits[];

  constructor(
    readonly table: T,
    private readonly spec: FactorySpec<T, TAssoc & keyof InsertOf<T> & string, TTraits, TTransient>,
    private readonly session?: FactorySession,
  ) {
    this.name = spec.name ?? `${tableMeta(table).name}Factory`;
  }

  /** The same factory, using `session` instead of the current test file's. */
  withSession(session: FactorySession): Factory<T, TTraits, TTransient, TAssoc> {
    return new Factory(this.table, this.spec, session);
  }

  /** Attributes for one row, without touching the database (associations stay unresolved). */
  build(overrides: Overrides<T> = {}, options: BuildOptions<TTraits, TTransient> = {}): InsertOf<T> {
    return this.buildList(1, overrides, options)[0]!;
  }

  buildList(count: number, overrides: ListOverrides<T> = {}, options: BuildOptions<TTraits, TTransient> = {}): InsertOf<T>[] {
    const session = this.resolveSession();
    const transient = this.transientValues(options);
    return Array.from({ length: count }, (_, index) =>
      this.attributes(session, typeof overrides === 'function' ? overrides(index) : overrides, options.traits ?? [], transient),
    );
  }

  async create(overrides: Overrides<T> = {}, options: BuildOptions<TTraits, TTransient> = {}): Promise<RowOf<T>> {
    const [row] = await this.createList(1, overrides, options);
    return row!;
  }

  /** Creates `count` rows with one multi-row INSERT … RETURNING (chunked under the bind-parameter limit). */
  async createList(count: number, overrides: ListOverrides<T> = {}, options: BuildOptions<TTraits, TTransient> = {}): Promise<RowOf<T>[]> {
    if (!Number.isInteger(count) || count < 0) {
      throw new Error(`runtag: ${this.name}.createList needs a whole number of rows, got ${count}.`);
    }
    if (count === 0) return [];
    const session = this.resolveSession();
    const transient = this.transientValues(options);
    const rows = this.buildList(count, overrides, options);
    await this.resolveAssociations(session, rows);
    const created = await this.insert(session, rows);
    session.tracker.track(this.table, created as Record<string, unknown>[]);
    if (this.spec.afterCreate) {
      const hook = this.spec.afterCreate;
      await Promise.all(created.map((row) => hook(row, { session, transient })));
    }
    return created;
  }

  private resolveSession(): FactorySession {
    return this.session ?? currentSession(this.name);
  }

  private transientValues(options: BuildOptions<TTraits, TTransient>): TTransient {
    return { ...(this.spec.transient ?? {}), ...(options.transient ?? {}) } as TTransient;
  }

  private attributes(session: FactorySession, overrides: Overrides<T>, traits: readonly TTraits[], transient: TTransient): InsertOf<T> {
    const counters = sequenceCounters(session);
    const seq = (counters.get(this.name) ?? 0) + 1;
    counters.set(this.name, seq);
    const ctx: BuildContext<TTransient> = {
      faker: session.faker,
      seq,
      sequence: (base) => session.tag.value(base),
      tag: session.tag,
      transient,
    };
    const attributes: Record<string, unknown> = { ...this.spec.defaults(ctx) };
    for (const trait of traits) {
      const spec = this.spec.traits?.[trait];
      if (spec === undefined) {
        throw new Error(`runtag: ${this.name} has no trait "${trait}". Known traits: ${Object.keys(this.spec.traits ?? {}).join(', ') || 'none'}.`);
      }
      Object.assign(attributes, typeof spec === 'function' ? spec(ctx) : spec);
    }
    Object.assign(attributes, overrides);
    // Unique string columns carry the run tag, overrides included: hard-coded values cannot collide.
    for (const column of tableMeta(this.table).taggedColumns) {
      const value = attributes[column.key];
      if (typeof value === 'string') {
        attributes[column.key] = session.tag.value(value, column.maxLength, `${this.name}: column "${tableMeta(this.table).name}.${column.sqlName}"`);
      }
    }
    return attributes as InsertOf<T>;
  }

  /** Fill missing foreign keys by creating parents in bulk, one createList per association. */
  private async resolveAssociations(session: FactorySession, rows: InsertOf<T>[]): Promise<void> {
    for (const [key, association] of Object.entries(this.spec.associations ?? {}) as [string, Association][]) {
      const missing = rows.map((row, index) => ({ row: row as Record<string, unknown>, index })).filter(({ row }) => row[key] === undefined);
      if (missing.length === 0) continue;
      const parents = await association
        .factory()
        .withSession(session)
        .createList(missing.length, (i) => association.overrides?.(missing[i]!.row) ?? {}, { traits: association.traits });
      missing.forEach(({ row }, i) => {
        row[key] = (parents[i] as Record<string, unknown>)[association.key];
      });
    }
  }

  private async insert(session: FactorySession, rows: InsertOf<T>[]): Promise<RowOf<T>[]> {
    // Drizzle binds every column of every row (absent ones become DEFAULT, which binds nothing).
    const chunkSize = Math.floor(MAX_BIND_PARAMETERS / tableMeta(this.table).columnCount);
    const created: RowOf<T>[] = [];
    for (let start = 0; start < rows.length; start += chunkSize) {
      const chunk = rows.slice(start, start + chunkSize);
      try {
        const returned = await session.db.insert(this.table).values(chunk).returning();
        created.push(...(returned as RowOf<T>[]));
      } catch (error) {
        throw explainInsertError(error, this.name, tableMeta(this.table).name, chunk as Record<string, unknown>[]);
      }
    }
    return created;
  }
}

const countersBySession = new WeakMap<FactorySession, Map<string, number>>();
function sequenceCounters(session: FactorySession): Map<string, number> {
  let counters = countersBySession.get(session);
  if (!counters) countersBySession.set(session, (counters = new Map()));
  return counters;
}

export function defineFactory<
  T extends PgTable,
  TAssoc extends keyof InsertOf<T> & string = never,
  TTraits extends string = never,
  TTransient extends object = {},
  // `const`: keeps literal values (enum members like 'PARENT') that generic inference would widen to string.
  const TDefaults extends Overrides<T> = Overrides<T>,
>(
  table: T,
  spec: FactorySpec<T, TAssoc, TTraits, TTransient, TDefaults> & DefaultsCheck<T, TAssoc, TDefaults>,
): Factory<T, TTraits, TTransient, TAssoc> {
  return new Factory(table, spec as FactorySpec<T, TAssoc, TTraits, TTransient>);
}

export function belongsTo<F extends AnyFactory>(
  factory: () => F,
  options: {
    traits?: readonly TraitsOf<F>[];
    overrides?: (attributes: Record<string, unknown>) => Overrides<TableOf<F>>;
    key?: keyof RowOf<TableOf<F>> & string;
  } = {},
): Association {
  return {
    factory,
    traits: options.traits ?? [],
    overrides: options.overrides as Association['overrides'],
    key: options.key ?? 'id',
  };
}
