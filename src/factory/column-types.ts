import type { PgColumn } from 'drizzle-orm/pg-core';
import { arrayDimensions } from './drizzle-column.js';

/**
 * What a Drizzle column holds, and whether a value fits it, worded for a message that says what to
 * pass instead. Only what is certain is refused: a string PostgreSQL may read (a date written
 * 'Jan 31 2030', an inet address) is left to it, and its error is named after the insert.
 */
export interface ColumnKind {
  /** What the column holds, as a noun phrase: "an integer from -2147483648 to 2147483647". */
  expected: string;
  /** The start of the message's predicate: "holds an integer …", "is a date read and written as a Date". */
  predicate: string;
  /** Why the value does not fit; undefined when it does (or only PostgreSQL can tell). */
  problem(value: unknown): ValueProblem | undefined;
}

export interface ValueProblem {
  /** What to pass instead: "Pass a whole number in that range." */
  fix: string;
  /** The value as the message shows it, when "<type> <JSON>" would not say what is wrong. */
  given?: string;
  /** A narrower predicate for this problem: "holds a numeric(10, 2) (at most 8 digits before the point)". */
  predicate?: string;
}

interface ColumnInternals {
  enumValues?: readonly string[];
  enum?: { enumName?: string };
  precision?: number;
  scale?: number;
  baseColumn?: PgColumn;
}

const INT16 = [-(2n ** 15n), 2n ** 15n - 1n] as const;
const INT32 = [-(2n ** 31n), 2n ** 31n - 1n] as const;
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;
const SAFE = [BigInt(Number.MIN_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER)] as const;
const WHOLE = /^\s*[+-]?\d+\s*$/;
const DECIMAL = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const NOT_A_NUMBER = /^\s*[+-]?(nan|inf|infinity)\s*$/i;
/** The uuid spellings PostgreSQL reads: hex digits in groups of four, hyphens optional, braces allowed. */
const UUID = /^\s*\{?[0-9a-f]{4}(-?[0-9a-f]{4}){7}\}?\s*$/i;
const DATE_WORDS = /^\s*([+-]?infinity|epoch|now|today|tomorrow|yesterday)\s*$/i;
const ISO_DATE = /^\s*(\d{4,})-(\d{1,2})-(\d{1,2})(?![\d])/;

const kinds = new WeakMap<PgColumn, ColumnKind | null>();

/** The column's kind, or undefined for types runtag does not know (custom types, PostGIS…): PostgreSQL checks those. */
export function columnKind(column: PgColumn): ColumnKind | undefined {
  let kind = kinds.get(column);
  if (kind === undefined) {
    kind = kindOf(column) ?? null;
    kinds.set(column, kind);
  }
  return kind ?? undefined;
}

function kindOf(column: PgColumn): ColumnKind | undefined {
  // drizzle-orm 1.0: an array is its element's column with dimensions (0.x: a PgArray, below).
  let kind = elementKind(column);
  for (let i = arrayDimensions(column); i > 0; i--) kind = array(kind);
  return kind;
}

