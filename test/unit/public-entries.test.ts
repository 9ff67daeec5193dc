/**
 * The package's entries by audience: `runtag` is what a test author writes and catches, and every
 * other part sits in the entry of its audience, once. A name added to an entry, or moved between
 * entries, fails here until the list (and the README's upgrade note) says so.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
// Imported with the file, not inside a test: three entries' module graphs take seconds to load on a busy machine.
import * as advanced from '../../src/advanced/index.js';
import * as main from '../../src/index.js';
import * as toolkit from '../../src/toolkit/index.js';

const root = join(import.meta.dirname, '..', '..');

/** Each entry's values (types are erased at run time; tsc checks those). */
const ENTRIES = {
  '.': {
    module: main,
    names: [
      'AbortedTransactionError',
      'CleanupError',
      'Factory',
      'FactoryConstraintError',
      'FactoryKeyError',
      'FactorySession',
      'FactoryValueError',
      'LeakError',
      'RuntagAggregateError',
      'RuntagError',
      'Tagger',
      'belongsTo',
      'belongsToSelf',
      'defineFactory',
      'hasMany',
      'manyToMany',
      'tagged',
    ],
  },
  './advanced': {
    module: advanced,
    names: [
      'ALLOW_DATABASE_ENV',
      'ConnectionBudgetError',
      'DatabaseConnectionError',
      'LeakVerifier',
      'MigrationEscapeError',
      'MigrationJournalError',
      'MissingExtensionError',
      'NotATestDatabaseError',
      'RegistryPermissionError',
      'RunNotRegisteredError',
      'TestSchema',
      'assertTestDatabase',
      'connect',
      'createRunId',
      'fileScope',
      'formatLeakReport',
      'formatSweepReport',
      'isRunId',
      'likePrefix',
      'loadMigrations',
      'migrateSchema',
      'registerRunWithLease',
      'registeredRuns',
      'startDatabase',
      'sweepDeadRuns',
    ],
  },
  './toolkit': {
    module: toolkit,
    names: [
      'ChaosError',
      'DEFAULT_RACE_CONNECTIONS',
      'QueryBudgetError',
      'RaceError',
      'RaceResult',
      'Stabilizer',
      'assertQuery',
      'countQueries',
      'delayStatements',
      'expectQueries',
      'holdLock',
      'queryReport',
      'race',
      'stabilize',
      'terminateConnections',
    ],
  },
} as const;

describe('the public entries', () => {
  it("export exactly their audience's names", () => {
    for (const [entry, { module, names }] of Object.entries(ENTRIES)) {
      expect({ entry, names: Object.keys(module).sort() }).toEqual({ entry, names: [...names].sort() });
    }
  });

  it('export each thing from one entry only', () => {
    const seen = new Map<string, string>();
    for (const [entry, { names }] of Object.entries(ENTRIES)) {
      for (const name of names) {
        expect(seen.get(name), `${name} is exported from "${seen.get(name)}" and "${entry}"`).toBeUndefined();
        seen.set(name, entry);
      }
    }
  });

  it('are in package.json, built from these modules', () => {
    const exports = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, { default: string } | string> }).exports;
    expect(exports['./advanced']).toEqual({ types: './dist/src/advanced/index.d.ts', default: './dist/src/advanced/index.js' });
    expect(exports['.']).toEqual({ types: './dist/src/index.d.ts', default: './dist/src/index.js' });
  });

  it("are all the examples installed from the package (and the compatibility matrix's project) import", () => {
    const exports = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports);
    const files = ['examples/blog', 'examples/chat', 'examples/notes-app', 'test/compat/project'].flatMap((dir) => sources(join(root, dir)));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from '(runtag(?:\/[^']*)?)'/g)) {
        const subpath = specifier === 'runtag' ? '.' : `.${specifier!.slice('runtag'.length)}`;
        expect(exports, `${relative(root, file)} imports "${specifier}", which is no entry of the package`).toContain(subpath);
      }
    }
  });
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|mts|js|mjs)$/.test(name) ? [path] : [];
  });
}
