/**
 * What a tag column is, defined once: the columns whose generated values a factory tags with the
 * run tag (factory/table-meta.ts reads a Drizzle table), and the columns the leak scan, cleanup
 * and the fresh-run-key check look in for a run's tag (ownership/catalog.ts reads the database).
 * Both read the same facts of a column, each from its own source, and ask this module.
 *
 * A tag column is a variable-length text column (text, varchar, citext) under a unique constraint
 * or a unique index (a composite or expression one too, e.g. `lower(email)`), that is
 *  - not part of the primary key: a row's identity is a natural key the test means as written
 *    (a country code, an auth provider's user id); rows a factory made are found by that key;
 *  - not part of a foreign key: its value is the referenced row's, and the row is owned through
 *    that reference instead;
 *  - not `char(n)` (fixed width: a tag would be padded or cut), an array, an enum or another type.
 * A unique column too short for a tag (varchar(4)) is a tag column all the same: the factory then
 * says to widen it or list it in `untagged`, rather than quietly generating values that collide.
 */
export interface ColumnFacts {
  /**
   * The column's type name: as Drizzle gives it (`getSQLType()`: 'varchar(32)', 'text[]', an
   * enum's name) or as PostgreSQL names the type (`pg_type.typname`: 'varchar', '_text', 'bpchar').
   */
  type: string;
  /** Under a unique constraint or unique index, the primary key's included. */
  unique: boolean;
  primaryKey: boolean;
  foreignKey: boolean;
}

/** Variable-length text, in both spellings (Drizzle's SQL and pg_type's names). */
const TAG_TYPES = new Set(['text', 'varchar', 'character varying', 'citext']);

export function isTagColumn(column: ColumnFacts): boolean {
  return column.unique && !column.primaryKey && !column.foreignKey && TAG_TYPES.has(typeName(column.type));
}

/** 'varchar(32)' → 'varchar', '"ext"."citext"' → 'citext'; an array keeps its brackets ('text[]'), so it is no tag type. */
function typeName(type: string): string {
  return type
    .replace(/\(.*?\)/g, '')
    .replace(/^.*\./, '')
    .replaceAll('"', '')
    .trim()
    .toLowerCase();
}
