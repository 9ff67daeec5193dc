/**
 * Column facts read the same way under both drizzle-orm majors. The 0.x columns are real (this
 * repository has 0.45); the 1.0 ones are what drizzle-orm 1.0.0-rc.5 reports for the same
 * declarations (printed from it), since 1.0 cannot be installed beside 0.45. The compatibility
 * matrix (test/compat/) runs the real thing: factories and value checks on drizzle-orm 1.0.
 */
import { date, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { columnKind } from '../../src/factory/column-types.js';
import { arrayDimensions, dataTypeOf, sqlTypeOf } from '../../src/factory/drizzle-column.js';

const t = pgTable('t', {
  id: uuid('id'),
  day: date('day', { mode: 'date' }),
  at: timestamp('at'),
  doc: jsonb('doc'),
  scores: integer('scores').array(),
  grid: integer('grid').array().array(),
  note: text('note'),
});

/** A column as drizzle-orm 1.0 reports it: columnType, compound dataType, the element's SQL type and dimensions. */
function v1(columnType: string, dataType: string, sqlType: string, dimensions = 0): PgColumn {
  return { columnType, dataType, dimensions, getSQLType: () => sqlType } as unknown as PgColumn;
}

describe("a column's data type and SQL type, in 0.x's words for either major", () => {
  it('0.x columns', () => {
    expect([t.id, t.day, t.at, t.doc, t.scores, t.note].map(dataTypeOf)).toEqual(['string', 'date', 'date', 'json', 'array', 'string']);
    expect([t.scores, t.grid].map(sqlTypeOf)).toEqual(['integer[]', 'integer[][]']);
    expect(arrayDimensions(t.scores)).toBe(0);
  });

  it("1.0's compound data types and arrays as dimensions", () => {
    expect(dataTypeOf(v1('PgUUID', 'string uuid', 'uuid'))).toBe('string');
    expect(dataTypeOf(v1('PgDate', 'object date', 'date'))).toBe('date');
    expect(dataTypeOf(v1('PgJsonb', 'object json', 'jsonb'))).toBe('json');
    expect(dataTypeOf(v1('PgInteger', 'number int32', 'integer'))).toBe('number');
    expect(dataTypeOf(v1('PgBigInt64', 'bigint int64', 'bigint'))).toBe('bigint');
    expect(dataTypeOf(v1('PgPointObject', 'object point', 'point'))).toBe('json');
    const scores = v1('PgInteger', 'number int32', 'integer', 1);
    expect([dataTypeOf(scores), sqlTypeOf(scores), arrayDimensions(scores)]).toEqual(['array', 'integer[]', 1]);
    expect(sqlTypeOf(v1('PgText', 'string', 'text', 2))).toBe('text[][]');
  });
});

describe('value checks on arrays, in either form', () => {
  it('check the elements of a 0.x PgArray and of a 1.0 column with dimensions alike', () => {
    for (const column of [t.scores, v1('PgInteger', 'number int32', 'integer', 1)]) {
      const kind = columnKind(column)!;
      expect(kind.expected).toBe('an array of integer from -2147483648 to 2147483647');
      expect(kind.problem([1, 2])).toBeUndefined();
      expect(kind.problem(3)?.fix).toMatch(/Pass an array/);
      expect(kind.problem([1, 'x'])?.given).toMatch(/element 2 is string "x"/);
    }
  });

  it('a two-dimensional 1.0 array checks the inner arrays too', () => {
    const kind = columnKind(v1('PgInteger', 'number int32', 'integer', 2))!;
    expect(kind.problem([[1], [2]])).toBeUndefined();
    expect(kind.problem([1, 2])?.fix).toMatch(/Pass an array/);
  });
});
