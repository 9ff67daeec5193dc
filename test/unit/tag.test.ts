import { describe, expect, it } from 'vitest';
import { createRunId } from '../../src/run/run-id.js';
import { fileScope, likePrefix, Tagger } from '../../src/run/tag.js';

const runId = createRunId();

describe('Tagger', () => {
  it('puts the run id first, so a prefix LIKE finds every value of the run', () => {
    const tag = new Tagger(runId, 'abc123');
    expect(tag.email('alice')).toMatch(new RegExp(`^${runId}-abc123-1-alice@runtag\\.test$`));
    expect(tag.value('x')).toBe(`${runId}-abc123-2-x`);
    expect(tag.next()).toBe(`${runId}-abc123-3`);
  });

  it('keeps values of two scopes of one run apart', () => {
    const a = new Tagger(runId, 'aaaaaa');
    const b = new Tagger(runId, 'bbbbbb');
    const fromA = Array.from({ length: 50 }, () => a.email('same'));
    const fromB = Array.from({ length: 50 }, () => b.email('same'));
    expect(new Set([...fromA, ...fromB]).size).toBe(100);
  });

  it('does not tag a value twice', () => {
    const tag = new Tagger(runId, 'abc123');
    const once = tag.email('bob');
    expect(tag.value(once, 255)).toBe(once);
  });

  it('fits the column, shortening the human part and keeping an email domain', () => {
    const tag = new Tagger(runId, 'abc123');
    const value = tag.value(`${'x'.repeat(80)}@example.test`, 64);
    expect(value.length).toBeLessThanOrEqual(64);
    expect(value.startsWith(`${runId}-abc123-1-x`)).toBe(true);
    expect(value.endsWith('@example.test')).toBe(true);
  });

  it('refuses a column too narrow for the tag, naming it and the width needed', () => {
    const tag = new Tagger(runId, 'abc123');
    expect(() => tag.value('slug', 12, 'column "posts.slug"')).toThrow(
      /column "posts.slug" holds at most 12 characters, but the run tag .* Widen the column to at least \d+ characters/,
    );
  });

  it('makes a stable, short scope per file', () => {
    expect(fileScope('test/a.test.ts')).toBe(fileScope('test\\a.test.ts'));
    expect(fileScope('test/a.test.ts')).not.toBe(fileScope('test/b.test.ts'));
    expect(fileScope('test/a.test.ts')).toMatch(/^[0-9a-z]{6}$/);
  });

  it('escapes LIKE wildcards in prefixes', () => {
    expect(likePrefix('a_b%c\\')).toBe('a\\_b\\%c\\\\%');
  });
});
