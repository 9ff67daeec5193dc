/** A value a factory turns into a run-tagged value when it inserts it: see `tagged()`. */
export type TaggedValue = string & { readonly __runtagTagged: true };

/**
 * Marks the start of a tagged value. It holds a NUL character, which PostgreSQL refuses in text:
 * a `tagged()` value that bypasses the factories fails loudly instead of being stored untagged.
 */
const MARK = '\u0000runtag:tagged:';

/**
 * The one way to ask a factory for a tagged value (in defaults, traits or overrides); outside a
 * factory, `tag.value(base)` makes one. A value unique across workers, processes and machines, built from `base`:
 * `create({ email: tagged('alice@example.com') })` stores `<tag>-alice@example.com`, fitted to the
 * column's length (the email's domain kept). Plain overrides are stored exactly as written.
 */
export function tagged(base = ''): TaggedValue {
  return `${MARK}${base}` as TaggedValue;
}

/** The base of a `tagged()` value, or undefined for any other value. */
export function taggedBase(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith(MARK) ? value.slice(MARK.length) : undefined;
}
