import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRunKey } from '../../src/run/run-key.js';
import { Tagger } from '../../src/run/tag.js';
import { runtagSnapshotSerializer } from '../../src/toolkit/snapshot-serializer.js';
import { stabilize } from '../../src/toolkit/stabilize.js';

// The unit project has no runtag setup file: add the serializer as a user without installRuntag would.
expect.addSnapshotSerializer(runtagSnapshotSerializer);

/** A run key with a letter and a digit, as nine in ten random keys have (recognized without being told). */
function runKeyByShape(): string {
  for (;;) {
    const key = createRunKey();
    if (/[a-z]/.test(key) && /[0-9]/.test(key)) return key;
  }
}

describe('stabilize', () => {
  it('numbers tags per property by first appearance, keeps the readable base, and gives one tag one placeholder', () => {
    const tag = new Tagger(runKeyByShape(), '2');
    const alice = tag.email('alice');
    const bob = tag.email('bob');
    const clerk = tag.value('user_x');
    expect(
      stabilize([
        { email: bob, clerkId: clerk },
        { email: alice, manager: bob },
      ]),
    ).toEqual([
      { email: '<tag:email#1>-bob@runtag.test', clerkId: '<tag:clerkId#1>-user_x' },
      { email: '<tag:email#2>-alice@runtag.test', manager: '<tag:email#1>-bob@runtag.test' },
    ]);
  });

  it('prints the same text for the same data whatever the run key, scope and counter', () => {
    const rows = (key: string, scope: string, skip: number) => {
      const tag = new Tagger(key, scope);
      for (let i = 0; i < skip; i += 1) tag.next();
      return { id: randomUUID(), email: tag.email('alice'), slug: tag.slug('First post'), at: new Date() };
    };
    expect(stabilize(rows(runKeyByShape(), '1', 0))).toEqual(stabilize(rows(runKeyByShape(), 'z3', 1300)));
  });

  it('leaves ordinary words, numbers and dates alone: only the exact tag shape is a tag', () => {
    const plain = [
      'quality-of-life', // a 7-letter word, then two short ones: no digit in the "key"
      '5551234-12-34', // digits only: no letter in the "key"
      'abc1234-1', // no counter
      'abc12345-1-1', // an 8-character "key"
      'x-abc1234-1-1', // inside a hyphenated word
      'abc1234-1-01', // a counter never has a leading zero
      'user_abc1234-1-1',
      '2026-12-01', // a date is not a timestamp
      '0b5c9f2e-1d2c-4a1b-9c3d', // a uuid's beginning
      'alice@example.test',
    ];
    expect(stabilize(plain)).toEqual(plain);
  });

  it("recognizes the current run's key whatever its letters, and the key on its own", () => {
    const key = 'abcdefg';
    const tag = new Tagger(key, '3');
    const value = tag.email('alice');
    expect(stabilize(value)).toBe(value); // a shape no random key is trusted with...
    expect(stabilize(value, { runKeys: [key] })).toBe('<tag#1>-alice@runtag.test'); // ...unless it is the run's
    expect(stabilize([`${key}-%`, `${key}-3-%`], { runKeys: [key] })).toEqual(['<run-key>-%', '<run-key>-<scope>-%']);
  });

  it('replaces uuids (one uuid, one placeholder) and timestamps (Dates, ISO and PostgreSQL strings; each its own number)', () => {
    const id = randomUUID();
    const at = new Date('2026-12-01T10:00:00.000Z');
    // Two now() values are equal or not by chance of the clock: equal instants are not merged.
    expect(
      stabilize({
        id,
        parentId: id.toUpperCase(),
        createdAt: at,
        updatedAt: at,
        key: `session-${id}`,
        param: at.toISOString(),
        pg: '2026-12-01 10:00:00.123456+00',
        invalid: new Date(Number.NaN),
      }),
    ).toEqual({
      id: '<uuid#1>',
      parentId: '<uuid#1>',
      createdAt: '<timestamp#1>',
      updatedAt: '<timestamp#2>',
      key: 'session-<uuid#1>',
      param: '<timestamp#3>',
      pg: '<timestamp#4>',
      invalid: new Date(Number.NaN),
    });
  });

  it('goes through nested objects, arrays and cycles, labelling tags by the nearest property', () => {
    const tag = new Tagger(runKeyByShape(), '1');
    const email = tag.email('a');
    const node: Record<string, unknown> = { owner: { emails: [email, tag.email('b')] }, note: `invited ${email} today` };
    node.self = node;
    const copy = stabilize(node) as Record<string, unknown>;
    expect(copy.owner).toEqual({ emails: ['<tag:emails#1>-a@runtag.test', '<tag:emails#2>-b@runtag.test'] });
    expect(copy.note).toBe('invited <tag:emails#1>-a@runtag.test today');
    expect(copy.self).toBe(copy);
    expect(node.owner).toEqual({ emails: [email, expect.any(String)] }); // the original is not touched
  });
});

describe('runtagSnapshotSerializer', () => {
  it('numbers placeholders across one whole snapshot, and afresh in the next', () => {
    const tag = new Tagger(runKeyByShape(), '4');
    const [a, b] = [tag.email('a'), tag.email('b')];
    const id = randomUUID();
    expect([
      { id, email: a },
      { id: randomUUID(), email: b, owner: id, at: new Date() },
    ]).toMatchInlineSnapshot(`
      [
        {
          "email": "<tag:email#1>-a@runtag.test",
          "id": "<uuid#1>",
        },
        {
          "at": "<timestamp#1>",
          "email": "<tag:email#2>-b@runtag.test",
          "id": "<uuid#2>",
          "owner": "<uuid#1>",
        },
      ]
    `);
    expect({ email: b }).toMatchInlineSnapshot(`
      {
        "email": "<tag:email#1>-b@runtag.test",
      }
    `);
  });

  it('stabilizes a string snapshot (error messages) and prints values without volatile parts as usual', () => {
    const value = new Tagger(runKeyByShape(), '1').email('alice');
    expect(`duplicate key (email)=(${value})`).toMatchInlineSnapshot(`"duplicate key (email)=(<tag#1>-alice@runtag.test)"`);
    expect({ word: 'quality-of-life', n: 1 }).toMatchInlineSnapshot(`
      {
        "n": 1,
        "word": "quality-of-life",
      }
    `);
  });
});
