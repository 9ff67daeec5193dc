import type { Faker } from '@faker-js/faker';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Tagger } from '../run/tag.js';
import { explainInsertError } from './constraint-error.js';
import { ambientSession } from './ambient-session.js';
import type { FactorySession } from './session.js';
import { callOverrides, overridesCycleError, undefinedOverrideError, waitsFor, type OverridesCall } from './association-order.js';
import { checkKeys } from './check-keys.js';
import { checkValues } from './check-values.js';
import { taggedBase } from './tagged.js';
import { insertRows } from './bulk-insert.js';
import { postgresClientOf } from './db-binding.js';
import type { Sql } from '../db/connect.js';
import { tableMeta } from './table-meta.js';
import { RuntagError } from '../errors/runtag-error.js';

export type InsertOf<T extends PgTable> = T['$inferInsert'];
export type RowOf<T extends PgTable> = T['$inferSelect'];
/** Column values for one call, and the factory's transient params (they steer building and are not stored). */
export type Overrides<T extends PgTable, TTransient = {}> = Partial<InsertOf<T>> & Partial<TTransient>;
/** One set of overrides for every row, or one per row index. */
export type ListOverrides<T extends PgTable, TTransient = {}> = Overrides<T, TTransient> | ((index: number) => Overrides<T, TTransient>);
/**
 * Overrides naming nothing but columns and transient params. An object literal's unknown keys fail
 * to compile anyway; this also refuses them in a variable or a per-row function's result.
 */
export type KnownKeys<O, TAllowed> = O & { readonly [K in Exclude<LiteralKeys<O>, keyof TAllowed>]: never };
/** Keys written out, not an index signature's (`{ [column]: value }` with a computed key is checked at run time only). */
type LiteralKeys<O> = keyof { [K in keyof O as string extends K ? never : number extends K ? never : K]: 0 };
// Not a function: Partial<…> has no required key, so a function would pass for overrides.
type OverridesArg<O, T extends PgTable, TTransient> = O extends (...args: never[]) => unknown ? never : KnownKeys<O, Overrides<T, TTransient>>;
/** What the factory's internals take: checked at run time by checkKeys. */
type AnyOverrides = Record<string, unknown>;
type AnyListOverrides = AnyOverrides | ((index: number) => AnyOverrides);

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
  /** The parent's factory; 'self' for a reference to the same table (see `belongsToSelf`). */
  readonly factory: (() => AnyFactory) | 'self';
  readonly traits: readonly string[];
  /**
   * Overrides for the parent, from this row's attributes: filled after the associations that fill
   * the columns it reads; a column of the parent it gives undefined is refused.
   */
  readonly overrides: ((attributes: Record<string, unknown>) => Record<string, unknown>) | undefined;
  /** The parent's column the foreign key takes; defaults to "id". */
  readonly key: string;
  /** Left NULL unless the caller asks for it with `{ with: [key] }`. */
  readonly optional: boolean;
}

/**
 * Columns a `has` row takes from the row it is made for: the same-named columns (`['userId']`), or
 * a function of the parent's row (`(session) => ({ userId: session.userId })`).
 */
export type Inherit<TParent, TChild extends PgTable> =
  | readonly (keyof InsertOf<TChild> & keyof TParent & string)[]
  | ((parent: TParent) => Overrides<TChild>);

/** Rows created for each created row, after it: children (has-many) or join rows to new targets (many-to-many). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface HasAssociation<TParent = any> {
  readonly kind: 'many' | 'manyToMany';
  /** Default number per created row; `{ has: { name: n } }` changes it for one call. */
  readonly count: number;
  /** has-many: the child factory and its foreign key to this row. */
  readonly factory: () => AnyFactory;
  readonly foreignKey: string;
  readonly traits: readonly string[];
  /** many-to-many: the join table's factory and its key to the target. */
  readonly through?: () => AnyFactory;
  readonly targetKey?: string;
  /** The column of this row (and of the target) the keys take; defaults to "id". */
  readonly key: string;
  /** What each child (many-to-many: each target) takes from the row it is made for, instead of its own belongsTo. */
  readonly inherit: Inherit<TParent, PgTable> | undefined;
  /** many-to-many: what each join row takes from the row it is made for. */
  readonly inheritThrough?: Inherit<TParent, PgTable> | undefined;
}

