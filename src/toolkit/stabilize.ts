import { ambientSession, hasAmbientSession } from '../factory/ambient-session.js';
import { RUN_KEY_LENGTH } from '../run/run-key.js';

/**
 * Volatile parts of test data (run tags, uuids, timestamps) replaced by placeholders numbered by
 * first appearance, so the same test prints the same text in every run and on every worker:
 *
 *   `k3x9a7q-2-1b-alice@example.test` (a property `email`) → `<tag:email#1>-alice@example.test`
 *   `0b5c…-…` → `<uuid#1>`,  `new Date(…)` / `2026-12-01T10:00:00.000Z` → `<timestamp#1>`
 *
 * Only the tag is replaced: the readable base after it stays, so the snapshot still says whose
 * row it is. One tag or uuid always gets the same placeholder within one stabilization, so the
 * snapshot still shows which rows refer to which. Every timestamp gets its own number: whether two
 * `now()` values are equal depends on the clock (the same millisecond, the same transaction), and
 * the snapshot must not.
 */

export interface StabilizeOptions {
  /**
   * Run keys whose tags (and bare key) are always recognized. Default: the current test's run key,
   * when a runtag session is active. Tags of any other key are recognized by shape alone (see `KEY_BY_SHAPE`).
   */
  runKeys?: readonly string[];
}

/** What `stabilize` returns for a value of type T: Dates become placeholder strings, the rest keeps its shape. */
export type Stabilized<T> = T extends Date
  ? string
  : T extends (...args: never[]) => unknown
    ? T
    : T extends readonly (infer U)[]
      ? Stabilized<U>[]
      : T extends object
        ? { [K in keyof T]: Stabilized<T[K]> }
        : T;

/** A copy of `value` with run tags, uuids and timestamps replaced by numbered placeholders. */
export function stabilize<T>(value: T, options: StabilizeOptions = {}): Stabilized<T> {
  return new Stabilizer(options).value(value) as Stabilized<T>;
}

/** Does `value` (a string, a Date, or plain objects and arrays holding them) have anything `stabilize` would replace? */
export function hasVolatileParts(value: unknown, options: StabilizeOptions = {}): boolean {
  return containsVolatile(value, patternFor(knownRunKeys(options)), new Set());
}

/**
 * One numbering context: placeholders shared by every value passed through the same Stabilizer
 * (the rows and the SQL parameters of one query report, or everything in one snapshot).
 */
export class Stabilizer {
  private readonly pattern: RegExp;
  private readonly placeholders = new Map<string, string>();
  private readonly counters = new Map<string, number>();

  constructor(options: StabilizeOptions = {}) {
    this.pattern = patternFor(knownRunKeys(options));
  }

  /**
   * The stabilized copy of `value`. Plain objects and arrays are copied (cycles kept); other
   * objects (Maps, class instances) are returned as they are. `label` names the tags found
   * directly in `value` (`users.email`); inside plain objects each property names its own.
   */
  value(value: unknown, label?: string): unknown {
    return this.copy(value, label, new Map());
  }

  /** `text` with every volatile part replaced. */
  text(text: string, label?: string): string {
    this.pattern.lastIndex = 0;
    return text.replace(this.pattern, (_match, ...rest) => {
      const groups = rest.at(-1) as Record<string, string | undefined>;
      if (groups.uuid) return this.placeholder(`uuid:${groups.uuid.toLowerCase()}`, 'uuid');
      if (groups.timestamp) return this.placeholder(undefined, 'timestamp');
      if (groups.tag) return this.placeholder(`tag:${groups.tag}`, label ? `tag:${label}` : 'tag');
      if (groups.scopePrefix) return '<run-key>-<scope>-';
      return '<run-key>';
    });
  }

  private copy(value: unknown, label: string | undefined, seen: Map<object, unknown>): unknown {
    if (typeof value === 'string') return this.text(value, label);
    if (value instanceof Date) {
      return Number.isNaN(value.getTime()) ? value : this.placeholder(undefined, 'timestamp');
    }
    if (Array.isArray(value)) {
      if (seen.has(value)) return seen.get(value);
      const copy: unknown[] = [];
      seen.set(value, copy);
      for (const item of value) copy.push(this.copy(item, label, seen));
      return copy;
    }
    if (isPlainObject(value)) {
      if (seen.has(value)) return seen.get(value);
      const copy: Record<string, unknown> = Object.create(Object.getPrototypeOf(value));
      seen.set(value, copy);
      for (const [key, item] of Object.entries(value)) copy[key] = this.copy(item, key, seen);
      return copy;
    }
    return value;
  }

