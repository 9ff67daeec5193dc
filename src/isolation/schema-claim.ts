import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How the run's schema pool (main process) hands ready schemas to test files (workers) through the
 * run directory, which both see on this machine: the pool writes an offer per ready schema; a
 * file claims one by renaming the offer, atomically, to a name that carries the file's scope, so
 * two files never get the same schema; the pool then records the claim in the registry and, once
 * the file's journal says it closed, drops the schema (see SchemaPool.settle).
 *
 * A claim is therefore a rename, with no connection and no round trip on the file's path, and the
 * file needs no admin connection at all: it opens only its own pool, on the schema it claimed.
 * The registry keeps the proof of ownership throughout: every pooled schema is a scope of the run
 * there from before it exists, claimed or not, so a crash at any point leaves nothing unowned.
 */
export interface ClaimedSchema {
  name: string;
  searchPath: string[];
  /** The scope's number in the run (its tags carry it). */
  scopeNo: number;
  /**
   * How the file's connections log in: as the schema's own role (a random password, for this run
   * only; offers are files of the run directory, 0700, readable by the run's own processes alone).
   */
  credentials: { user: string; password: string };
}

/** A ready schema, as the pool offers it. */
export interface SchemaOffer extends ClaimedSchema {
  /** The pool's name for the scope in the registry (`pool:<n>`), until a file claims it. */
  poolScope: string;
}

/** A claimed offer, as the pool finds it: which file's scope took which schema. */
export interface SchemaClaim {
  offer: SchemaOffer;
  scope: string;
}

const OFFERS = 'pool-offers';
const CLAIMS = 'pool-claims';
/** Written by a pool that stopped building (a failed migration, say): files stop waiting for it. */
const STOPPED = 'pool-stopped';

/** Offer a ready schema: it appears complete or not at all (written aside, then renamed in). */
export function offerSchema(runDir: string, offer: SchemaOffer): void {
  const dir = join(runDir, OFFERS);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = `${String(offer.scopeNo).padStart(8, '0')}.json`;
  writeFileSync(join(dir, `.${file}`), JSON.stringify(offer), { mode: 0o600 });
  renameSync(join(dir, `.${file}`), join(dir, file));
}

/**
 * Take a ready schema of the run's pool for `scope`, the oldest first, or undefined when none is
 * ready (the caller builds one itself, or waits). Concurrent claims never get the same schema: of
 * two renames of one offer, exactly one succeeds.
 */
export function claimPooledSchema(runDir: string, scope: string): ClaimedSchema | undefined {
  const offers = join(runDir, OFFERS);
  const claims = join(runDir, CLAIMS);
  for (const file of listJson(offers)) {
    mkdirSync(claims, { recursive: true, mode: 0o700 });
    const claimed = join(claims, `${file.slice(0, -'.json'.length)}.${scope}.json`);
    try {
      renameSync(join(offers, file), claimed);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // another file took it first
      throw error;
    }
    const { name, searchPath, scopeNo, credentials } = JSON.parse(readFileSync(claimed, 'utf8')) as SchemaOffer;
    return { name, searchPath, scopeNo, credentials };
  }
  return undefined;
}

/**
 * Claim a ready schema, waiting up to `graceMs` for one when the pool is empty but building: the
 * copy under way in the main process is done sooner than a build of the file's own, which replays
 * the migrations from scratch on the file's path. No wait once the pool has said it stopped.
 */
export async function claimOrAwaitPooledSchema(runDir: string, scope: string, graceMs: number): Promise<ClaimedSchema | undefined> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const claimed = claimPooledSchema(runDir, scope);
    if (claimed || Date.now() >= deadline || poolStopped(runDir)) return claimed;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The pool will offer nothing more: it stopped building, saying why (in the main process's output). */
export function markPoolStopped(runDir: string, reason: string): void {
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(runDir, STOPPED), reason, { mode: 0o600 });
}

export function poolStopped(runDir: string): boolean {
  return existsSync(join(runDir, STOPPED));
}

/** Offers no file claimed (yet). */
export function openOffers(runDir: string): SchemaOffer[] {
  const dir = join(runDir, OFFERS);
  return listJson(dir).map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as SchemaOffer);
}

/** Every claim made so far, with the claiming scope. */
export function claimsMade(runDir: string): SchemaClaim[] {
  const dir = join(runDir, CLAIMS);
  return listJson(dir).map((file) => ({
    offer: JSON.parse(readFileSync(join(dir, file), 'utf8')) as SchemaOffer,
    scope: file.split('.').at(-2)!,
  }));
}

/** Withdraw an offer (the pool is stopping): a file that renames it afterwards finds nothing and builds its own. */
export function withdrawOffer(runDir: string, offer: SchemaOffer): boolean {
  const file = join(runDir, OFFERS, `${String(offer.scopeNo).padStart(8, '0')}.json`);
  try {
    renameSync(file, `${file}.withdrawn`);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false; // claimed meanwhile
    throw error;
  }
}

function listJson(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
