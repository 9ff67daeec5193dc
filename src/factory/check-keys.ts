import type { TableMeta } from './table-meta.js';
import type { CodeOf } from '../errors/runtag-error.js';
import { FactoryValueError } from './value-error.js';

/**
 * A key that names no column of the factory's table (nor a transient param): bad input like a bad
 * value, so a FactoryValueError (`catch (e) { if (e instanceof FactoryValueError) … }` catches
 * both), told apart by its name "FactoryKeyError" and `key`. `column` is undefined (the key is
 * none), `value` is what the key was given, `code` is undefined (caught before the database).
 */
export class FactoryKeyError extends FactoryValueError {
  /** Its own code: still `instanceof FactoryValueError`, so one catch takes all bad input. */
  override readonly code = 'FACTORY_KEY' satisfies CodeOf<'FactoryKeyError'>;

  constructor(
    message: string,
    factory: string,
    table: string,
    /** The key as written, e.g. "nosuch" or "session_id". */
    readonly key: string,
    value: unknown,
    expected: string,
  ) {
    super(message, factory, table, undefined, value, expected, undefined);
  }
}

/** What a factory accepts besides the table's columns, by name. */
export interface AcceptedKeys {
  /** Transient params (steer building, never stored). */
  transient: readonly string[];
  /** `has` associations: asked for in the options, named here only to say so. */
  has: readonly string[];
}

const columnKeys = new WeakMap<TableMeta, Set<string>>();

/**
 * Keys that name no column would be dropped without a word by the insert (a typo, a SQL name for a
 * property key, a column the table lost): refused instead, naming the key and what the table has.
 * TypeScript refuses them at compile time; this is for plain JavaScript and values cast to any.
 */
export function checkKeys(factory: string, meta: TableMeta, values: Record<string, unknown>, from: string, accepted: AcceptedKeys): void {
  let columns = columnKeys.get(meta);
  if (!columns) columnKeys.set(meta, (columns = new Set(meta.columns.map((c) => c.key))));
  for (const key of Object.keys(values)) {
    if (columns.has(key) || accepted.transient.includes(key)) continue;
    const fail = (message: string) =>
      new FactoryKeyError(
        message,
        factory,
        meta.name,
        key,
        values[key],
        `a column of "${meta.name}"${accepted.transient.length > 0 ? ' or a transient param' : ''}`,
      );
    const start = `runtag: ${factory}: ${from} ${from.endsWith('defaults') ? 'name' : 'names'} "${key}", which is not a column of "${meta.name}"`;
    const bySqlName = meta.columns.find((c) => c.sqlName === key);
    if (bySqlName) throw fail(`${start}: "${key}" is the SQL name of column ${bySqlName.key}: write ${bySqlName.key}.`);
    if (accepted.has.includes(key)) {
      const count = typeof values[key] === 'number' ? values[key] : 1;
      throw fail(`${start}: "${key}" is a has association of ${factory}: ask for it in the options, create({}, { has: { ${key}: ${count} } }).`);
    }
    throw fail(
      `${start}. Columns: ${meta.columns.map((c) => c.key).join(', ')}.` +
        (accepted.transient.length > 0 ? ` Transient params: ${accepted.transient.join(', ')}.` : '') +
        " Check the spelling, or declare it in the factory's transient params if it steers building.",
    );
  }
}
