import type { TableMeta } from './table-meta.js';
import { FactoryValueError } from './value-error.js';
import { RuntagError } from '../errors/runtag-error.js';

/** A belongsTo's `overrides` as the factory calls it: the row's attributes in, the parent's overrides out. */
export type ParentOverrides = (attributes: Record<string, unknown>) => Record<string, unknown>;

/** One call of an association's `overrides`, with the row's columns it read. */
export interface OverridesCall {
  result: Record<string, unknown> | undefined;
  /** Set when the function threw. */
  error: { thrown: unknown } | undefined;
  /** The keys it read (`row.userId`, `'userId' in row`). */
  reads: Set<string>;
  /** It listed the row's keys (a spread, Object.keys): it may read any column. */
  enumerated: boolean;
}

/**
 * Calls `overrides` on a view of the row that records what it reads, so the factory can fill the
 * columns it reads before it: the order follows the reads, not the declaration.
 */
export function callOverrides(overrides: ParentOverrides, row: Record<string, unknown>): OverridesCall {
  const call: OverridesCall = { result: undefined, error: undefined, reads: new Set(), enumerated: false };
  const view = new Proxy(row, {
    get(target, key, receiver) {
      if (typeof key === 'string') call.reads.add(key);
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      if (typeof key === 'string') call.reads.add(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      call.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
  try {
    call.result = overrides(view) ?? {};
  } catch (thrown) {
    call.error = { thrown };
  }
  return call;
}

/** The columns still to be filled that a call read while they were unfilled in its row: it waits for them. */
export function waitsFor(call: OverridesCall, own: string, row: Record<string, unknown>, pending: ReadonlyMap<string, unknown>): string[] {
  const read = call.enumerated ? [...pending.keys()] : [...call.reads];
  return read.filter((key) => key !== own && pending.has(key) && row[key] === undefined);
}

/** Every association left waits for a column another one left fills: none can go first. */
export function overridesCycleError(factory: string, blocked: ReadonlyMap<string, readonly string[]>): RuntagError {
  const parts = [...blocked].map(([key, waits]) => `"${key}" (reading ${waits.map((w) => `"${w}"`).join(', ')})`);
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  return new RuntagError(
    'ASSOCIATION_CYCLE',
    `runtag: ${factory}: the overrides of associations ${list} read columns only the others fill, so none can be made first. ` +
      'Give one of the columns in the overrides or the defaults, or let one side stop reading it.',
  );
}

export interface UndefinedOverride {
  /** The factory declaring the association, its table, and the association's key. */
  factory: string;
  table: TableMeta;
  association: string;
  /** The parent's factory and table, and the column its overrides give undefined. */
  parent: string;
  parentTable: TableMeta;
  column: string;
  call: OverridesCall;
  row: Record<string, unknown>;
  /** Optional associations of the factory, not asked for in this call. */
  unrequested: readonly string[];
}

/**
 * `{ userId: message.userId }` giving undefined would count as "not given", and the parent factory
 * would quietly make a value of its own: for a foreign key a second user, where the test clearly
 * meant the row's. Refused instead, saying which read came back empty and why.
 */
export function undefinedOverrideError(u: UndefinedOverride): FactoryValueError {
  const column = u.parentTable.columns.find((c) => c.key === u.column)!;
  const empty = [...u.call.reads].filter((key) => u.row[key] === undefined);
  const why = (key: string) => {
    if (!u.table.columns.some((c) => c.key === key))
      return `which is not a column of "${u.table.name}" (columns: ${u.table.columns.map((c) => c.key).join(', ')})`;
    if (u.unrequested.includes(key)) return `which the optional association "${key}" fills only when asked: create({}, { with: ['${key}'] })`;
    return 'which nothing fills before the insert (not the defaults, the overrides or an association)';
  };
  const reads =
    empty.length === 0
      ? 'They read no empty column of the row: the undefined comes from elsewhere.'
      : `They read ${empty.map((key, i) => `"${key}"${i === 0 ? ` of the ${u.table.name} row` : ''}, ${why(key)}`).join('; and ')}.`;
  return new FactoryValueError(
    `runtag: ${u.factory}: the overrides of association "${u.association}" (${u.parent}) give column "${u.parentTable.name}.${column.sqlName}" undefined, ` +
      `so ${u.parent} would make up a value of its own (for a foreign key, a new parent). ${reads} ` +
      `Read a column the row has, or leave the key out of the overrides to let ${u.parent} fill it.`,
    u.factory,
    u.parentTable.name,
    column.sqlName,
    undefined,
    `a value for "${u.parentTable.name}.${column.sqlName}", or no such key to let ${u.parent} fill it`,
    undefined,
  );
}
