/**
 * Rows as an aligned text table, as psql prints them: a header, a rule, `|` between cells, each
 * column padded to its widest cell (numbers to the right), and the row count:
 *
 *   email                        | role
 *   -----------------------------+--------
 *   <tag:users.email#1>-a@x.test | PARENT
 *   (1 row)
 */
export function formatTextTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const count = `(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`;
  if (headers.length === 0) return count;
  const cells = rows.map((row) => headers.map((_, i) => formatCell(row[i])));
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => row[i]!.length)));
  const rightAligned = headers.map((_, i) => rows.some((row) => isNumber(row[i])) && rows.every((row) => isNumber(row[i]) || row[i] == null));
  const line = (texts: readonly string[]) =>
    texts
      .map((text, i) => (rightAligned[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)))
      .join(' | ')
      .trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('-+-'), ...cells.map(line), count].join('\n');
}

/** One cell on one line: NULL for null, JSON for objects (jsonb, nested relations), newlines escaped. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return value.replace(/\r?\n/g, '\\n');
  if (typeof value === 'object') return JSON.stringify(value, (_, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
  return String(value);
}

function isNumber(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'bigint';
}
