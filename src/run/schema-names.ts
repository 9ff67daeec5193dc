import { RuntagError } from '../errors/runtag-error.js';
import type { RunId } from './run-id.js';

/** Every schema runtag creates starts with this; the rest names the run and the file. */
export const SCHEMA_PREFIX = 'rt_';

/** `rt_<run id with _>_`: all of this run's schemas, and nothing of any other run's. */
export function runSchemaPrefix(runId: RunId): string {
  return `${SCHEMA_PREFIX}${runId.replaceAll('-', '_')}_`;
}

export function fileSchemaName(runId: RunId, scope: string): string {
  return `${runSchemaPrefix(runId)}${scope}`;
}

/** A run creates and drops only schemas under its own prefix: anything else is refused, never touched. */
export function assertRunOwned(name: string, ownedPrefix: string): void {
  if (!name.startsWith(ownedPrefix)) {
    throw new RuntagError('SCHEMA_NOT_OWNED', `runtag: refusing to manage schema "${name}": it does not belong to this run (prefix "${ownedPrefix}").`);
  }
}