/** The kind of the column's values, or of its elements for a drizzle-orm 1.0 array. */
function elementKind(column: PgColumn): ColumnKind | undefined {
  const internals = column as unknown as ColumnInternals;
  switch (column.columnType) {
    case 'PgSmallInt':
    case 'PgSmallSerial':
      return integer('a smallint', INT16, 'for larger values the column needs to be an integer');
    case 'PgInteger':
    case 'PgSerial':
      return integer('an integer', INT32, 'for larger values the column needs to be a bigint');
    case 'PgBigInt53':
    case 'PgBigSerial53':
      return integer('a bigint read as a number', SAFE, "for larger values declare the column bigint({ mode: 'bigint' }) and pass a bigint (10n)");
    case 'PgBigInt64':
    case 'PgBigSerial64':
      return integer('a bigint', INT64, 'PostgreSQL has no larger integer; numeric holds more digits');
    case 'PgNumeric':
    case 'PgNumericNumber':
    case 'PgNumericBigInt':
      return numeric(column.getSQLType(), internals.precision, internals.scale);
    case 'PgReal':
    case 'PgDoublePrecision':
      return simple(
        `a ${column.getSQLType()}`,
        (v) => typeof v === 'number' || (typeof v === 'string' && (DECIMAL.test(v) || NOT_A_NUMBER.test(v))),
        'Pass a number.',
      );
    case 'PgBoolean':
      return simple('a boolean', (v) => typeof v === 'boolean', 'Pass true or false.');
    case 'PgUUID':
      return simple(
        'a uuid',
        (v) => typeof v === 'string' && UUID.test(v),
        "Pass a uuid such as '6f9619ff-8b86-d011-b42d-00c04fc964ff' (crypto.randomUUID()), or leave it out for the column's default.",
      );
    case 'PgEnumColumn':
    case 'PgEnumObjectColumn': {
      const values = internals.enumValues ?? [];
      const name = internals.enum?.enumName ?? column.getSQLType();
      return simple(
        `one of ${name}'s values (${values.join(', ')})`,
        (v) => typeof v === 'string' && values.includes(v),
        `Pass one of ${values.map((v) => `'${v}'`).join(', ')}.`,
      );
    }
    case 'PgDateString':
      return dateText('a date', 'an ISO date such as "2030-01-31"');
    case 'PgTimestampString':
      return dateText(`a ${column.getSQLType()}`, 'an ISO timestamp such as "2030-01-31T10:00:00Z"');
    case 'PgDate':
      return dateObject('date', "new Date('2030-01-31')");
    case 'PgTimestamp':
      return dateObject('timestamp', "new Date('2030-01-01T10:00:00Z')");
    case 'PgJson':
    case 'PgJsonb':
      return json();
    case 'PgArray':
      return internals.baseColumn ? array(columnKind(internals.baseColumn)) : undefined;
    case 'PgText':
    case 'PgVarchar':
    case 'PgChar':
      return simple('text', (v) => typeof v === 'string', 'Pass a string.');
    case 'PgTime':
    case 'PgInterval':
    case 'PgInet':
    case 'PgCidr':
    case 'PgMacaddr':
    case 'PgMacaddr8':
      // Text PostgreSQL parses in its own syntax: a string is all that can be said here.
      return simple(`a ${column.getSQLType()}`, (v) => typeof v === 'string', 'Pass it as a string.');
    default:
      return undefined;
  }
}

function simple(expected: string, fits: (value: unknown) => boolean, fix: string): ColumnKind {
  return { expected, predicate: `holds ${expected}`, problem: (value) => (fits(value) ? undefined : { fix }) };
}

function integer(what: string, [min, max]: readonly [bigint, bigint], larger: string): ColumnKind {
  const expected = `${what} from ${min} to ${max}`;
  return {
    expected,
    predicate: `holds ${expected}`,
    problem(value) {
      let whole: bigint | undefined;
      if (typeof value === 'number' && Number.isInteger(value)) whole = BigInt(value);
      else if (typeof value === 'bigint') whole = value;
      else if (typeof value === 'string' && WHOLE.test(value)) whole = BigInt(value.trim());
      if (whole === undefined)
        return { fix: `Pass a whole number${typeof value === 'boolean' ? ` (PostgreSQL does not read ${value} as ${value ? 1 : 0})` : ''}.` };
      if (whole < min || whole > max) return { fix: `Pass a whole number in that range; ${larger}.` };
      return undefined;
    },
  };
}

