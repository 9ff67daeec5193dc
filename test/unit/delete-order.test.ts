import type { PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { bookings, children, instructorProfiles, users } from '../../schema/index.js';
import { tableMeta } from '../../src/factory/table-meta.js';
import { referencingFirst } from '../../src/util/delete-order.js';

describe('delete order from foreign keys', () => {
  it('puts every table before the tables it references', () => {
    const order = referencingFirst<PgTable>([users, children, bookings, instructorProfiles], (t) => tableMeta(t).references);
    const at = (t: unknown) => order.indexOf(t as never);
    expect(at(bookings)).toBeLessThan(at(children));
    expect(at(bookings)).toBeLessThan(at(users));
    expect(at(children)).toBeLessThan(at(users));
    expect(at(instructorProfiles)).toBeLessThan(at(users));
  });

  it('survives cycles', () => {
    const refs: Record<string, string[]> = { a: ['b'], b: ['a'], c: ['a'] };
    expect(referencingFirst(['a', 'b', 'c'], (x) => refs[x]!).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('table metadata', () => {
  it('tags unique string columns only', () => {
    expect(tableMeta(users).taggedColumns.map((c) => c.key).sort()).toEqual(['clerkId', 'email']);
    expect(tableMeta(users).taggedColumns.find((c) => c.key === 'clerkId')?.maxLength).toBe(64);
    expect(tableMeta(bookings).taggedColumns).toEqual([]);
    expect(tableMeta(instructorProfiles).taggedColumns).toEqual([]); // unique, but a uuid
  });
});
