import type { FactorySession } from './session.js';

/** What `runtag lint` needs of a factory: anything `defineFactory` made. */
export interface LintableFactory {
  readonly name: string;
  readonly definedTraits: string[];
  withSession(session: FactorySession): { create(overrides?: object, options?: { traits?: readonly string[] }): Promise<unknown> };
}

export interface LintResult {
  /** Where the factory was found (the module's export name) and its own name. */
  exportName: string;
  factory: string;
  /** The trait created, or null for the factory's defaults. */
  trait: string | null;
  ok: boolean;
  /** The database's (or the factory's) error, when it failed. */
  error?: string;
}

export function isLintableFactory(value: unknown): value is LintableFactory {
  const candidate = value as Partial<LintableFactory> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    Array.isArray(candidate.definedTraits) &&
    typeof candidate.withSession === 'function'
  );
}

/**
 * Create every factory once with its defaults and once per trait, each on its own (a failure
 * does not stop the others), in the session's schema: a factory or trait that cannot produce a
 * valid row (a NOT NULL column it leaves out, a CHECK it breaks, an association that no longer
 * fits the schema) is reported with the error, before a test trips over it.
 */
export async function lintFactories(exported: Record<string, unknown>, session: FactorySession): Promise<LintResult[]> {
  const results: LintResult[] = [];
  const seen = new Set<unknown>();
  for (const [exportName, value] of Object.entries(exported).sort(([a], [b]) => a.localeCompare(b))) {
    if (!isLintableFactory(value) || seen.has(value)) continue;
    seen.add(value);
    for (const trait of [null, ...value.definedTraits]) {
      try {
        await value.withSession(session).create({}, { traits: trait ? [trait] : [] });
        results.push({ exportName, factory: value.name, trait, ok: true });
      } catch (error) {
        results.push({ exportName, factory: value.name, trait, ok: false, error: (error as Error).message });
      }
    }
  }
  return results;
}

export function formatLintResults(results: readonly LintResult[]): string {
  if (results.length === 0) return 'runtag lint: the module exports no factories (export the values defineFactory returns).';
  const failed = results.filter((r) => !r.ok);
  // Named as the module exports it (what you search for), and as the factory calls itself when that differs.
  const name = (r: LintResult) => (r.exportName === r.factory ? r.factory : `${r.exportName} (${r.factory})`);
  const lines = results.map(
    (r) => `  ${r.ok ? 'ok  ' : 'FAIL'} ${name(r)}${r.trait ? ` trait "${r.trait}"` : ' (defaults)'}${r.ok ? '' : `\n       ${r.error}`}`,
  );
  const factories = new Set(results.map((r) => r.factory)).size;
  return [...lines, `runtag lint: ${factories} factory(ies), ${results.length} variant(s) created, ${failed.length} failed.`].join('\n');
}