/**
 * What a trait sets: column values, optionally with the associations it brings along
 * (`reply: { $with: ['parentId'] }`, `popular: { status: 'published', $has: { comments: 5 } }`).
 */
type TraitSpec<T extends PgTable, TTransient, TAssoc extends string> =
  | (Overrides<T> & TraitAssociations<TAssoc>)
  | ((ctx: BuildContext<TTransient>) => Overrides<T>);
interface TraitAssociations<TAssoc extends string> {
  /** Optional associations the trait fills, as `{ with: [...] }` does for one call. */
  $with?: readonly TAssoc[];
  /** Rows of `has` associations the trait makes per row, as `{ has: {...} }` does for one call. */
  $has?: Readonly<Record<string, number>>;
}
/** Required insert columns (no default, not nullable). */
type RequiredColumns<T extends PgTable> = { [K in keyof InsertOf<T>]-?: {} extends Pick<InsertOf<T>, K> ? never : K }[keyof InsertOf<T>];
/** Required columns that neither the defaults nor an association fill: a compile error when not empty. */
/** What `const` inference makes of a value: arrays and objects read-only. Defaults are only read, so either form is fine. */
type ReadonlyDeep<X> = X extends Date ? X : X extends readonly (infer E)[] ? readonly ReadonlyDeep<E>[] : X extends object ? { readonly [K in keyof X]: ReadonlyDeep<X[K]> } : X;
/** What defaults may return: any subset of the insert columns, read-only or not. */
export type DefaultsOf<T extends PgTable> = { [K in keyof InsertOf<T>]?: ReadonlyDeep<InsertOf<T>[K]> };
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
  TDefaults extends DefaultsOf<T> = DefaultsOf<T>,
  THas extends string = never,
> {
  /** Shown in error messages; defaults to the table name. */
  name?: string;
  /** Every required column except the associations must get a value here (checked at compile time). */
  defaults: (ctx: BuildContext<TTransient>) => TDefaults;
  associations?: { [K in TAssoc]: Association };
  /** Rows made for every created row: `hasMany(...)`, `manyToMany(...)`. */
  has?: { [K in THas]: HasAssociation };
  /** Unique columns whose generated values the factory must not tag (codes from a fixed list, natural keys). */
  untagged?: readonly (keyof InsertOf<T> & string)[];
  // NoInfer: trait names are inferred from the keys, values are then checked against the table, so enum literals in function traits survive.
  traits?: { [K in TTraits]: NoInfer<TraitSpec<T, TTransient, TAssoc>> };
  /** Parameters that steer building but are not columns, with their default values. */
  transient?: TTransient;
  afterCreate?: (row: RowOf<T>, ctx: CreateContext<TTransient>) => void | Promise<void>;
}

export interface BuildOptions<TTraits extends string, TTransient, TAssoc extends string = string, THas extends string = string> {
  traits?: readonly TTraits[];
  transient?: Partial<TTransient>;
  /** Optional associations to fill for this call (they stay NULL otherwise). */
  with?: readonly TAssoc[];
  /** How many rows of each `has` association to make per created row, for this call (0: none). */
  has?: Partial<Record<THas, number>>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFactory = Factory<any, any, any, any, any>;
/**
 * Any factory of `T`'s rows: the return type to write on one side of two factories that refer to
 * each other (files ↔ documents), where TypeScript cannot infer either type from the other.
 * `belongsTo((): FactoryFor<typeof documents> => documentFactory)` keeps the key and overrides typed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FactoryFor<T extends PgTable, TTraits extends string = any> = Factory<T, TTraits, any, any, any>;
export type TraitsOf<F extends AnyFactory> = F['traitNames'][number];
export type TableOf<F extends AnyFactory> = F['table'];

/** Parents of parents of…: deeper than any schema's chain of required foreign keys, so only a cycle gets here. */
const MAX_ASSOCIATION_DEPTH = 24;
/** Postgres allows 65,535 bind parameters per statement. */
const MAX_BIND_PARAMETERS = 65_535;

export class Factory<T extends PgTable, TTraits extends string, TTransient extends object, TAssoc extends string, THas extends string = never> {
  readonly name: string;
  /** The trait names, for typing (e.g. `belongsTo` options); empty at runtime. */
  declare readonly traitNames: readonly TTraits[];

