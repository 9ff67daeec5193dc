import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { customAlphabet } from 'nanoid';
import { RuntagError } from '../errors/runtag-error.js';

/** Lowercase letters and digits only: safe inside emails, slugs, schema names and LIKE patterns. */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const randomPart = customAlphabet(ALPHABET, 8);

/**
 * One id per test run: `<time>-<pid>-<host|shard>-<random>`, e.g. `mi9x2k1c-3f2-k8qa-x7p2m4hd`.
 * Time orders runs, pid and host separate processes and machines, random separates the rest.
 */
export type RunId = string & { readonly __brand: 'RunId' };

export interface RunIdParts {
  now?: Date;
  pid?: number;
  /** Distinguishes machines; a CI shard ("2/4") is mixed in so shards on identical containers differ. */
  host?: string;
  shard?: string;
}

const RUN_ID_PATTERN = /^[0-9a-z]{8}-[0-9a-z]{1,4}-[0-9a-z]{4}-[0-9a-z]{8}$/;

export function createRunId(parts: RunIdParts = {}): RunId {
  const time = (parts.now ?? new Date()).getTime().toString(36).padStart(8, '0');
  const pid = ((parts.pid ?? process.pid) % 36 ** 4).toString(36);
  const host = shortHash(`${parts.host ?? hostname()}/${parts.shard ?? ''}`, 4);
  return `${time}-${pid}-${host}-${randomPart()}` as RunId;
}

export function isRunId(value: string): value is RunId {
  return RUN_ID_PATTERN.test(value);
}

export function assertRunId(value: string, source: string): RunId {
  if (!isRunId(value)) {
    throw new RuntagError(
      'INVALID_RUN_ID',
      `runtag: ${source} is "${value}", which is not a runtag run id (expected something like "mi9x2k1c-3f2-k8qa-x7p2m4hd"). ` +
        'Let runtag create the run id in globalSetup instead of setting it by hand.',
    );
  }
  return value;
}

/** A short, stable, lowercase base36 digest, used for scopes and host parts. */
export function shortHash(input: string, length: number): string {
  const digest = createHash('sha256').update(input).digest();
  return BigInt(`0x${digest.subarray(0, 8).toString('hex')}`)
    .toString(36)
    .padStart(length, '0')
    .slice(-length);
}

/** When the run started, read back from its id. */
export function runStartedAt(runId: RunId): Date {
  return new Date(Number.parseInt(runId.slice(0, 8), 36));
}

/** application_name of every connection a run opens begins with `runtag:<run id>`; `runtag sweep` reads it. */
export function runApplicationName(runId: RunId, role?: string): string {
  return role ? `runtag:${runId}:${role}` : `runtag:${runId}`;
}
