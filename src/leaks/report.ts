import type { RowLeak } from './verifier.js';
import { RuntagError, type CodeOf } from '../errors/runtag-error.js';

export interface SchemaLeak {
  schema: string;
  scope: string | undefined;
}

/** A leak check's findings; `files` maps scopes back to the files that own them. */
export interface LeakFindings {
  runId: string;
  rows: RowLeak[];
  schemas: SchemaLeak[];
}

export function isClean(findings: LeakFindings): boolean {
  return findings.rows.length === 0 && findings.schemas.length === 0;
}

export class LeakError extends RuntagError {
  constructor(
    readonly findings: LeakFindings,
    files: ReadonlyMap<string, string>,
  ) {
    super('LEAK_FOUND' satisfies CodeOf<'LeakError'>, formatLeakReport(findings, files));
  }
}

export function formatLeakReport(findings: LeakFindings, files: ReadonlyMap<string, string>): string {
  const rowCount = findings.rows.reduce((sum, leak) => sum + leak.count, 0);
  const owner = (scopes: (string | undefined)[], unknown: string) => {
    const names = scopes.filter((s): s is string => !!s).map((s) => files.get(s) ?? `scope ${s}`);
    return names.length > 0 ? ` (created by ${[...new Set(names)].join(', ')})` : unknown;
  };
  const lines = [
    `runtag: leak check failed for run ${findings.runId}: ${rowCount} row(s) in ${findings.rows.length} table(s) and ` +
      `${findings.schemas.length} schema(s) were left behind.`,
    ...findings.rows.map(
      (leak) =>
        `  - table ${leak.schema}.${leak.table}: ${leak.count} row(s), e.g. ${leak.sampleKeys.map((k) => JSON.stringify(k)).join(', ')}${owner(leak.scopes, ' (reached through a foreign key from the rows above)')}`,
    ),
    ...findings.schemas.map((leak) => `  - schema ${leak.schema} still exists${owner([leak.scope], '')}`),
    'Create rows through runtag factories (they are tracked and deleted after each Vitest file or Playwright test), or delete what a test inserts ' +
      'by other means in its own afterEach/afterAll. Set RUNTAG_KEEP_LEAKS=1 to keep leaked rows and schemas for inspection.',
  ];
  return lines.join('\n');
}
