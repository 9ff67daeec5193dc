/**
 * The docs cannot drift from the code: every TypeScript example in README.md and docs/ is a file
 * under docs/examples (type-checked by `tsc -p .`; its *.test.ts files run in the docs projects of
 * vitest.config.ts), shown on the page after a marker,
 *
 *   <!-- example: docs/examples/test/first.test.ts -->
 *   ```ts
 *   …the file's content, exactly…
 *   ```
 *
 * and the examples import runtag by its package names, which resolve to the source.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageEntries } from '../support/package-entries.js';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLES = 'docs/examples';
/** Stand-ins for the user's app (its schema, its server), imported by the examples and not shown. */
const APP_STAND_INS = `${EXAMPLES}/src/`;
/**
 * Pages whose owners have not yet moved their TypeScript blocks into docs/examples: their blocks
 * are not required to have a marker (a marker they do have is still checked).
 */
const PAGES_WITHOUT_EXAMPLE_FILES = new Set(['docs/configuration.md', 'docs/errors.md', 'docs/compatibility.md']);

/** Linked from the README and docs, and written by others at the same time: a link to one is checked once it exists. */
const PAGES_BEING_WRITTEN = new Set(['docs/compatibility.md']);

const MARKER = /^<!-- example: (\S+) -->$/;
const FENCE = /^(`{3,})(\S*)\s*$/;

interface Block {
  page: string;
  line: number;
  lang: string;
  body: string;
  /** The example file the marker right above the block names. */
  example: string | undefined;
}

function files(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .filter(keep)
    .sort();
}

const pages = ['README.md', 'bench/README.md', ...files('docs', (path) => path.endsWith('.md') && !path.startsWith(`${EXAMPLES}/`))];

/** The fenced blocks of a page, each with the marker on the line above it, if any. */
function blocks(page: string): { blocks: Block[]; strayMarkers: number[] } {
  const lines = readFileSync(join(ROOT, page), 'utf8').split('\n');
  const found: Block[] = [];
  const markerLines = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) {
      if (MARKER.test(lines[i]!)) markerLines.add(i);
      continue;
    }
    const close = lines.findIndex((line, j) => j > i && line.trimEnd() === open[1]);
    if (close < 0) throw new Error(`${page}:${i + 1}: a fenced block that never closes`);
    const example = i > 0 ? MARKER.exec(lines[i - 1]!)?.[1] : undefined;
    if (example) markerLines.delete(i - 1);
    found.push({ page, line: i + 1, lang: open[2]!, body: lines.slice(i + 1, close).join('\n'), example });
    i = close;
  }
  return { blocks: found, strayMarkers: [...markerLines].map((i) => i + 1) };
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
function headingSlugs(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/^(`{3,}).*?^\1\s*$/gms, '');
  return [...text.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) =>
    heading!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_ -]/gu, '')
      .replace(/ /g, '-'),
  );
}

const parsed = pages.map((page) => ({ page, ...blocks(page) }));
const all = parsed.flatMap((p) => p.blocks);
const shown = all.filter((block) => block.example !== undefined);

describe('the docs examples', () => {
  it('finds the pages and their examples', () => {
    expect(pages).toContain('docs/vitest.md');
    expect(shown.length).toBeGreaterThan(20);
  });

  it('shows each marked example exactly as its file holds it', () => {
    for (const block of shown) {
      const where = `${block.page}:${block.line} (${block.example})`;
      expect(block.example!.startsWith(`${EXAMPLES}/`), `${where}: examples live under ${EXAMPLES}/`).toBe(true);
      const text = readFileSync(join(ROOT, block.example!), 'utf8');
      expect(`${block.body}\n`, `${where}: the block differs from the file; paste the file into the page`).toBe(text);
    }
  });

  it('has a marker before every TypeScript block, and every marker is right above a block', () => {
    for (const { page, blocks: found, strayMarkers } of parsed) {
      expect(strayMarkers, `${page}: a marker must be on the line right above its fenced block`).toEqual([]);
      if (PAGES_WITHOUT_EXAMPLE_FILES.has(page)) continue;
      for (const block of found.filter((b) => /^(ts|typescript|tsx)$/.test(b.lang) && b.example === undefined)) {
        expect.fail(`${page}:${block.line}: a TypeScript block without an example file; move it to ${EXAMPLES}/ and put <!-- example: … --> above it`);
      }
    }
  });

  it('shows every example file somewhere (the stand-ins for the app excepted)', () => {
    const used = new Set(shown.map((block) => block.example));
    const unused = files(EXAMPLES, (path) => path.endsWith('.ts') && !path.startsWith(APP_STAND_INS)).filter((path) => !used.has(path));
    expect(unused, 'example files no page shows: show them, or delete them').toEqual([]);
  });

  it('links only to files that exist, and to headings those pages have', () => {
    for (const page of pages) {
      const text = readFileSync(join(ROOT, page), 'utf8').replace(/^(`{3,}).*?^\1\s*$/gms, '');
      for (const [, target, anchor] of text.matchAll(/\]\((?!https?:|mailto:)([^)#\s]*)(?:#([^)\s]+))?\)/g)) {
        const file = target ? join(dirname(join(ROOT, page)), target) : join(ROOT, page);
        const where = `${page}: the link to ${target}${anchor ? `#${anchor}` : ''}`;
        if (PAGES_BEING_WRITTEN.has(relative(ROOT, file)) && !existsSync(file)) continue;
        expect(existsSync(file), `${where}: no such file`).toBe(true);
        if (anchor) expect(headingSlugs(file), `${where}: no such heading`).toContain(anchor);
      }
    }
  });

  it('keeps README.md to 200 lines: the front page, what a user reads first', () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').trimEnd().split('\n').length;
    expect(lines, 'README.md is over 200 lines: tighten it, or move detail to a page under docs/').toBeLessThanOrEqual(200);
  });

  it("resolves runtag's package names to the source in tsconfig.json as in package.json's exports", () => {
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
    const expected = Object.fromEntries(Object.entries(packageEntries()).map(([name, source]) => [name, [`./${source}`]]));
    expect(tsconfig.compilerOptions.paths).toEqual(expected);
  });
});