  constructor(
    readonly table: T,
    private readonly spec: FactorySpec<T, TAssoc & keyof InsertOf<T> & string, TTraits, TTransient, DefaultsOf<T>, THas>,
    private readonly session?: FactorySession,
  ) {
    this.name = spec.name ?? `${tableMeta(table).name}Factory`;
  }

  /**
   * The same factory, also making `name` rows for every created row (see `hasMany`, `manyToMany`).
   * Declared after both factories exist, so a child that refers back to its parent (belongsTo) is
   * no circular type: `const posts = postFactory.has('comments', hasMany(() => commentFactory, 'postId'))`.
   */
  has<const TName extends string>(name: TName, association: HasAssociation<RowOf<T>>): Factory<T, TTraits, TTransient, TAssoc, THas | TName> {
    const spec = { ...this.spec, has: { ...(this.spec.has ?? {}), [name]: association } };
    return new Factory(this.table, spec as unknown as FactorySpec<T, TAssoc & keyof InsertOf<T> & string, TTraits, TTransient, DefaultsOf<T>, THas | TName>, this.session);
  }

  /** The traits this factory defines, by name (for `runtag lint`). */
  get definedTraits(): string[] {
    return Object.keys(this.spec.traits ?? {});
  }

  /** The same factory, using `session` instead of the current test file's. */
  withSession(session: FactorySession): Factory<T, TTraits, TTransient, TAssoc, THas> {
    return new Factory(this.table, this.spec, session);
  }

  /** Attributes for one row, without touching the database (associations stay unresolved). */
  build<O extends Overrides<T, TTransient>>(overrides?: OverridesArg<O, T, TTransient>, options: BuildOptions<TTraits, TTransient, TAssoc, THas> = {}): InsertOf<T> {
    return this.buildListAt(this.nextCallPath(this.resolveSession()), 1, (overrides ?? {}) as AnyOverrides, options).rows[0]!;
  }

  // A per-row function has an overload of its own: inside a union its result's keys go unchecked.
  buildList<R extends Overrides<T, TTransient>>(count: number, overrides: (index: number) => OverridesArg<R, T, TTransient>, options?: BuildOptions<TTraits, TTransient, TAssoc, THas>): InsertOf<T>[];
  buildList<O extends Overrides<T, TTransient>>(count: number, overrides?: OverridesArg<O, T, TTransient>, options?: BuildOptions<TTraits, TTransient, TAssoc, THas>): InsertOf<T>[];
  buildList(count: number, overrides: AnyListOverrides = {}, options: BuildOptions<TTraits, TTransient, TAssoc, THas> = {}): InsertOf<T>[] {
    return this.buildListAt(this.nextCallPath(this.resolveSession()), count, overrides, options).rows;
  }

  /** Each top-level call of a factory in a test has a stable place: `<factory>#<n>`. */
  private nextCallPath(session: FactorySession): string {
    return session.values.nextCallPath(this.name);
  }

  /**
   * Build from faker seeded by the call's place, so concurrent calls replay the same values. Each
   * row's transient params are the call's, with those its overrides give on top.
   */
  private buildListAt(
    path: string,
    count: number,
    overrides: AnyListOverrides,
    options: BuildOptions<TTraits, TTransient, TAssoc, THas>,
  ): { rows: InsertOf<T>[]; transients: TTransient[] } {
    const session = this.resolveSession();
    const transient = this.transientValues(options);
    session.values.seedCall(path);
    const rows: InsertOf<T>[] = [];
    const transients: TTransient[] = [];
    for (let index = 0; index < count; index++) {
      const { columns, transient: own } = this.splitOverrides(typeof overrides === 'function' ? overrides(index) : overrides);
      const rowTransient = own ? ({ ...transient, ...own } as TTransient) : transient;
      rows.push(this.attributes(session, columns, options.traits ?? [], rowTransient));
      transients.push(rowTransient);
    }
    return { rows, transients };
  }

