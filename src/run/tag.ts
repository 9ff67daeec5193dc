import { type RunId, shortHash } from './run-id.js';

/**
 * Tagged values: `<runId>-<scope>-<n>[-<base>]`.
 * The run id leads, so `col LIKE '<runId>-%'` is a prefix scan a btree (text_pattern_ops) index serves;
 * the scope names the file (or worker) that made the value, and n counts within that scope,
 * so values are unique across workers, processes and machines without any shared counter.
 */
export class Tagger {
  private counter = 0;
  readonly prefix: string;

  constructor(
    readonly runId: RunId,
    readonly scope: string,
  ) {
    this.prefix = `${runId}-${scope}-`;
  }

  /** The next value of this scope's sequence, e.g. `mi9x2k1c-3f2-k8qa-x7p2m4hd-a1b2c3-7`. */
  next(): string {
    this.counter += 1;
    return `${this.prefix}${this.counter}`;
  }

  /** Has this run (any scope) already tagged the value? */
  isTagged(value: string): boolean {
    return value.startsWith(`${this.runId}-`);
  }

  /**
   * Tag `base` so it is unique across the run and still reads like `base`, within `maxLength`.
   * Emails keep their domain: `alice@x.test` becomes `<tag>-alice@x.test`.
   */
  value(base = '', maxLength?: number, where = 'value'): string {
    if (this.isTagged(base)) return base;
    const tag = this.next();
    const at = base.lastIndexOf('@');
    const [local, domain] = at >= 0 ? [base.slice(0, at), base.slice(at)] : [base, ''];
    const room = maxLength === undefined ? Infinity : maxLength - tag.length - domain.length - 1;
    if (room < 0) {
      throw new Error(
        `runtag: ${where} holds at most ${maxLength} characters, but the run tag "${tag}"${domain ? ` plus "${domain}"` : ''} ` +
          `alone needs ${tag.length + domain.length}. Widen the column to at least ${tag.length + domain.length + 8} characters.`,
      );
    }
    const kept = local.slice(0, room);
    return kept ? `${tag}-${kept}${domain}` : `${tag}${domain}`;
  }

  email(local = 'user', domain = 'runtag.test'): string {
    return this.value(`${local}@${domain}`, 254, 'an email');
  }

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
