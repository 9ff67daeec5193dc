import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type RuntagErrorCode } from '../../src/errors/codes.js';
import { RuntagAggregateError, RuntagError } from '../../src/errors/runtag-error.js';
import { FactoryKeyError } from '../../src/factory/check-keys.js';
import { FactoryValueError } from '../../src/factory/value-error.js';
import { formatLeakReport, LeakError, type LeakFindings } from '../../src/leaks/report.js';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const sources = sourceFiles(join(root, 'src')).map((file) => ({ file: relative(root, file), text: readFileSync(file, 'utf8') }));
const codes = Object.keys(ERROR_CODES) as RuntagErrorCode[];

/** docs/errors.md's table, row by row: code, class, when, what to do. */
function documentedRows(): string[][] {
  return readFileSync(join(root, 'docs', 'errors.md'), 'utf8')
    .split('\n')
    .filter((line) => /^\| `[A-Z]/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim().replace(/^`|`$/g, '')),
    );
}

describe('the error codes', () => {
  it('docs/errors.md lists exactly the codes of RuntagErrorCode, each with its class, when and what to do', () => {
    const rows = documentedRows();
    expect(rows.map(([code]) => code)).toEqual(codes);
    // Printed whole on a mismatch, so the row to paste is in the failure.
    expect(rows).toEqual(codes.map((code) => [code, ERROR_CODES[code].class, ERROR_CODES[code].when, ERROR_CODES[code].fix]));
  });

  it('are SCREAMING_SNAKE, and none can be taken for a PostgreSQL SQLSTATE (code walkers look for five capitals or digits)', () => {
    for (const code of codes) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(code).not.toMatch(/^[0-9A-Z]{5}$/);
    }
  });

  it('each is thrown somewhere in src/, and each class named exists there as a RuntagError', () => {
    const code = sources
      .filter(({ file }) => !file.endsWith(join('errors', 'codes.ts')))
      .map(({ text }) => text)
      .join('\n');
    expect(codes.filter((c) => !code.includes(`'${c}'`))).toEqual([]);
    const classes = [...new Set(codes.map((c) => ERROR_CODES[c].class))].filter((name) => name !== 'RuntagError');
    const declared = [...code.matchAll(/export class (\w+) extends (RuntagError|FactoryValueError)\b/g)].map((m) => m[1]);
    expect(classes.filter((name) => !declared.includes(name))).toEqual([]);
  });

  it('a plain new RuntagError(...) carries only the codes whose class is RuntagError', () => {
    const thrown = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/new RuntagError\(\s*'(\w+)'/g)].map((m) => ({ file, code: m[1] as RuntagErrorCode })),
    );
    expect(thrown.length).toBeGreaterThan(30);
    expect(thrown.filter(({ code }) => ERROR_CODES[code]?.class !== 'RuntagError')).toEqual([]);
  });
});

describe('src/', () => {
  it('throws no plain Error, TypeError or AggregateError: every error is a RuntagError', () => {
    const plain = sources.flatMap(({ file, text }) =>
      text.split('\n').flatMap((line, i) => (/\bnew (Error|TypeError|RangeError|AggregateError)\(/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(plain).toEqual([]);
  });

  it('declares no error class outside the RuntagError family', () => {
    const outside = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/class (\w+) extends (Error|TypeError|AggregateError)\b/g)].map((m) => `${file}: ${m[1]}`),
    );
    expect(outside).toEqual(['src/errors/runtag-error.ts: RuntagError']);
  });
});

describe('RuntagError', () => {
  it('is an Error named after its class, with its code and cause', () => {
    const cause = new RangeError('underneath');
    const error = new RuntagError('NO_SESSION', 'runtag: no session', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'RuntagError', code: 'NO_SESSION', message: 'runtag: no session', cause });
    expect(String(error)).toBe('RuntagError: runtag: no session');
  });

  it('a subclass keeps its fields and instanceof, and takes its own name and code (a FactoryKeyError is still a FactoryValueError)', () => {
    const error = new FactoryKeyError('runtag: bad key', 'userFactory', 'users', 'nosuch', 1, 'a column of "users"');
    expect(error).toBeInstanceOf(FactoryValueError);
    expect(error).toBeInstanceOf(RuntagError);
    expect(error).toMatchObject({ name: 'FactoryKeyError', code: 'FACTORY_KEY', key: 'nosuch', factory: 'userFactory', sqlState: undefined });
    const value = new FactoryValueError('runtag: bad value', 'userFactory', 'users', 'age', 'x', 'an integer', '22P02');
    expect(value).toMatchObject({ name: 'FactoryValueError', code: 'FACTORY_VALUE', sqlState: '22P02' });
  });

  it('a leak report is a LeakError with code LEAK_FOUND, its findings kept and its message the report', () => {
    const findings: LeakFindings = { runId: 'run', rows: [], schemas: [{ schema: 'rt_x', scope: 'a' }] };
    const files = new Map([['a', 'test/a.test.ts']]);
    const error = new LeakError(findings, files);
    expect(error).toMatchObject({ name: 'LeakError', code: 'LEAK_FOUND', findings, message: formatLeakReport(findings, files) });
    expect(error.message).toContain('schema rt_x still exists (created by test/a.test.ts)');
  });

  it('several errors of one step stay together, each with its own code, the message joining theirs', () => {
    const errors = [new RuntagError('SEED_DATA_FAILED', 'runtag: one'), new RuntagError('RUN_SWEPT', 'runtag: two')];
    const error = new RuntagAggregateError(errors);
    expect(error).toMatchObject({ name: 'RuntagAggregateError', code: 'MULTIPLE_ERRORS', errors, message: 'runtag: one\n\nruntag: two' });
  });
});
