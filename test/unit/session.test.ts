import { describe, expect, it } from 'vitest';
import { TestUserFactory } from '../../src/domain/test-user-factory.js';
import { userFactory } from '../../src/domain/factories.js';
import { FactorySession } from '../../src/factory/session.js';
import { deriveSeed } from '../../src/factory/value-stream.js';

describe('without a runtag session', () => {
  it('a domain factory says how to get one', () => {
    expect(() => new TestUserFactory()).toThrow(
      /new TestUserFactory\(\) was used without a database\. Inside Vitest, add runtag's globalSetup and setup file .*'runtag\/vitest\/setup'.* pass one explicitly: new TestUserFactory\(\{ db \}\)/,
    );
  });

  it('a defined factory too, naming itself', () => {
    expect(() => userFactory.build()).toThrow(/userFactory was used without a database/);
  });

  it('with a code to tell it by, whatever the message says', () => {
    expect(() => userFactory.build()).toThrow(expect.objectContaining({ name: 'RuntagError', code: 'NO_SESSION' }));
  });
});

describe('seeds', () => {
  it('derive per test, stable and distinct', () => {
    expect(deriveSeed(42, 'file > test a')).toBe(deriveSeed(42, 'file > test a'));
    expect(deriveSeed(42, 'file > test a')).not.toBe(deriveSeed(42, 'file > test b'));
    expect(deriveSeed(42, 'file > test a')).not.toBe(deriveSeed(43, 'file > test a'));
  });
});

describe("a session's faker", () => {
  // A session's faker must have faker's own English data, `en` over `base`: with `en` alone,
  // emoji, mime types and file names throw "The locale data for … are missing in this locale".
  it('has the base locale: emoji, mime types, file names', () => {
    const session = new FactorySession({ db: {} as never, seed: 7 });
    expect(session.faker.internet.emoji()).toMatch(/\p{Extended_Pictographic}/u);
    expect(session.faker.system.mimeType()).toMatch(/^[a-z]+\/[\w.+-]+$/);
    expect(session.faker.system.fileName()).toMatch(/^[\w-]+\.\w+$/);
    expect(session.faker.person.firstName()).toMatch(/^[A-Z]/);
  });

  it('is its own stream: two sessions with one seed draw the same values, independently of a third', () => {
    const [a, b, other] = [7, 7, 8].map((seed) => new FactorySession({ db: {} as never, seed }));
    other!.faker.person.firstName();
    expect(a!.faker.person.fullName()).toBe(b!.faker.person.fullName());
  });
});