  /** Overrides as columns and transient params; a key that is neither is refused (checkKeys). */
  private splitOverrides(overrides: AnyOverrides): { columns: AnyOverrides; transient: AnyOverrides | undefined } {
    const meta = tableMeta(this.table);
    const transientNames = Object.keys(this.spec.transient ?? {});
    checkKeys(this.name, meta, overrides, 'the override', { transient: transientNames, has: Object.keys(this.spec.has ?? {}) });
    if (transientNames.length === 0) return { columns: overrides, transient: undefined };
    let columns: AnyOverrides | undefined;
    let transient: AnyOverrides | undefined;
    for (const name of transientNames) {
      // A column of the same name stays a column.
      if (!(name in overrides) || meta.columns.some((c) => c.key === name)) continue;
      columns ??= { ...overrides };
      delete columns[name];
      (transient ??= {})[name] = overrides[name];
    }
    return { columns: columns ?? overrides, transient };
  }

  async create<O extends Overrides<T, TTransient>>(overrides?: OverridesArg<O, T, TTransient>, options: BuildOptions<TTraits, TTransient, TAssoc, THas> = {}): Promise<RowOf<T>> {
    const [row] = await this.createListAt(undefined, 1, (overrides ?? {}) as AnyOverrides, options);
    return row!;
  }

  /** Creates `count` rows with one multi-row INSERT … RETURNING (chunked under the bind-parameter limit). */
  createList<R extends Overrides<T, TTransient>>(
    count: number,
    overrides: (index: number) => OverridesArg<R, T, TTransient>,
    options?: BuildOptions<TTraits, TTransient, TAssoc, THas>,
  ): Promise<RowOf<T>[]>;
  createList<O extends Overrides<T, TTransient>>(count: number, overrides?: OverridesArg<O, T, TTransient>, options?: BuildOptions<TTraits, TTransient, TAssoc, THas>): Promise<RowOf<T>[]>;
  async createList(count: number, overrides: AnyListOverrides = {}, options: BuildOptions<TTraits, TTransient, TAssoc, THas> = {}): Promise<RowOf<T>[]> {
    return this.createListAt(undefined, count, overrides, options);
  }

  /** `path`: where an association call sits in its caller's call (undefined for a test's own call). */
  private async createListAt(
    path: string | undefined,
    count: number,
    overrides: AnyListOverrides,
    options: BuildOptions<TTraits, TTransient, TAssoc, THas>,
  ): Promise<RowOf<T>[]> {
    if (!Number.isInteger(count) || count < 0) {
      throw new RuntagError('INVALID_LIST_COUNT', `runtag: ${this.name}.createList needs a whole number of rows, got ${count}.`);
    }
    if (count === 0) return [];
    const session = this.resolveSession();
    const callPath = path ?? this.nextCallPath(session);
    const { rows, transients } = this.buildListAt(callPath, count, overrides, options);
    const carried = this.traitAssociations(options.traits ?? []);
    await this.resolveAssociations(session, rows, callPath, [...carried.with, ...(options.with ?? [])]);
    const created = await this.insert(session, rows);
    session.tracker.track(this.table, created as Record<string, unknown>[]);
    await this.createHas(session, created as Record<string, unknown>[], callPath, { ...carried.has, ...(options.has ?? {}) });
    if (this.spec.afterCreate) {
      const hook = this.spec.afterCreate;
      await Promise.all(created.map((row, i) => hook(row, { session, transient: transients[i]! })));
    }
    return created;
  }

