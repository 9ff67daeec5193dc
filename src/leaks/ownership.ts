import { quoteIdent } from '../db/connect.js';
import type { CatalogTable } from './catalog.js';

/**
 * For each table, a SQL predicate matching the rows that belong to a tag prefix: a tag column
 * starts with it (an index-backed LIKE 'prefix%'), or a foreign key points at such a row.
 * Tables that can hold no tagged row get no predicate.
 */
export function ownershipPredicates(schema: string, tables: CatalogTable[], likePattern: string): Map<string, string> {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const predicates = new Map<string, string | null>();
  const literal = `'${likePattern.replaceAll("'", "''")}'`;

  const predicateFor = (name: string, visiting: Set<string>): string | null => {
    if (predicates.has(name)) return predicates.get(name)!;
    const table = byName.get(name);
    if (!table || visiting.has(name)) return null;
    visiting.add(name);
    const alternatives = table.tagColumns.map((c) => `${quoteIdent(c)} like ${literal}`);
    for (const fk of table.foreignKeys) {
      const parent = predicateFor(fk.references, visiting);
      if (!parent) continue;
      const cols = fk.columns.map(quoteIdent).join(', ');
      const refs = fk.referencedColumns.map(quoteIdent).join(', ');
      alternatives.push(`(${cols}) in (select ${refs} from ${quoteIdent(schema)}.${quoteIdent(fk.references)} where ${parent})`);
    }
    visiting.delete(name);
    const predicate = alternatives.length > 0 ? alternatives.join(' or ') : null;
    predicates.set(name, predicate);
    return predicate;
  };

  const result = new Map<string, string>();
  for (const table of tables) {
    const predicate = predicateFor(table.name, new Set());
    if (predicate) result.set(table.name, predicate);
  }
  return result;
}

