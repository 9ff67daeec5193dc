import type { PgTable } from 'drizzle-orm/pg-core';
import { RuntagError } from '../errors/runtag-error.js';
import { ambientSession } from './ambient-session.js';
import { fillParents, makeHasRows, refuseRequiredSelfReference, traitAssociations, type MakeRows } from './associations.js';
import { attributes, splitOverrides, transientValues } from './attributes.js';
import type {
  AnyFactory,
  AnyListOverrides,
  AnyOverrides,
  AnySpec,
  BuildOptions,
  DefaultsCheck,
  DefaultsOf,
  FactorySpec,
  HasAssociation,
  InsertOf,
  Overrides,
  OverridesArg,
  RowOf,
} from './factory-types.js';
import { insertBuilt } from './insert.js';
import type { FactorySession } from './session.js';
import { tableMeta } from './table-meta.js';

// The factory's parts, each in a module of its own: the types (factory-types.ts), associations
// and their resolution (associations.ts), merging one row's attributes (attributes.ts) and the
// insert path (insert.ts). The Factory class ties them into build and create.
export type {
  AnyFactory,
  Association,
  BuildContext,
  BuildOptions,
  CreateContext,
  DefaultsOf,
  FactorySpec,
  HasAssociation,
  Inherit,
  InsertOf,
  KnownKeys,
  ListOverrides,
  Overrides,
  RowOf,
  TableOf,
  TraitsOf,
} from './factory-types.js';
export { belongsTo, belongsToSelf, hasMany, manyToMany } from './associations.js';

