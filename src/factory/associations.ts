import type { PgTable } from 'drizzle-orm/pg-core';
import { RuntagError } from '../errors/runtag-error.js';
import { callOverrides, overridesCycleError, undefinedOverrideError, waitsFor, type OverridesCall } from './association-order.js';
import type {
  AnyFactory,
  AnyOverrides,
  AnySpec,
  Association,
  HasAssociation,
  Inherit,
  InsertOf,
  OverridesArg,
  Overrides,
  RowOf,
  TableOf,
  TraitsOf,
} from './factory-types.js';
import { tableMeta } from './table-meta.js';

/**
 * Associations: how a factory declares the rows its rows need (belongsTo: a parent made first,
 * its key put in the foreign key) and the rows made for them (hasMany, manyToMany: made after,
 * one INSERT per table), and how they are resolved for one createList.
 */

/**
 * A foreign key filled by creating a parent through `factory`, unless the call gives one.
 * `overrides` are the parent's, typed from the parent's table: a column it does not have fails to
 * compile, as in a create() call.
 */
export function belongsTo<F extends AnyFactory, const R extends Overrides<TableOf<F>> = Overrides<TableOf<F>>>(
  factory: () => F,
  options: {
    traits?: readonly TraitsOf<F>[];
    overrides?: (attributes: Record<string, unknown>) => OverridesArg<R, TableOf<F>, {}>;
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

/** A required self-reference would need a parent made by the same factory, forever: refused when the factory is defined. */
export function refuseRequiredSelfReference(factoryName: string, associations: AnySpec['associations']): void {
  const self = Object.entries(associations ?? {}).find(([, a]) => a.factory === 'self' && !a.optional);
  if (!self) return;
  throw new RuntagError(
    'FACTORY_DEFINITION',
    `runtag: ${factoryName} has a required self-reference "${self[0]}": every row would need a parent made by the same factory, forever. ` +
      'Declare it belongsToSelf({ optional: true }) and ask for a parent with { with: [...] } where a test needs one.',
  );
}

/**
 * Make `count` rows through `factory` at `path` of the call tree (`posts#1>authorId`), in the
 * session being filled: the factory's own create path, handed in, so a parent's or child's rows
 * are built, checked, inserted and tracked as the test's own are.
 */
export type MakeRows = (
  factory: AnyFactory,
  path: string,
  count: number,
  overrides: (index: number) => AnyOverrides,
  traits: readonly string[],
) => Promise<Record<string, unknown>[]>;

/** The factory whose rows are being made, as resolution reads it. */
export interface AssociationOwner {
  readonly factory: AnyFactory;
  readonly spec: AnySpec;
}

/** The associations the given traits bring along; a call's own `with`/`has` come on top. */
export function traitAssociations({ factory, spec }: AssociationOwner, traits: readonly string[]): { with: string[]; has: Record<string, number> } {
  const carried = { with: [] as string[], has: {} as Record<string, number> };
  for (const trait of traits) {
    const values = spec.traits?.[trait];
    if (values === undefined || typeof values === 'function') continue;
    for (const key of values.$with ?? []) {
      if (!spec.associations?.[key]) {
        throw new RuntagError(
          'FACTORY_DEFINITION',
          `runtag: ${factory.name} trait "${trait}" asks for association "${key}", which the factory does not declare.`,
        );
      }
      carried.with.push(key);
    }
    for (const [name, count] of Object.entries(values.$has ?? {})) {
      if (!spec.has?.[name]) {
        throw new RuntagError(
          'FACTORY_DEFINITION',
          `runtag: ${factory.name} trait "${trait}" asks for ${count} "${name}" per row, but the factory has no such association. Add it with .has('${name}', hasMany(...)).`,
        );
      }
      carried.has[name] = count;
    }
  }
  return carried;
}

/** Parents of parents of…: deeper than any schema's chain of required foreign keys, so only a cycle gets here. */
const MAX_ASSOCIATION_DEPTH = 24;

/**
 * Fill missing foreign keys by creating parents in bulk, one createList per association. An
 * association whose `overrides` read a column another one fills goes after it (the order follows
 * what the overrides read, not the declaration), so `{ userId: message.userId }` gets the user.
 */
export async function fillParents(
  owner: AssociationOwner,
  rows: Record<string, unknown>[],
  callPath: string,
  requested: readonly string[],
  make: MakeRows,
): Promise<void> {
  const { factory, spec } = owner;
  const declared = Object.entries(spec.associations ?? {});
  const pending = new Map<string, Association>();
  for (const [key, association] of declared) {
    if (association.optional && !requested.includes(key)) continue;
    if (rows.some((row) => row[key] === undefined)) pending.set(key, association);
  }
  if (pending.size === 0) return;
  // Required belongsTo both ways (files ↔ documents) would make parents of parents forever, inserting nothing.
  if (callPath.split('>').length >= MAX_ASSOCIATION_DEPTH) {
    throw new RuntagError(
      'ASSOCIATION_CYCLE',
      `runtag: ${factory.name}: associations nest more than ${MAX_ASSOCIATION_DEPTH} deep (${callPath}>${[...pending.keys()][0]}), so required belongsTo associations form a cycle. ` +
        'Declare one side belongsTo(..., { optional: true }) and ask for it with { with: [...] } where a test needs it.',
    );
  }
  const unrequested = declared.filter(([key, a]) => a.optional && !requested.includes(key)).map(([key]) => key);
  while (pending.size > 0) {
    const next = nextAssociation(factory.name, pending, rows);
    pending.delete(next.key);
    const association = next.association;
    // A self-reference makes its parents without asking for theirs: one level, never a recursion.
    const parentFactory = association.factory === 'self' ? factory : association.factory();
    const parentTable = tableMeta(parentFactory.table);
    next.calls.forEach((call, i) => {
      for (const [column, value] of Object.entries(call?.result ?? {})) {
        if (value !== undefined || !parentTable.columns.some((c) => c.key === column)) continue;
        throw undefinedOverrideError({
          factory: factory.name,
          table: tableMeta(factory.table),
          association: next.key,
          parent: parentFactory.name,
          parentTable,
          column,
          call: call!,
          row: next.missing[i]!,
          unrequested,
        });
      }
    });
    const parents = await make(parentFactory, `${callPath}>${next.key}`, next.missing.length, (i) => next.calls[i]?.result ?? {}, association.traits);
    next.missing.forEach((row, i) => {
      row[next.key] = parents[i]![association.key];
    });
  }
}

/**
 * The first association, in declaration order, whose overrides read no column still to be filled
 * (in the rows it fills), with those overrides' results; a cycle of such reads is refused.
 */
function nextAssociation(
  factoryName: string,
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
  throw overridesCycleError(factoryName, blocked);
}

/** Has-many and many-to-many rows for every created row: one bulk INSERT per table, whatever the count. */
export async function makeHasRows(
  owner: AssociationOwner,
  created: Record<string, unknown>[],
  callPath: string,
  counts: Partial<Record<string, number>>,
  make: MakeRows,
): Promise<void> {
  for (const [name, has] of Object.entries(owner.spec.has ?? {})) {
    const perRow = counts[name] ?? has.count;
    if (perRow <= 0 || created.length === 0) continue;
    const parent = (i: number) => created[Math.floor(i / perRow)]!;
    const owned = (i: number) => parent(i)[has.key];
    const total = created.length * perRow;
    const factory = has.factory();
    const join = has.kind === 'manyToMany' ? has.through!() : factory;
    for (const column of [has.foreignKey, ...(has.targetKey ? [has.targetKey] : [])]) {
      if (!tableMeta(join.table).columns.some((c) => c.key === column)) {
        throw new RuntagError(
          'FACTORY_DEFINITION',
          `runtag: ${owner.factory.name}: has "${name}" names column "${column}", which ${join.name} (table "${tableMeta(join.table).name}") does not have.`,
        );
      }
    }
    const inherited = inheritance(owner.factory, name, has.inherit, factory);
    if (has.kind === 'many') {
      await make(factory, `${callPath}>${name}`, total, (i) => ({ ...inherited(parent(i)), [has.foreignKey]: owned(i) }), has.traits);
      continue;
    }
    const targets = await make(factory, `${callPath}>${name}`, total, (i) => inherited(parent(i)), has.traits);
    const inheritedThrough = inheritance(owner.factory, name, has.inheritThrough, join);
    await make(
      join,
      `${callPath}>${name}>through`,
      total,
      (i) => ({ ...inheritedThrough(parent(i)), [has.foreignKey]: owned(i), [has.targetKey!]: targets[i]![has.key] }),
      [],
    );
  }
}

/** The overrides a `has` row takes from its parent row; named columns are checked on both tables first. */
function inheritance(
  owner: AnyFactory,
  name: string,
  inherit: Inherit<unknown, PgTable> | undefined,
  child: AnyFactory,
): (parent: Record<string, unknown>) => AnyOverrides {
  if (inherit === undefined) return () => ({});
  if (typeof inherit === 'function') return inherit as (parent: Record<string, unknown>) => AnyOverrides;
  const columns = inherit as readonly string[];
  for (const [factory, column] of [...columns.map((c) => [child, c] as const), ...columns.map((c) => [owner, c] as const)]) {
    if (!tableMeta(factory.table).columns.some((c) => c.key === column)) {
      throw new RuntagError(
        'FACTORY_DEFINITION',
        `runtag: ${owner.name}: has "${name}" inherits column "${column}", which ${factory.name} (table "${tableMeta(factory.table).name}") does not have. ` +
          'Inherit columns both tables have, or pass a function: inherit: (parent) => ({ ... }).',
      );
    }
  }
  return (parent) => Object.fromEntries(columns.map((column) => [column, parent[column]]));
}
