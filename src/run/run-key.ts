import { customAlphabet } from 'nanoid';

export const RUN_KEY_LENGTH = 7;
/** Letters and digits only: safe inside emails, slugs and LIKE patterns. */
const randomKey = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', RUN_KEY_LENGTH);

/**
 * The short key a run's tags start with. The registry makes it unique among registered runs (a
 * unique constraint, retried on conflict); 36^7 keys make a chance match with real data negligible.
 */
export function createRunKey(): string {
  return randomKey();
}

/** A scope's number within its run (1, 2, …, allocated by the registry) as it appears in tags. */
export function scopeTag(scopeNumber: number): string {
  return scopeNumber.toString(36);
}
