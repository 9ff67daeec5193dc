import { customAlphabet } from 'nanoid';
import type { Faker } from '@faker-js/faker';
import { resolveOption } from '../options/resolve-options.js';
import { createRunId, type RunId } from '../run/run-id.js';
import { createRunKey } from '../run/run-key.js';
import { Tagger } from '../run/tag.js';
import { DatabaseBinding, type AnyPgDatabase } from './db-binding.js';
import { RowTracker } from './tracker.js';
import { randomSeed, ValueStream } from './value-stream.js';

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
  /** Record created rows in another session's tracker (they are then cleaned up with its rows). */
  tracker?: RowTracker;
  /** Draw values from this stream (e.g. another session's `values.branch()`); implies its seed. */
  values?: ValueStream;
}

const scopeId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 6);

/**
 * Everything factories share within one scope (a test file, a Playwright worker, a script), made
 * of parts that each hold one thing: where rows go (`binding`), the run tag that makes values
 * unique (`tag`), where generated values come from (`values`: seed, faker, per-test counters) and
 * which rows were created (`tracker`). A session that shares some parts with another is made by
 * handing them in (`{ tag, tracker, values }`), never by a subclass.
 */
export class FactorySession {
  readonly binding: DatabaseBinding;
  readonly runId: RunId;
  readonly tag: Tagger;
  readonly values: ValueStream;
  readonly tracker: RowTracker;
  readonly label: string;

  constructor(options: FactorySessionOptions) {
    this.binding = new DatabaseBinding(options.db, options.inTransaction ?? false);
    // A session made outside a run (a script) is the entry point, so it resolves what it was not given.
    this.runId = options.runId ?? resolveOption('runId') ?? createRunId();
    this.tag = options.tag ?? new Tagger(options.runKey ?? createRunKey(), options.scope ?? `p${scopeId()}`);
    this.values = options.values ?? new ValueStream(options.seed ?? resolveOption('seed') ?? randomSeed());
    this.tracker = options.tracker ?? new RowTracker();
    this.label = options.label ?? `process ${process.pid}`;
  }

  get db(): AnyPgDatabase {
    return this.binding.db;
  }

  get inTransaction(): boolean {
    return this.binding.inTransaction;
  }

  get scope(): string {
    return this.tag.scope;
  }

  get seed(): number {
    return this.values.seed;
  }

  /** The seed of the current test (the file seed mixed with the test name). */
  get currentSeed(): number {
    return this.values.currentSeed;
  }

  /** This session's faker, seeded for the current test or factory call. */
  get faker(): Faker {
    return this.values.faker;
  }

  /**
   * Start a test: re-seed from the base seed and a key (the test's name), and restart `seq` and
   * the call streams, so a test replays the same values with RUNTAG_SEED whatever ran before it.
   */
  reseed(key?: string): number {
    return this.values.reseed(key);
  }

  cleanup(): Promise<number> {
    return this.tracker.cleanup(this.db);
  }
}