/**
 * Any factory of `T`'s rows: the return type to write on one side of two factories that refer to
 * each other (files ↔ documents), where TypeScript cannot infer either type from the other.
 * `belongsTo((): FactoryFor<typeof documents> => documentFactory)` keeps the key and overrides typed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FactoryFor<T extends PgTable, TTraits extends string = any> = Factory<T, TTraits, any, any, any>;

export class Factory<T extends PgTable, TTraits extends string, TTransient extends object, TAssoc extends string, THas extends string = never>
  implements AnyFactory
{
  readonly name: string;
  /** The trait names, for typing (e.g. `belongsTo` options); empty at runtime. */
  declare readonly traitNames: readonly TTraits[];

  /** Bound by `withSession`; unbound, the factory uses the running test's session. */
  private session: FactorySession | undefined;

  /**
   * Made by `defineFactory`, which checks the spec first. A factory is bound to a database one way,
   * `withSession(session)`; the `session` fixture, the factories given to createRuntagTest and a
   * factory used unbound inside a test are all that one session.
   */
  constructor(
    readonly table: T,
    private readonly spec: FactorySpec<T, TAssoc & keyof InsertOf<T> & string, TTraits, TTransient, DefaultsOf<T>, THas>,
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
    const copy = new Factory(
      this.table,
      spec as unknown as FactorySpec<T, TAssoc & keyof InsertOf<T> & string, TTraits, TTransient, DefaultsOf<T>, THas | TName>,
    );
    copy.session = this.session;
    return copy;
  }

  /** The traits this factory defines, by name (for `runtag lint`). */
  get definedTraits(): string[] {
    return Object.keys(this.spec.traits ?? {});
  }

  /** The same factory, using `session` instead of the running test's. */
  withSession(session: FactorySession): Factory<T, TTraits, TTransient, TAssoc, THas> {
    const copy = new Factory(this.table, this.spec);
    copy.session = session;
    return copy;
  }

  /** Attributes for one row, without touching the database (associations stay unresolved). */
  build<O extends Overrides<T, TTransient>>(
    overrides?: OverridesArg<O, T, TTransient>,
    options: BuildOptions<TTraits, TTransient, TAssoc, THas> = {},
  ): InsertOf<T> {
    return this.buildListAt(this.resolveSession().values.nextCallPath(this.name), 1, (overrides ?? {}) as AnyOverrides, options).rows[0]!;
  }

  // A per-row function has an overload of its own: inside a union its result's keys go unchecked.
  buildList<R extends Overrides<T, TTransient>>(
    count: number,
    overrides: (index: number) => OverridesArg<R, T, TTransient>,
    options?: BuildOptions<TTraits, TTransient, TAssoc, THas>,
  ): InsertOf<T>[];
  buildList<O extends Overrides<T, TTransient>>(
    count: number,
    overrides?: OverridesArg<O, T, TTransient>,
    options?: BuildOptions<TTraits, TTransient, TAssoc, THas>,
  ): InsertOf<T>[];
  buildList(count: number, overrides: AnyListOverrides = {}, options: BuildOptions<TTraits, TTransient, TAssoc, THas> = {}): InsertOf<T>[] {
    return this.buildListAt(this.resolveSession().values.nextCallPath(this.name), count, overrides, options).rows;
  }

  async create<O extends Overrides<T, TTransient>>(
    overrides?: OverridesArg<O, T, TTransient>,
    options: BuildOptions<TTraits, TTransient, TAssoc, THas> = {},
  ): Promise<RowOf<T>> {
    const [row] = await this.createListAt(undefined, 1, (overrides ?? {}) as AnyOverrides, options);
    return row!;
  }

  /** Creates `count` rows with one multi-row INSERT … RETURNING (chunked under the bind-parameter limit). */
  createList<R extends Overrides<T, TTransient>>(
    count: number,
    overrides: (index: number) => OverridesArg<R, T, TTransient>,
    options?: BuildOptions<TTraits, TTransient, TAssoc, THas>,
  ): Promise<RowOf<T>[]>;
  createList<O extends Overrides<T, TTransient>>(
    count: number,
    overrides?: OverridesArg<O, T, TTransient>,
    options?: BuildOptions<TTraits, TTransient, TAssoc, THas>,
  ): Promise<RowOf<T>[]>;
  async createList(count: number, overrides: AnyListOverrides = {}, options: BuildOptions<TTraits, TTransient, TAssoc, THas> = {}): Promise<RowOf<T>[]> {
    return this.createListAt(undefined, count, overrides, options);
  }

  /** The spec as the factory's modules read it (its types have done their checking). */
  private get parts(): { name: string; table: PgTable; factory: AnyFactory; spec: AnySpec } {
    return { name: this.name, table: this.table, factory: this, spec: this.spec as unknown as AnySpec };
  }

  private resolveSession(): FactorySession {
    return this.session ?? ambientSession(this.name);
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
    const parts = this.parts;
    const transient = transientValues(parts.spec, options.transient);
    session.values.seedCall(path);
    const rows: InsertOf<T>[] = [];
    const transients: TTransient[] = [];
    for (let index = 0; index < count; index++) {
      const { columns, transient: own } = splitOverrides(parts, typeof overrides === 'function' ? overrides(index) : overrides);
      const rowTransient = own ? { ...transient, ...own } : transient;
      rows.push(attributes(parts, session, columns, options.traits ?? [], rowTransient) as InsertOf<T>);
      transients.push(rowTransient as TTransient);
    }
    return { rows, transients };
  }

  /**
   * Build, fill parents, insert, track, make `has` rows, run afterCreate.
   * `path`: where an association call sits in its caller's call (undefined for a test's own call).
   */
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
    const parts = this.parts;
    const callPath = path ?? session.values.nextCallPath(this.name);
    const { rows, transients } = this.buildListAt(callPath, count, overrides, options);
    const carried = traitAssociations(parts, options.traits ?? []);
    // Parents and children are made the way the test's own rows are, in the same session.
    const make: MakeRows = (factory, at, n, rowOverrides, traits) =>
      (factory as Factory<PgTable, string, object, string>).withSession(session).createListAt(at, n, rowOverrides, { traits });
    await fillParents(parts, rows as Record<string, unknown>[], callPath, [...carried.with, ...(options.with ?? [])], make);
    const created = (await insertBuilt(session.binding, this.name, this.table, rows as Record<string, unknown>[])) as RowOf<T>[];
    session.tracker.track(this.table, created as Record<string, unknown>[]);
    await makeHasRows(parts, created as Record<string, unknown>[], callPath, { ...carried.has, ...(options.has ?? {}) }, make);
    if (this.spec.afterCreate) {
      const hook = this.spec.afterCreate;
      await Promise.all(created.map((row, i) => hook(row, { session, transient: transients[i]! })));
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
  refuseRequiredSelfReference(spec.name ?? tableMeta(table).name, spec.associations);
  return new Factory(table, spec as unknown as FactorySpec<T, TAssoc, TTraits, TTransient, DefaultsOf<T>, THas>);
}
