import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { MigrationSet } from './migration-files.js';

/** Bumped when the way runtag builds a template changes, so older templates are not reused. */
const TEMPLATE_FORMAT = 1;
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * What a template is keyed by: the migrations' content, order and names (the layout's), and the seed module with every
 * file it imports by relative path (so editing a factory the seed uses rebuilds the template too).
 * Packages the seed imports are not hashed: their version changes do not rebuild it.
 */
export function templateHash(set: MigrationSet, seedModule: string | undefined): string {
  const hash = createHash('sha256').update(`runtag-template:${TEMPLATE_FORMAT}\n`);
  // drizzle-kit 1.0's folders keep a journal of another form, keyed by name (see migration-journal.ts): its
  // templates differ from a 0.x folder's with the same SQL. A 0.x folder's key is what it always was.
  if (set.layout === 'folders') hash.update('layout:folders\n');
  for (const migration of set.migrations)
    hash.update(set.layout === 'folders' ? `${migration.name}:${migration.hash}\n` : `${migration.folderMillis}:${migration.hash}\n`);
  if (seedModule) {
    for (const file of relativeSources(resolve(seedModule))) hash.update(`${file}\n`).update(readFileSync(file)).update('\n');
  }
  return hash.digest('hex');
}

/** `entry` and the files it imports by relative path, transitively, in a stable order. */
function relativeSources(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      const found = resolveSource(resolve(dirname(file), specifier!));
      if (found) visit(found);
    }
  };
  visit(entry);
  return [...seen].sort();
}

/** TypeScript sources are imported with .js specifiers; try what a bundler would. */
function resolveSource(path: string): string | undefined {
  const stem = path.replace(/\.(c|m)?js$/, '');
  const candidates = [path, `${stem}.ts`, `${stem}.mts`, `${stem}.tsx`, `${path}.ts`, `${path}/index.ts`, `${path}/index.js`];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}
