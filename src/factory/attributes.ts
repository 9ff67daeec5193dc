import type { PgTable } from 'drizzle-orm/pg-core';
import { RuntagError } from '../errors/runtag-error.js';
import { checkKeys } from './check-keys.js';
import { checkValues } from './check-values.js';
import type { AnyOverrides, AnySpec, BuildContext } from './factory-types.js';
import type { FactorySession } from './session.js';
import { tableMeta } from './table-meta.js';
import { taggedBase } from './tagged.js';

/**
 * One row's attributes, merged in a fixed order: the factory's defaults, then each trait asked
 * for, the run tag on generated values of tag columns, then the call's overrides (stored as
 * written), `tagged()` values resolved, and every value checked against its column.
 */

/** The factory whose rows are built, as merging reads it. */
export interface AttributeSource {
  readonly name: string;
  readonly table: PgTable;
  readonly spec: AnySpec;
}

/** Overrides as columns and transient params; a key that is neither is refused (checkKeys). */
export function splitOverrides(
  { name, table, spec }: AttributeSource,
  overrides: AnyOverrides,
): { columns: AnyOverrides; transient: AnyOverrides | undefined } {
  const meta = tableMeta(table);
  const transientNames = Object.keys(spec.transient ?? {});
  checkKeys(name, meta, overrides, 'the override', { transient: transientNames, has: Object.keys(spec.has ?? {}) });
  if (transientNames.length === 0) return { columns: overrides, transient: undefined };
  let columns: AnyOverrides | undefined;
  let transient: AnyOverrides | undefined;
  for (const param of transientNames) {
    // A column of the same name stays a column.
    if (!(param in overrides) || meta.columns.some((c) => c.key === param)) continue;
    columns ??= { ...overrides };
    delete columns[param];
    (transient ??= {})[param] = overrides[param];
  }
  return { columns: columns ?? overrides, transient };
}

/** The transient params of a call: the factory's defaults, with the call's on top. */
export function transientValues(spec: AnySpec, given: object | undefined): object {
  return { ...(spec.transient ?? {}), ...(given ?? {}) };
}

export function attributes(
  source: AttributeSource,
  session: FactorySession,
  overrides: AnyOverrides,
  traits: readonly string[],
  transient: object,
): Record<string, unknown> {
  const { name, table, spec } = source;
  const ctx: BuildContext<object> = {
    faker: session.faker,
    seq: session.values.nextSeq(name),
    sequence: (base) => session.tag.value(base),
    tag: session.tag,
    transient,
  };
  const meta = tableMeta(table);
  const noExtras = { transient: [], has: [] };
  const generated: Record<string, unknown> = { ...spec.defaults(ctx) };
  checkKeys(name, meta, generated, "the factory's defaults", noExtras);
  // Which trait set a value, for messages about it.
  const traitOf = new Map<string, string>();
  for (const trait of traits) {
    const values = traitValues(source, trait, ctx);
    checkKeys(name, meta, values, `trait "${trait}"`, noExtras);
    Object.assign(generated, values);
    for (const key of Object.keys(values)) traitOf.set(key, trait);
  }
  const where = (column: { sqlName: string }) => `${name}: column "${meta.name}.${column.sqlName}"`;
  // Values the factory makes up for tag columns carry the run tag: they never collide across workers.
  for (const column of meta.tagColumns) {
    const value = generated[column.key];
    if (typeof value === 'string' && !spec.untagged?.includes(column.key) && taggedBase(value) === undefined) {
      generated[column.key] = session.tag.value(value, column.maxLength, where(column));
    }
  }
  // What the test writes is stored as written; `tagged(base)` asks for a tagged value instead.
  const merged: Record<string, unknown> = { ...generated, ...overrides };
  for (const column of meta.columns) {
    const base = taggedBase(merged[column.key]);
    if (base !== undefined) merged[column.key] = session.tag.value(base, column.maxLength, where(column));
  }
  checkValues(name, meta, merged, (key) => (key in overrides ? 'the override' : traitOf.has(key) ? `trait "${traitOf.get(key)}"` : "the factory's defaults"));
  return merged;
}

/** The column values a trait sets (its `$with`/`$has` are associations, not columns). */
function traitValues({ name, spec }: AttributeSource, trait: string, ctx: BuildContext<object>): Record<string, unknown> {
  const values = spec.traits?.[trait];
  if (values === undefined) {
    throw new RuntagError('UNKNOWN_TRAIT', `runtag: ${name} has no trait "${trait}". Known traits: ${Object.keys(spec.traits ?? {}).join(', ') || 'none'}.`);
  }
  if (typeof values === 'function') return values(ctx);
  const { $with: _with, $has: _has, ...columns } = values;
  return columns;
}
