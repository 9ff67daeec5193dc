import { shortHash } from './run-id.js';
import { RuntagError } from '../errors/runtag-error.js';

/** Most values one scope can tag: the counter stays within four base-36 digits. */
const MAX_COUNTER = 36 ** 4 - 1;

/**
 * Tagged values: `<run key>-<scope>-<n>[-<base>]`, e.g. `k3x9a7q-2-1b-alice@example.test`.
 * The run key (7 characters, registered unique in the run registry) leads, so
 * `col LIKE '<run key>-%'` is a prefix scan a btree (text_pattern_ops) index serves; the scope
 * (the file's or worker's number in the run, base 36) and the counter (base 36) make values
 * unique across workers, processes and machines without a shared counter. A run's tags are at
 * most 15 characters (7 + 1 + 2 + 1 + 4), whatever the run does, so a unique `varchar(32)`
 * keeps 16 characters for a readable base.
 */
export class Tagger {
  private counter = 0;
  readonly prefix: string;

  constructor(
    /** The run's key (see `createRunKey`); a run id works too, at the cost of longer values. */
    readonly runKey: string,
    readonly scope: string,
  ) {
    this.prefix = `${runKey}-${scope}-`;
  }

  /** The next value of this scope's sequence, e.g. `k3x9a7q-2-1b`: the same as `value()` with no base. */
  next(): string {
    if (this.counter >= MAX_COUNTER) {
      throw new RuntagError(
        'TAG_SPACE_EXHAUSTED',
        `runtag: scope ${this.scope} of run key ${this.runKey} has tagged ${MAX_COUNTER} values, the most its tags hold ` +
          '(tags stay at most 15 characters long). Split the work over more test files, or create fewer rows per file.',
      );
    }
    this.counter += 1;
    return `${this.prefix}${this.counter.toString(36)}`;
  }

  /** Has this run (any scope) already tagged the value? */
  isTagged(value: string): boolean {
    return value.startsWith(`${this.runKey}-`);
  }

  /**
   * Tag `base` so it is unique across the run and still reads like `base`, within `maxLength`.
   * Emails keep their domain: `alice@x.test` becomes `<tag>-alice@x.test`.
   *
   * The one way to make a tagged value outside a factory (raw SQL, the app's own API). In a
   * factory's defaults, traits or overrides write `tagged(base)`: the factory makes this value,
   * fitted to the column. `next()`, `email()`, `slug()` and a BuildContext's `sequence()` are
   * this method with a fixed shape.
   */
  value(base = '', maxLength?: number, where = 'value'): string {
    if (this.isTagged(base)) return base;
    const tag = this.next();
    const at = base.lastIndexOf('@');
    const [local, domain] = at >= 0 ? [base.slice(0, at), base.slice(at)] : [base, ''];
    const room = maxLength === undefined ? Infinity : maxLength - tag.length - domain.length - 1;
    if (room < 0) {
      throw new RuntagError(
        'COLUMN_TOO_NARROW',
        `runtag: ${where} holds at most ${maxLength} characters, but the run tag "${tag}"${domain ? ` plus "${domain}"` : ''} ` +
          `alone needs ${tag.length + domain.length}. Widen the column to at least ${tag.length + domain.length + 8} characters.`,
      );
    }
    const kept = local.slice(0, room);
    return kept ? `${tag}-${kept}${domain}` : `${tag}${domain}`;
  }

  /** The same as `value('<local>@<domain>', 254)`. */
  email(local = 'user', domain = 'runtag.test'): string {
    return this.value(`${local}@${domain}`, 254, 'an email');
  }

  /** The same as `value(<base as a slug>, maxLength)`. */
  slug(base = 'item', maxLength?: number): string {
    return this.value(slugify(base), maxLength, 'a slug');
  }
}

/** The scope of a test file: a short digest of its path relative to the project root. */
export function fileScope(relativePath: string): string {
  return shortHash(relativePath.replaceAll('\\', '/'), 6);
}

/** Escape a literal for use as the fixed prefix of a LIKE pattern. */
export function likePrefix(literal: string): string {
  return `${literal.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