function numeric(sqlType: string, precision: number | undefined, scale: number | undefined): ColumnKind {
  const expected = `a ${sqlType}`;
  const beforePoint = precision === undefined ? undefined : precision - (scale ?? 0);
  return {
    expected,
    predicate: `holds ${expected}`,
    problem(value) {
      const text = typeof value === 'number' || typeof value === 'bigint' ? String(value) : typeof value === 'string' ? value : undefined;
      if (text === undefined || !(DECIMAL.test(text) || NOT_A_NUMBER.test(text))) return { fix: 'Pass a number or a decimal string such as "12.50".' };
      // Digits before the point are what overflows; rounding at the scale (9.999 in numeric(3, 2)) is left to PostgreSQL.
      const digits = /^\s*[+-]?0*(\d*)(\.\d*)?\s*$/.exec(text)?.[1]?.length;
      if (beforePoint !== undefined && digits !== undefined && digits > beforePoint) {
        return {
          predicate: `holds ${expected} (at most ${beforePoint} digit${beforePoint === 1 ? '' : 's'} before the point)`,
          fix: 'Pass a smaller value, or widen the column.',
        };
      }
      return undefined;
    },
  };
}

/** A date or timestamp read and written as a string: ISO strings are checked, words without digits refused, the rest left to PostgreSQL. */
function dateText(expected: string, example: string): ColumnKind {
  return {
    expected,
    predicate: `holds ${expected}`,
    problem(value) {
      if (value instanceof Date && !Number.isNaN(value.getTime())) return undefined;
      const fix = `Pass ${example} (a Date works too).`;
      if (typeof value !== 'string') return value instanceof Date ? { fix, given: 'an invalid Date' } : { fix };
      if (DATE_WORDS.test(value)) return undefined;
      const iso = ISO_DATE.exec(value);
      if (iso) return isCalendarDate(Number(iso[1]), Number(iso[2]), Number(iso[3])) ? undefined : { fix };
      return /\d/.test(value) ? undefined : { fix };
    },
  };
}

function dateObject(what: 'date' | 'timestamp', example: string): ColumnKind {
  return {
    expected: `a ${what} (a Date)`,
    predicate: `is a ${what} read and written as a Date`,
    problem(value) {
      if (!(value instanceof Date)) return { fix: `Pass a Date, e.g. ${example}.` };
      if (Number.isNaN(value.getTime())) return { given: 'an invalid Date', fix: `Pass a valid Date (this one's getTime() is NaN), e.g. ${example}.` };
      return undefined;
    },
  };
}

function json(): ColumnKind {
  return {
    expected: 'JSON',
    predicate: 'holds JSON',
    problem(value) {
      let reason: string | undefined;
      try {
        if (JSON.stringify(value) === undefined) reason = `${typeof value} has no JSON form`;
      } catch (error) {
        reason = (error as Error).message;
      }
      return reason === undefined
        ? undefined
        : {
            given: `a value JSON cannot hold (${reason})`,
            fix: 'Pass objects, arrays, strings, numbers, booleans and null only (a bigint as a string or a number).',
          };
    },
  };
}

function array(element: ColumnKind | undefined): ColumnKind {
  const expected = `an array of ${element ? element.expected.replace(/^an? /, '') : 'values'}`;
  return {
    expected,
    predicate: `holds ${expected}`,
    problem(value) {
      if (!Array.isArray(value)) return { fix: `Pass an array, e.g. ['a', 'b'].` };
      if (!element) return undefined;
      for (const [i, item] of value.entries()) {
        if (item === null) continue;
        const problem = element.problem(item);
        if (problem) return { given: `${show(value)}: element ${i + 1} is ${problem.given ?? describeValue(item)}`, fix: problem.fix };
      }
      return undefined;
    },
  };
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

/** A value as messages show it: `number 12345`, `string "soon"`, `bigint 10`, `boolean true`. */
export function describeValue(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : `Date ${value.toISOString()}`;
  if (Array.isArray(value)) return show(value);
  if (typeof value === 'bigint') return `bigint ${value}`;
  return `${typeof value} ${show(value)}`;
}

/** JSON, except where JSON has no form (bigint, undefined, functions). */
export function show(value: unknown): string {
  try {
    return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
