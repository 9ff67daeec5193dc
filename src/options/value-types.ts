import { parseDatabaseUrl } from '../db/connection-error.js';
import { isRunId, type RunId } from '../run/run-id.js';

/**
 * How one option's value is checked, whether it comes as text (a variable) or as the value itself
 * (an explicit option): the same rule for both, so a variable means exactly what the option does.
 */
export interface ValueType<T> {
  /** What is allowed, as messages and docs/configuration.md say it: "a whole number ≥ 0". */
  readonly allowed: string;
  /**
   * The value, or undefined when it is not an allowed one (the resolver then says so, naming the
   * option or variable). `source` names it for types whose own error says more.
   */
  parse(value: unknown, source: string): T | undefined;
}

export function oneOf<const V extends string>(values: readonly V[]): ValueType<V> {
  const quoted = values.map((v) => `"${v}"`);
  return {
    allowed: `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`,
    parse: (value) => (values.includes(value as V) ? (value as V) : undefined),
  };
}

/** A number ≥ 0 (of `unit`, when it has one); text is read as JavaScript's Number reads it, as runtag always did. */
export function nonNegativeNumber(options: { whole?: boolean; unit?: string; note?: string } = {}): ValueType<number> {
  const what = options.whole ? 'a whole number' : options.unit ? `a number of ${options.unit}` : 'a number';
  return {
    allowed: `${what} ≥ 0${options.note ? ` (${options.note})` : ''}`,
    parse: (value) => {
      const n = typeof value === 'string' ? (value.trim() === '' ? Number.NaN : Number(value)) : value;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return undefined;
      return !options.whole || Number.isSafeInteger(n) ? n : undefined;
    },
  };
}

/** On or off: a boolean as an option; `1`/`true` or `0`/`false` in a variable (RUNTAG_KEEP_LEAKS=1 is how the docs always put it). */
export const flag: ValueType<boolean> = {
  allowed: 'true or false (in a variable also 1 or 0)',
  parse: (value) => {
    if (typeof value === 'boolean') return value;
    const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    return text === '1' || text === 'true' ? true : text === '0' || text === 'false' ? false : undefined;
  },
};

export const text: ValueType<string> = {
  allowed: 'text',
  parse: (value) => (typeof value === 'string' ? value : undefined),
};

/** Names, comma-separated in a variable ("staging, app"), a list as an option. */
export const nameList: ValueType<readonly string[]> = {
  allowed: 'names, comma-separated',
  parse: (value) => {
    const names =
      typeof value === 'string' ? value.split(',') : Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
    return names?.map((name) => name.trim()).filter((name) => name !== '');
  },
};

/** Environment variable names, comma-separated or a list; an empty list means none. */
export const variableNames: ValueType<readonly string[]> = {
  allowed: 'environment variable names (letters, digits and _), comma-separated',
  parse: (value, source) => {
    const names = nameList.parse(value, source);
    return names?.every((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) ? [...new Set(names)] : undefined;
  },
};

export const runId: ValueType<RunId> = {
  allowed: 'a runtag run id, as a run prints it (e.g. "mi9x2k1c-3f2-k8qa-x7p2m4hd")',
  parse: (value) => (typeof value === 'string' && isRunId(value) ? value : undefined),
};

/** A connection URL; a bad one is explained by the connection code's own message (which masks the password). */
export const postgresUrl: ValueType<string> = {
  allowed: 'a postgres:// or postgresql:// URL naming a host and a database',
  parse: (value, source) => {
    if (typeof value !== 'string') return undefined;
    parseDatabaseUrl(value, source);
    return value;
  },
};
