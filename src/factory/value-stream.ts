import type { Faker } from '@faker-js/faker';
import { shortHash } from '../run/run-id.js';
import { newEnglishFaker } from './english-faker.js';

/**
 * Where a session's generated values come from: a base seed, a faker seeded from it per test and
 * per factory call, and the per-test counters (`seq` per factory, and each factory's top-level
 * calls, which name a call's place and so its faker seed). Re-seeding a test restarts all of it,
 * so a test replays the same values with RUNTAG_SEED whatever ran before it.
 */
export class ValueStream {
  /** Made on first use: a session that never draws a value never loads faker (see english-faker.ts). */
  private fakerInstance: Faker | undefined;
  /** The seed faker takes before its next draw: applied on access, which is the same as seeding it now. */
  private pendingSeed: number | undefined;

  constructor(
    /** The base seed (the file's or the worker's): each test's is derived from it and the test's name. */
    readonly seed: number,
    /** Shared with a branch (see `branch`): counting on in one place keeps sequence-based values distinct. */
    private readonly counters: StreamCounters = new StreamCounters(),
    /** The seed of the current test (the base seed mixed with the test name). */
    private current: number = seed,
  ) {
    this.pendingSeed = current;
  }

  get currentSeed(): number {
    return this.current;
  }

  /** This stream's faker, seeded for the current test or factory call. */
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
   * the call counters.
   */
  reseed(key?: string): number {
    this.current = key ? deriveSeed(this.seed, key) : this.seed;
    this.pendingSeed = this.current;
    this.counters.clear();
    return this.current;
  }

  /**
   * Seed faker for one factory call from its place in the test (`path`), not from the order in
   * which concurrent calls happen to run: `Promise.all([create(), create()])` replays exactly.
   */
  seedCall(path: string): void {
    this.pendingSeed = deriveSeed(this.current, path);
  }

  /** The next `seq` of `factory` in this test: 1, 2, 3… */
  nextSeq(factory: string): number {
    return this.counters.next(this.counters.seq, factory);
  }

  /** Each top-level call of a factory in a test has a stable place: `<factory>#<n>`. */
  nextCallPath(factory: string): string {
    return `${factory}#${this.counters.next(this.counters.calls, factory)}`;
  }

  /**
   * A stream that continues this one (its current test's seed, and the same counters, so `seq`
   * and call numbers keep counting) with a faker of its own: for work that builds at the same
   * time as this stream (a race's attempts), whose draws must not interleave with it.
   */
  branch(): ValueStream {
    return new ValueStream(this.seed, this.counters, this.current);
  }
}

/** The per-test counters of a stream and its branches. */
class StreamCounters {
  readonly seq = new Map<string, number>();
  readonly calls = new Map<string, number>();

  next(counter: Map<string, number>, factory: string): number {
    const n = (counter.get(factory) ?? 0) + 1;
    counter.set(factory, n);
    return n;
  }

  clear(): void {
    this.seq.clear();
    this.calls.clear();
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
