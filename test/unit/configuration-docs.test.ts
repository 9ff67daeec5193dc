/**
 * The options and variables as docs/configuration.md states them are the ones the code has, and
 * the code reads its variables in one place: the options resolver (src/options).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTION_LIST, OPTION_NAMES, RUN_CONFIG_ENV } from '../../src/options/option-list.js';

const ROOT = join(import.meta.dirname, '../..');
const docs = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');

function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { path: relative(ROOT, path), text: readFileSync(path, 'utf8') };
    });
}
const src = sources(join(ROOT, 'src'));
const outsideOptions = src.filter((file) => !file.path.startsWith('src/options/'));

/** The table docs/configuration.md must hold, made from the option list itself. */
function optionTable(): string {
  const cell = (value: string) => value.replaceAll('|', '\\|');
  const rows = OPTION_NAMES.map((name) => {
    const spec = OPTION_LIST[name];
    const env = 'env' in spec ? `\`${spec.env}\`` : '';
    return `| \`${name}\` | ${env} | ${cell(spec.type.allowed)} | ${cell(spec.defaultText)} | ${cell(spec.meaning)} |`;
  });
  return ['| Option | Variable | Allowed | Default | Meaning |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

describe('docs/configuration.md', () => {
  it('holds the option table exactly as the option list has it', () => {
    // On a change to the option list, paste the table below into docs/configuration.md.
    expect(docs, `expected docs/configuration.md to contain:\n\n${optionTable()}\n`).toContain(optionTable());
  });

  it('names every RUNTAG_ variable that appears anywhere in src/, and each is in the option list', () => {
    const variables = OPTION_NAMES.flatMap((name): string[] => {
      const spec = OPTION_LIST[name];
      return 'env' in spec ? [spec.env] : [];
    });
    const inList = new Set([RUN_CONFIG_ENV, ...variables]);
    const named = new Map<string, string>();
    for (const file of src) for (const [name] of file.text.matchAll(/RUNTAG_[A-Z0-9_]*[A-Z0-9]/g)) named.set(name, file.path);
    expect(named.size).toBeGreaterThan(10);
    for (const [name, file] of named) {
      expect(inList.has(name), `${name} (in ${file}) is not in src/options/option-list.ts`).toBe(true);
      expect(docs.includes(`\`${name}\``), `${name} (in ${file}) is not in docs/configuration.md`).toBe(true);
    }
  });
});

describe('the environment is read in one place', () => {
  it('no module outside src/options reads a RUNTAG_ variable or DATABASE_URL, or any variable by a computed name', () => {
    const reads = outsideOptions.flatMap((file) =>
      [...file.text.matchAll(/\benv(?:\.|\?\.|\[\s*['"`]?)(RUNTAG_\w*|DATABASE_URL)|process\.env\s*\[/g)].map((m) => `${file.path}: ${m[0]}`),
    );
    expect(reads).toEqual([]);
  });

  it('nothing outside src/options writes process.env to talk to itself', () => {
    const writes = outsideOptions.flatMap((file) =>
      [...file.text.matchAll(/process\.env(?:\.\w+|\[[^\]]+\])\s*(?:=(?!=)|\?\?=|\|\|=)|delete\s+process\.env|Object\.assign\(\s*process\.env/g)].map(
        (m) => `${file.path}: ${m[0]}`,
      ),
    );
    expect(writes).toEqual([]);
  });

  it("the variables src/ still touches outside src/options are not runtag's (CI detection, a child process's PATH)", () => {
    const touched = new Set(outsideOptions.flatMap((file) => [...file.text.matchAll(/process\.env\.(\w+)/g)].map((m) => m[1]!)));
    expect([...touched].sort()).toEqual(['PATH']);
  });
});
