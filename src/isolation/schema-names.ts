import type { RunId } from '../run/run-id.js';

/** Every schema runtag creates starts with this; the rest names the run and the file. */
export const SCHEMA_PREFIX = 'rt_';

/** `rt_<run id with _>_`: all of this run's schemas, and nothing of any other run's. */
export function runSchemaPrefix(runId: RunId): string {
  return `${SCHEMA_PREFIX}${runId.replaceAll('-', '_')}_`;
}

export function fileSchemaName(runId: RunId, scope: string): string {
  return `${runSchemaPrefix(runId)}${scope}`;
}
