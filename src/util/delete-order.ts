/**
 * Order items so that each comes before everything it references: the order in which rows can
 * be deleted without breaking a foreign key. Self-references and cycles are left as they fall.
 */
export function referencingFirst<T>(items: Iterable<T>, references: (item: T) => readonly T[]): T[] {
  const all = [...items];
  const ordered: T[] = [];
  const done = new Set<T>();
  const visit = (item: T, path: Set<T>) => {
    if (done.has(item) || path.has(item)) return;
    path.add(item);
    for (const other of all) if (other !== item && references(other).includes(item)) visit(other, path);
    path.delete(item);
    done.add(item);
    ordered.push(item);
  };
  for (const item of all) visit(item, new Set());
  return ordered;
}
