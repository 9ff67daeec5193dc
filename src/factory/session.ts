import { customAlphabet } from 'nanoid';
import { resolveOption } from '../options/resolve-options.js';
import { createRunId, shortHash, type RunId } from '../run/run-id.js';
import { createRunKey } from '../run/run-key.js';
import { Tagger } from '../run/tag.js';
import type { Faker } from '@faker-js/faker';
import { newEnglishFaker } from './english-faker.js';
import { RowTracker, type AnyPgDatabase } from './tracker.js';

export interface FactorySessionOptions {
  db: AnyPgDatabase;
  /** Defaults to RUNTAG_RUN_ID (through the options resolver) or a fresh one: a run passes its own. */
  runId?: RunId;
  /** The run key its tags start with (registered by the run); a fresh one when not given. */
  runKey?: string;
  /** Defaults to a fresh per-process scope. */
  scope?: string;
  /** Base seed for generated values; defaults to RUNTAG_SEED (through the options resolver) or a random one. */
  seed?: number;
  /** What created the rows (a test file path), for leak reports. */
  label?: string;
  /** Share another session's tag sequence (e.g. per-test sessions within one worker); implies its run and scope. */
  tag?: Tagger;
  /**
   * `db` is a test's transaction (isolation "transaction"): each insert goes in a savepoint, so a
   * constraint error the test expects does not abort the transaction the rest of the test runs in.
   */
  inTransaction?: boolean;
}

const scopeId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 6);

/**
 * Everything factories share within one scope (a test file, a Playwright worker, a script):
 * the database, the run tag, a seeded faker, and the tracker of created rows.
 */
export class FactorySession {
  readonly db: AnyPgDatabase;
  readonly runId: RunId;
  readonly scope: string;
  readonly tag: Tagger;
  readonly tracker = new RowTracker();
  readonly seed: number;
  readonly label: string;
  readonly inTransaction: boolean;
  /** The seed of the current test (the file seed mixed with the test name). */
  currentSeed: number;
  /** Per-test counters: `seq` per factory, and how many top-level calls each factory had (replay streams). */
  readonly sequences = new Map<string, number>();
  readonly calls = new Map<string, number>();

  /** Made on first use: a session that never draws a value never loads faker (see english-faker.ts). */
  private fakerInstance: Faker | undefined;
  /** The seed faker takes before its next draw: applied on access, which is the same as seeding it now. */
  private pendingSeed: number | undefined;

  constructor(options: FactorySessionOptions) {
    this.db = options.db;
    // A session made outside a run (a script) is the entry point, so it resolves what it was not given.
    this.runId = options.runId ?? resolveOption('runId') ?? createRunId();
    this.scope = options.tag?.scope ?? options.scope ?? `p${scopeId()}`;
    this.tag = options.tag ?? new Tagger(options.runKey ?? createRunKey(), this.scope);
    this.seed = options.seed ?? resolveOption('seed') ?? randomSeed();
    this.label = options.label ?? `process ${process.pid}`;
    this.inTransaction = options.inTransaction ?? false;
    this.currentSeed = this.seed;
    this.reseed();
  }

  /** This session's faker, seeded for the current test or factory call. */
  get faker(): Faker {
    if (!this.fakerInstance) {
      this.fakerInstance = newEnglishFaker();
      // Dates are relative to a reference date fixed by the seed, not to the clock: replay is exact.
      this.fakerInstance.setDefaultRefDate(referenceDate(this.seed));
    }
    if (this.pendingSeed !== undefined) {
      this.fakerInstance.seed(this.pendingSeed);
      this.pendingSeed = undefined;
    }
    return this.fakerInstance;
  }

  /**
   * Start a test: re-seed from the base seed and a key (the test's name), and restart `seq` and
   * the call streams, so a test replays the same values with RUNTAG_SEED whatever ran before it.
   */
  reseed(key?: string): number {
    this.currentSeed = key ? deriveSeed(this.seed, key) : this.seed;
    this.pendingSeed = this.currentSeed;
    this.sequences.clear();
    this.calls.clear();
    return this.currentSeed;
  }

  /**
   * Seed faker for one factory call from its place in the test (`path`), not from the order in
   * which concurrent calls happen to run: `Promise.all([create(), create()])` replays exactly.
   */
  seedCall(path: string): void {
    this.pendingSeed = deriveSeed(this.currentSeed, path);
  }

  cleanup(): Promise<number> {
    return this.tracker.cleanup(this.db);
  }
}

export function deriveSeed(seed: number, key: string): number {
  return Number.parseInt(shortHash(`${seed}/${key}`, 6), 36) % 2 ** 31;
}

/** What a failing test prints: the run seed regenerates its values, whichever tests run with it. */
export function seedReplayHint(testLabel: string, runSeed: number): string {
  return `runtag: "${testLabel}" failed. Its generated values came from run seed ${runSeed}; replay them with RUNTAG_SEED=${runSeed}.`;
}

/**
 * A fresh seed carries the day it was made (`<days since 1970><6 random digits>`), and that day,
 * at midnight UTC, is the reference date of faker's relative dates: `RUNTAG_SEED` replays them
 * exactly, on any later day.
 */
export function randomSeed(now = new Date()): number {
  return Math.floor(now.getTime() / DAY_MS) * 1_000_000 + Math.floor(Math.random() * 1_000_000);
}

const DAY_MS = 86_400_000;
/** For seeds that carry no day (set by hand): a fixed date. */
const FALLBACK_REFERENCE_DATE = Date.UTC(2026, 0, 1);

export function referenceDate(seed: number): Date {
  return new Date(seed >= 1_000_000_000 ? Math.floor(seed / 1_000_000) * DAY_MS : FALLBACK_REFERENCE_DATE);
}