  /** The associations the given traits bring along; a call's own `with`/`has` come on top. */
  private traitAssociations(traits: readonly TTraits[]): { with: string[]; has: Record<string, number> } {
    const carried = { with: [] as string[], has: {} as Record<string, number> };
    for (const trait of traits) {
      const spec = this.spec.traits?.[trait];
      if (spec === undefined || typeof spec === 'function') continue;
      for (const key of spec.$with ?? []) {
        if (!this.spec.associations?.[key as TAssoc & keyof InsertOf<T> & string]) {
          throw new RuntagError('FACTORY_DEFINITION', `runtag: ${this.name} trait "${trait}" asks for association "${key}", which the factory does not declare.`);
        }
        carried.with.push(key);
      }
      for (const [name, count] of Object.entries(spec.$has ?? {})) {
        if (!this.spec.has?.[name as THas]) {
          throw new RuntagError(
            'FACTORY_DEFINITION',
            `runtag: ${this.name} trait "${trait}" asks for ${count} "${name}" per row, but the factory has no such association. Add it with .has('${name}', hasMany(...)).`,
          );
        }
        carried.has[name] = count;
      }
    }
    return carried;
  }

  private resolveSession(): FactorySession {
    return this.session ?? ambientSession(this.name);
  }

  private transientValues(options: BuildOptions<TTraits, TTransient, TAssoc, THas>): TTransient {
    return { ...(this.spec.transient ?? {}), ...(options.transient ?? {}) } as TTransient;
  }

  private attributes(session: FactorySession, overrides: AnyOverrides, traits: readonly TTraits[], transient: TTransient): InsertOf<T> {
    const seq = session.values.nextSeq(this.name);
    const ctx: BuildContext<TTransient> = {
      faker: session.faker,
      seq,
      sequence: (base) => session.tag.value(base),
      tag: session.tag,
      transient,
    };
    const meta = tableMeta(this.table);
    const noExtras = { transient: [], has: [] };
    const generated: Record<string, unknown> = { ...this.spec.defaults(ctx) };
    checkKeys(this.name, meta, generated, "the factory's defaults", noExtras);
    // Which trait set a value, for messages about it.
    const traitOf = new Map<string, string>();
    for (const trait of traits) {
      const spec = this.spec.traits?.[trait];
      if (spec === undefined) {
        throw new RuntagError('UNKNOWN_TRAIT', `runtag: ${this.name} has no trait "${trait}". Known traits: ${Object.keys(this.spec.traits ?? {}).join(', ') || 'none'}.`);
      }
      let values: Record<string, unknown>;
      if (typeof spec === 'function') values = spec(ctx);
      else {
        const { $with: _with, $has: _has, ...rest } = spec;
        values = rest;
      }
      checkKeys(this.name, meta, values, `trait "${trait}"`, noExtras);
      Object.assign(generated, values);
      for (const key of Object.keys(values)) traitOf.set(key, trait);
    }
    const where = (column: { sqlName: string }) => `${this.name}: column "${meta.name}.${column.sqlName}"`;
    // Values the factory makes up for unique columns carry the run tag: they never collide across workers.
    for (const column of meta.taggedColumns) {
      const value = generated[column.key];
      if (typeof value === 'string' && !(this.spec.untagged as readonly string[] | undefined)?.includes(column.key) && taggedBase(value) === undefined) {
        generated[column.key] = session.tag.value(value, column.maxLength, where(column));
      }
    }
    // What the test writes is stored as written; `tagged(base)` asks for a tagged value instead.
    const attributes: Record<string, unknown> = { ...generated, ...overrides };
    for (const column of meta.columns) {
      const base = taggedBase(attributes[column.key]);
      if (base !== undefined) attributes[column.key] = session.tag.value(base, column.maxLength, where(column));
    }
    checkValues(this.name, meta, attributes, (key) => (key in overrides ? 'the override' : traitOf.has(key) ? `trait "${traitOf.get(key)}"` : "the factory's defaults"));
    return attributes as InsertOf<T>;
  }

