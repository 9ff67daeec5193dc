import { quoteIdent, type Sql } from '../db/connect.js';
import { readCatalog } from '../ownership/catalog.js';

/** A migrated (and seeded) schema, complete and never written again, that pooled copies are made from. */
export interface SealedTemplate {
  hash: string;
  schema: string;
}

interface TemplateTable {
  table: string;
  /** Columns to copy (generated ones are left out), with the template's own type (an enum, a domain) where the column has one. */
  columns: { name: string; ownType: { name: string; isArray: boolean } | undefined }[];
}

/** Each sealed template's copy plan: a sealed template never changes, so every copy of it in this process reads the catalog once. */
const copyPlans = new Map<string, Promise<TemplateTable[] | undefined>>();

/**
 * Copy the template's rows (its seed data) into `target`, a schema migrated from the same
 * migrations, as `sql`'s role, in one statement batch: parents before children. Returns false when
 * the tables' foreign keys form a cycle (no insert order works): the caller seeds by running the
 * seed function instead.
 */
export async function copyTemplateRows(sql: Sql, template: SealedTemplate, target: string): Promise<boolean> {
  let plan = copyPlans.get(template.schema);
  if (!plan) {
    plan = tablesInInsertOrder(sql, template.schema);
    copyPlans.set(template.schema, plan);
    plan.catch(() => copyPlans.delete(template.schema));
  }
  const tables = await plan;
  if (!tables) return false;
  const statements = tables.map(({ table, columns }) => {
    // A type of the template's own is the target's own type of the same name there.
    const read = columns.map(({ name, ownType }) =>
      ownType ? `${quoteIdent(name)}::text::${quoteIdent(target)}.${quoteIdent(ownType.name)}${ownType.isArray ? '[]' : ''}` : quoteIdent(name),
    );
    return (
      `insert into ${quoteIdent(target)}.${quoteIdent(table)} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) overriding system value ` +
      `select ${read.join(', ')} from ${quoteIdent(template.schema)}.${quoteIdent(table)}`
    );
  });
  if (statements.length > 0) await sql.unsafe(statements.join(';\n')).simple();
  return true;
}

/** The template's tables (as the ownership catalog reads them), parents first; undefined when their foreign keys form a cycle. */
async function tablesInInsertOrder(sql: Sql, template: string): Promise<TemplateTable[] | undefined> {
  const [catalog, columns] = await Promise.all([
    readCatalog(sql, template),
    sql<{ table: string; column: string; type_name: string | null; is_array: boolean }[]>`
      select c.relname as table, a.attname as column,
        case when t.typnamespace = n.oid then t.typname when et.typnamespace = n.oid then et.typname end as type_name,
        et.oid is not null as is_array
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      join pg_type t on t.oid = a.atttypid
      left join pg_type et on et.oid = t.typelem and t.typcategory = 'A'
      where n.nspname = ${template}
      order by c.relname, a.attnum`,
  ]);
  const edges = catalog.flatMap((table) =>
    table.foreignKeys.filter((fk) => fk.references !== table.name).map((fk) => ({ child: table.name, parent: fk.references })),
  );
  const order = topologicalOrder(
    catalog.map((table) => table.name),
    edges,
  );
  return order?.map((table) => ({
    table,
    columns: columns
      .filter((c) => c.table === table)
      .map((c) => ({ name: c.column, ownType: c.type_name ? { name: c.type_name, isArray: c.is_array } : undefined })),
  }));
}

/** Parents before children (Kahn's algorithm); undefined for a cycle. */
function topologicalOrder(tables: string[], edges: { child: string; parent: string }[]): string[] | undefined {
  const waitingOn = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const { child, parent } of edges) waitingOn.get(child)?.add(parent);
  const order: string[] = [];
  while (order.length < tables.length) {
    const ready = [...waitingOn].filter(([t, parents]) => !order.includes(t) && parents.size === 0).map(([t]) => t);
    if (ready.length === 0) return undefined;
    for (const t of ready.sort()) {
      order.push(t);
      for (const parents of waitingOn.values()) parents.delete(t);
    }
  }
  return order;
}