  /** The placeholder of `key` (a new one for each occurrence without a key), numbered per `name` by first appearance: `<tag:email#2>`. */
  private placeholder(key: string | undefined, name: string): string {
    const known = key === undefined ? undefined : this.placeholders.get(key);
    if (known) return known;
    const n = (this.counters.get(name) ?? 0) + 1;
    this.counters.set(name, n);
    const placeholder = `<${name}#${n}>`;
    if (key !== undefined) this.placeholders.set(key, placeholder);
    return placeholder;
  }
}

/** Objects pretty-format prints as `{ … }`: created by literals, JSON, Drizzle rows (also null-prototype ones). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function containsVolatile(value: unknown, pattern: RegExp, seen: Set<object>): boolean {
  if (typeof value === 'string') {
    pattern.lastIndex = 0;
    return pattern.test(value);
  }
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  if (!Array.isArray(value) && !isPlainObject(value)) return false;
  if (seen.has(value)) return false;
  seen.add(value);
  const items = Array.isArray(value) ? value : Object.values(value);
  return items.some((item) => containsVolatile(item, pattern, seen));
}

function knownRunKeys(options: StabilizeOptions): readonly string[] {
  if (options.runKeys) return options.runKeys;
  return hasAmbientSession() ? [ambientSession().tag.runKey] : [];
}

// Where a tag, uuid or bare key may start and end: not inside a longer word or hyphenated token.
const BEFORE = '(?<![0-9A-Za-z_-])';
const AFTER = '(?![0-9A-Za-z_])';
const BASE36 = '[0-9a-z]';
/**
 * A run key by shape: RUN_KEY_LENGTH base-36 characters with at least one letter and one digit.
 * Nearly nine in ten random keys have both, and ordinary words ("quality-of-life") and numbers
 * ("5551234-12-34") never do; the current run's key is recognized whatever its letters.
 */
const KEY_BY_SHAPE = `(?=[a-z]{0,${RUN_KEY_LENGTH - 1}}[0-9])(?=[0-9]{0,${RUN_KEY_LENGTH - 1}}[a-z])${BASE36}{${RUN_KEY_LENGTH}}`;
/** `<scope>-<n>` after the key: the scope (base 36, up to 7 for standalone sessions) and the counter (base 36, from 1, at most 4). */
const SCOPE = `${BASE36}{1,7}`;
const COUNTER = `[1-9a-z]${BASE36}{0,3}`;
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** ISO 8601 and PostgreSQL's text output: `2026-12-01T10:00:00.000Z`, `2026-12-01 10:00:00.123+00`. A bare date is not volatile. */
const TIMESTAMP = '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}(?::?\\d{2})?)?';

const patterns = new Map<string, RegExp>();

function patternFor(runKeys: readonly string[]): RegExp {
  const cacheKey = runKeys.join(',');
  let pattern = patterns.get(cacheKey);
  if (!pattern) {
    const known = runKeys.map(escapeRegExp).join('|');
    const key = known ? `(?:${known}|${KEY_BY_SHAPE})` : KEY_BY_SHAPE;
    const alternatives = [
      // A uuid's shape is its own: it may follow a hyphen (`session-<uuid>`).
      `(?<![0-9A-Za-z_])(?<uuid>${UUID})${AFTER}`,
      `(?<![0-9])(?<timestamp>${TIMESTAMP})(?![0-9])`,
      `${BEFORE}(?<tag>${key}-${SCOPE}-${COUNTER})${AFTER}`,
    ];
    // The current run's key on its own (`LIKE 'k3x9a7q-%'`, `k3x9a7q-2-%`) is volatile too.
    if (known) alternatives.push(`${BEFORE}(?:${known})(?<scopePrefix>-${SCOPE}-(?![0-9A-Za-z_]))?(?![0-9A-Za-z_])`);
    pattern = new RegExp(alternatives.join('|'), 'g');
    patterns.set(cacheKey, pattern);
  }
  return pattern;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