  /**
   * Fill missing foreign keys by creating parents in bulk, one createList per association. An
   * association whose `overrides` read a column another one fills goes after it (the order follows
   * what the overrides read, not the declaration), so `{ userId: message.userId }` gets the user.
   */
  private async resolveAssociations(session: FactorySession, rows: InsertOf<T>[], callPath: string, requested: readonly string[]): Promise<void> {
    const declared = Object.entries(this.spec.associations ?? {}) as [string, Association][];
    const all = rows as Record<string, unknown>[];
    const pending = new Map<string, Association>();
    for (const [key, association] of declared) {
      if (association.optional && !requested.includes(key)) continue;
      if (all.some((row) => row[key] === undefined)) pending.set(key, association);
    }
    if (pending.size === 0) return;
    // Required belongsTo both ways (files ↔ documents) would make parents of parents forever, inserting nothing.
    if (callPath.split('>').length >= MAX_ASSOCIATION_DEPTH) {
      throw new RuntagError(
        'ASSOCIATION_CYCLE',
        `runtag: ${this.name}: associations nest more than ${MAX_ASSOCIATION_DEPTH} deep (${callPath}>${[...pending.keys()][0]}), so required belongsTo associations form a cycle. ` +
          'Declare one side belongsTo(..., { optional: true }) and ask for it with { with: [...] } where a test needs it.',
      );
    }
    const unrequested = declared.filter(([key, a]) => a.optional && !requested.includes(key)).map(([key]) => key);
    while (pending.size > 0) {
      const next = this.nextAssociation(pending, all);
      pending.delete(next.key);
      const association = next.association;
      // A self-reference makes its parents without asking for theirs: one level, never a recursion.
      const parentFactory: AnyFactory = association.factory === 'self' ? this : association.factory();
      const parentTable = tableMeta(parentFactory.table);
      next.calls.forEach((call, i) => {
        for (const [column, value] of Object.entries(call?.result ?? {})) {
          if (value !== undefined || !parentTable.columns.some((c) => c.key === column)) continue;
          throw undefinedOverrideError({
            factory: this.name, table: tableMeta(this.table), association: next.key, parent: parentFactory.name, parentTable, column, call: call!, row: next.missing[i]!, unrequested,
          });
        }
      });
      const parents = await parentFactory
        .withSession(session)
        .createListAt(`${callPath}>${next.key}`, next.missing.length, (i: number) => next.calls[i]?.result ?? {}, { traits: association.traits });
      next.missing.forEach((row, i) => {
        row[next.key] = (parents[i] as Record<string, unknown>)[association.key];
      });
    }
  }

  /**
   * The first association, in declaration order, whose overrides read no column still to be filled
   * (in the rows it fills), with those overrides' results; a cycle of such reads is refused.
   */
  private nextAssociation(
    pending: ReadonlyMap<string, Association>,
    rows: Record<string, unknown>[],
  ): { key: string; association: Association; missing: Record<string, unknown>[]; calls: (OverridesCall | undefined)[] } {
    const blocked = new Map<string, string[]>();
    for (const [key, association] of pending) {
      const missing = rows.filter((row) => row[key] === undefined);
      if (!association.overrides) return { key, association, missing, calls: [] };
      const calls: OverridesCall[] = [];
      const waits = new Set<string>();
      for (const row of missing) {
        const call = callOverrides(association.overrides, row);
        for (const column of waitsFor(call, key, row, pending)) waits.add(column);
        if (waits.size > 0) break;
        // It read nothing still to come, so its error is its own.
        if (call.error) throw call.error.thrown;
        calls.push(call);
      }
      if (waits.size === 0) return { key, association, missing, calls };
      blocked.set(key, [...waits]);
    }
    throw overridesCycleError(this.name, blocked);
  }

  /** Has-many and many-to-many rows for every created row: one bulk INSERT per table, whatever the count. */
  private async createHas(session: FactorySession, created: Record<string, unknown>[], callPath: string, counts: Partial<Record<string, number>>): Promise<void> {
    for (const [name, has] of Object.entries(this.spec.has ?? {}) as [string, HasAssociation][]) {
      const perRow = counts[name] ?? has.count;
      if (perRow <= 0 || created.length === 0) continue;
      const owner = (i: number) => created[Math.floor(i / perRow)]![has.key];
      const total = created.length * perRow;
      const factory = has.factory().withSession(session);
      const join = has.kind === 'manyToMany' ? has.through!() : factory;
      for (const column of [has.foreignKey, ...(has.targetKey ? [has.targetKey] : [])]) {
        if (!tableMeta(join.table).columns.some((c) => c.key === column)) {
          throw new RuntagError('FACTORY_DEFINITION', `runtag: ${this.name}: has "${name}" names column "${column}", which ${join.name} (table "${tableMeta(join.table).name}") does not have.`);
        }
      }
      const parent = (i: number) => created[Math.floor(i / perRow)]!;
      const inherited = this.inheritance(name, has.inherit, factory);
      if (has.kind === 'many') {
        await factory.createListAt(`${callPath}>${name}`, total, (i: number) => ({ ...inherited(parent(i)), [has.foreignKey]: owner(i) }), { traits: has.traits });
        continue;
      }
      const targets = (await factory.createListAt(`${callPath}>${name}`, total, (i: number) => inherited(parent(i)), { traits: has.traits })) as Record<string, unknown>[];
      const inheritedThrough = this.inheritance(name, has.inheritThrough, join);
      await join
        .withSession(session)
        .createListAt(`${callPath}>${name}>through`, total, (i: number) => ({ ...inheritedThrough(parent(i)), [has.foreignKey]: owner(i), [has.targetKey!]: targets[i]![has.key] }), {});
    }
  }

