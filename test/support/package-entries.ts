/**
 * runtag's package entries ('runtag', 'runtag/vitest', …) mapped to their source modules, read
 * from package.json's "exports": the docs' examples import runtag by those names, exactly as a
 * user writes them, and the docs project of vitest.config.ts (with tsconfig.json's "paths") points
 * the names at the source instead of a build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

/** 'runtag/vitest' → 'src/vitest/index.ts', relative to the repository's root. */
export function packageEntries(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { default: string }>;
  };
  const entries: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const built = typeof target === 'string' ? target : target.default;
    // Only the compiled modules: './package.json' is no module.
    const source = /^\.\/dist\/(.+)\.js$/.exec(built)?.[1];
    if (source) entries[subpath === '.' ? pkg.name : `${pkg.name}${subpath.slice(1)}`] = `${source}.ts`;
  }
  return entries;
}

/** The same as Vite aliases: each name exactly (so 'runtag' does not also catch 'runtag/vitest'), to its file. */
export function packageAliases(): { find: RegExp; replacement: string }[] {
  return Object.entries(packageEntries()).map(([name, source]) => ({
    find: new RegExp(`^${name.replaceAll('/', '\\/')}$`),
    replacement: join(ROOT, source),
  }));
}
