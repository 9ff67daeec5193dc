import type { Faker } from '@faker-js/faker';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Tagger } from '../run/tag.js';
import type { FactorySession } from './session.js';

/**
 * The types a factory is written and called with: its spec (defaults, traits, transient params,
 * associations), the overrides and options of a call, and the contexts its functions get. They
 * name no implementation, so the modules that build, associate and insert rows all import them
 * and none imports another to know a shape.
 */

// `table.$inferInsert` / `$inferSelect`, as keys of T: drizzle-orm 1.0's PgTable has no such keys (its tables' types do).
export type InsertOf<T extends PgTable> = T['$inferInsert' & keyof T];
export type RowOf<T extends PgTable> = T['$inferSelect' & keyof T];
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
/** The overrides argument of build/create: not a function (Partial<…> has no required key, so a function would pass for overrides). */
export type OverridesArg<O, T extends PgTable, TTransient> = O extends (...args: never[]) => unknown ? never : KnownKeys<O, Overrides<T, TTransient>>;
/** What the factory's internals take: checked at run time by checkKeys. */
export type AnyOverrides = Record<string, unknown>;
export type AnyListOverrides = AnyOverrides | ((index: number) => AnyOverrides);

export interface BuildContext<TTransient> {
  /** Seeded per test file and per test: replay with RUNTAG_SEED. */
  faker: Faker;
  /** 1, 2, 3… for this factory within the current test. */
  seq: number;
  /**
   * The same as `tag.value(base)`: a string unique across workers, processes and machines,
   * `<run key>-<scope>-<n>[-base]`. Prefer `tagged(base)` in defaults, which is also fitted to the column.
   */
  sequence(base?: string): string;
  tag: Tagger;
  transient: TTransient;
}

export interface CreateContext<TTransient> {
  session: FactorySession;
  transient: TTransient;
}

/**
 * Any factory, as associations and `runtag lint` see one: its name, table and trait names, and a
 * copy bound to a session. Every factory `defineFactory` makes is one; `FactoryFor<T>` is one of
 * `T`'s rows with all its methods.
 */
export interface AnyFactory {
  readonly name: string;
  readonly table: PgTable;
  /** The trait names, for typing (e.g. `belongsTo` options); empty at runtime. */
  readonly traitNames: readonly string[];
  /** The traits this factory defines, by name. */
  readonly definedTraits: string[];
  withSession(session: FactorySession): AnyFactory;
}
export type TraitsOf<F extends AnyFactory> = F['traitNames'][number];
export type TableOf<F extends AnyFactory> = F['table'];

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
export type Inherit<TParent, TChild extends PgTable> = readonly (keyof InsertOf<TChild> & keyof TParent & string)[] | ((parent: TParent) => Overrides<TChild>);

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
export type TraitSpec<T extends PgTable, TTransient, TAssoc extends string> =
  | (Overrides<T> & TraitAssociations<TAssoc>)
  | ((ctx: BuildContext<TTransient>) => Overrides<T>);
export interface TraitAssociations<TAssoc extends string> {
  /** Optional associations the trait fills, as `{ with: [...] }` does for one call. */
  $with?: readonly TAssoc[];
  /** Rows of `has` associations the trait makes per row, as `{ has: {...} }` does for one call. */
  $has?: Readonly<Record<string, number>>;
}
/** Required insert columns (no default, not nullable). */
type RequiredColumns<T extends PgTable> = { [K in keyof InsertOf<T>]-?: {} extends Pick<InsertOf<T>, K> ? never : K }[keyof InsertOf<T>];
/** What `const` inference makes of a value: arrays and objects read-only. Defaults are only read, so either form is fine. */
type ReadonlyDeep<X> = X extends Date
  ? X
  : X extends readonly (infer E)[]
    ? readonly ReadonlyDeep<E>[]
    : X extends object
      ? { readonly [K in keyof X]: ReadonlyDeep<X[K]> }
      : X;
/** What defaults may return: any subset of the insert columns, read-only or not. */
export type DefaultsOf<T extends PgTable> = { [K in keyof InsertOf<T>]?: ReadonlyDeep<InsertOf<T>[K]> };
/** Required columns that neither the defaults nor an association fill: a compile error when not empty. */
type UnfilledColumns<T extends PgTable, TAssoc, TDefaults> = Exclude<RequiredColumns<T>, TAssoc | keyof TDefaults>;
type UnknownColumns<T extends PgTable, TDefaults> = Exclude<keyof TDefaults, keyof InsertOf<T>>;
export type DefaultsCheck<T extends PgTable, TAssoc, TDefaults> = [UnfilledColumns<T, TAssoc, TDefaults>] extends [never]
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

/**
 * A spec as the factory's own modules read it, once its type parameters have done their checking
 * (at compile time, in defineFactory's signature): columns by name, values unknown.
 */
export interface AnySpec {
  name?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  defaults: (ctx: BuildContext<any>) => Record<string, unknown>;
  associations?: Readonly<Record<string, Association>>;
  has?: Readonly<Record<string, HasAssociation>>;
  untagged?: readonly string[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  traits?: Readonly<Record<string, (Record<string, unknown> & TraitAssociations<string>) | ((ctx: BuildContext<any>) => Record<string, unknown>)>>;
  transient?: object;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  afterCreate?: (row: any, ctx: CreateContext<any>) => void | Promise<void>;
}

export interface BuildOptions<TTraits extends string, TTransient, TAssoc extends string = string, THas extends string = string> {
  traits?: readonly TTraits[];
  transient?: Partial<TTransient>;
  /** Optional associations to fill for this call (they stay NULL otherwise). */
  with?: readonly TAssoc[];
  /** How many rows of each `has` association to make per created row, for this call (0: none). */
  has?: Partial<Record<THas, number>>;
}