  /** The overrides a `has` row takes from its parent row; named columns are checked on both tables first. */
  private inheritance(name: string, inherit: Inherit<unknown, PgTable> | undefined, child: AnyFactory): (parent: Record<string, unknown>) => AnyOverrides {
    if (inherit === undefined) return () => ({});
    if (typeof inherit === 'function') return inherit as (parent: Record<string, unknown>) => AnyOverrides;
    const columns = inherit as readonly string[];
    for (const [factory, column] of [...columns.map((c) => [child, c] as const), ...columns.map((c) => [this as AnyFactory, c] as const)]) {
      if (!tableMeta(factory.table).columns.some((c) => c.key === column)) {
        throw new RuntagError(
          'FACTORY_DEFINITION',
          `runtag: ${this.name}: has "${name}" inherits column "${column}", which ${factory.name} (table "${tableMeta(factory.table).name}") does not have. ` +
            'Inherit columns both tables have, or pass a function: inherit: (parent) => ({ ... }).',
        );
      }
    }
    return (parent) => Object.fromEntries(columns.map((column) => [column, parent[column]]));
  }

  private async insert(session: FactorySession, rows: InsertOf<T>[]): Promise<RowOf<T>[]> {
    const table = tableMeta(this.table);
    try {
      const client = postgresClientOf(session.db);
      // In a test's transaction each insert gets a savepoint (the client's begin is one there): an expected error aborts only it.
      const direct = client && (session.inTransaction ? client.begin((tx) => insertRows(tx as unknown as Sql, this.table, rows)) : insertRows(client, this.table, rows));
      const created = direct && (await direct);
      if (created) return created as RowOf<T>[];
      return await this.insertWithDrizzle(session, rows);
    } catch (error) {
      throw explainInsertError(error, this.name, table, rows as Record<string, unknown>[]);
    }
  }
  /** Drizzle's own insert: for values only Drizzle can render (SQL expressions). */
  private async insertWithDrizzle(session: FactorySession, rows: InsertOf<T>[]): Promise<RowOf<T>[]> {
    // Drizzle binds every column of every row (absent ones become DEFAULT, which binds nothing).
    const chunkSize = Math.floor(MAX_BIND_PARAMETERS / tableMeta(this.table).columnCount);
    const created: RowOf<T>[] = [];
    for (let start = 0; start < rows.length; start += chunkSize) {
      const chunk = rows.slice(start, start + chunkSize);
      const returned = session.inTransaction
        ? await session.db.transaction((tx) => tx.insert(this.table).values(chunk).returning())
        : await session.db.insert(this.table).values(chunk).returning();
      created.push(...(returned as RowOf<T>[]));
    }
    return created;
  }
}

export function defineFactory<
  T extends PgTable,
  TAssoc extends keyof InsertOf<T> & string = never,
  TTraits extends string = never,
  TTransient extends object = {},
  // `const`: keeps literal values (enum members like 'PARENT') that generic inference would widen to string.
  const TDefaults extends DefaultsOf<T> = DefaultsOf<T>,
  THas extends string = never,
>(
  table: T,
  spec: FactorySpec<T, TAssoc, TTraits, TTransient, TDefaults, THas> & DefaultsCheck<T, TAssoc, TDefaults>,
): Factory<T, TTraits, TTransient, TAssoc, THas> {
  const self = Object.entries(spec.associations ?? {}).find(([, a]) => (a as Association).factory === 'self' && !(a as Association).optional);
  if (self) {
    throw new RuntagError(
      'FACTORY_DEFINITION',
      `runtag: ${spec.name ?? tableMeta(table).name} has a required self-reference "${self[0]}": every row would need a parent made by the same factory, forever. ` +
        'Declare it belongsToSelf({ optional: true }) and ask for a parent with { with: [...] } where a test needs one.',
    );
  }
  return new Factory(table, spec as unknown as FactorySpec<T, TAssoc, TTraits, TTransient, DefaultsOf<T>, THas>);
}

export function belongsTo<F extends AnyFactory>(
  factory: () => F,
  options: {
    traits?: readonly TraitsOf<F>[];
    overrides?: (attributes: Record<string, unknown>) => Overrides<TableOf<F>>;
    key?: keyof RowOf<TableOf<F>> & string;
    /** Leave the foreign key NULL unless the caller asks: `{ with: ['parentId'] }`. */
    optional?: boolean;
  } = {},
): Association {
  return {
    factory,
    traits: options.traits ?? [],
    overrides: options.overrides as Association['overrides'],
    key: options.key ?? 'id',
    optional: options.optional ?? false,
  };
}

/**
 * A foreign key to the same table (comments.parent_id → comments.id). Declared without naming the
 * factory being defined, so it type-checks; optional, so a row gets a parent only when asked
 * (`create({}, { with: ['parentId'] })`), and that parent none: no recursion.
 */
export function belongsToSelf(options: { optional: true; traits?: readonly string[]; key?: string }): Association {
  return { factory: 'self', traits: options.traits ?? [], overrides: undefined, key: options.key ?? 'id', optional: options.optional };
}

/**
 * `count` child rows per created row, made by `factory` with `foreignKey` pointing at it: one INSERT
 * per table. Declared with `.has(name, hasMany(...))` once both factories exist (the child usually
 * refers back with belongsTo), so the child's keys and traits are typed, and `inherit` is typed
 * from the parent's row: `inherit: ['userId']` gives every child the parent's user instead of a new one.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function hasMany<F extends AnyFactory, TParent = any>(
  factory: () => F,
  foreignKey: keyof InsertOf<TableOf<F>> & string,
  options: {
    count?: number;
    traits?: readonly TraitsOf<F>[];
    /** The parent's column the foreign key takes; defaults to "id". */
    key?: keyof TParent & string;
    /** Columns each child takes from its parent row. */
    inherit?: Inherit<TParent, TableOf<F>>;
  } = {},
): HasAssociation<TParent> {
  return {
    kind: 'many',
    factory,
    foreignKey,
    count: options.count ?? 1,
    traits: options.traits ?? [],
    key: options.key ?? 'id',
    inherit: options.inherit as Inherit<TParent, PgTable> | undefined,
  };
}

/** `count` new targets per created row, joined through a join table's factory (e.g. posts ↔ tags through post_tags). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function manyToMany<F extends AnyFactory, J extends AnyFactory, TParent = any>(
  factory: () => F,
  options: {
    through: () => J;
    /** The join table's key to the created row, and to the target. */
    from: keyof InsertOf<TableOf<J>> & string;
    to: keyof InsertOf<TableOf<J>> & string;
    count?: number;
    traits?: readonly TraitsOf<F>[];
    key?: string;
    /** Columns each target takes from the row it is made for. */
    inherit?: Inherit<TParent, TableOf<F>>;
    /** Columns each join row takes from the row it is made for. */
    inheritThrough?: Inherit<TParent, TableOf<J>>;
  },
): HasAssociation<TParent> {
  return {
    kind: 'manyToMany',
    factory,
    through: options.through,
    foreignKey: options.from,
    targetKey: options.to,
    count: options.count ?? 1,
    traits: options.traits ?? [],
    key: options.key ?? 'id',
    inherit: options.inherit as Inherit<TParent, PgTable> | undefined,
    inheritThrough: options.inheritThrough as Inherit<TParent, PgTable> | undefined,
  };
}
