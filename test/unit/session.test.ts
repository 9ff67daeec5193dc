import { describe, expect, it } from 'vitest';
import { TestUserFactory } from '../../src/domain/test-user-factory.js';
import { userFactory } from '../../src/domain/factories.js';
import { deriveSeed } from '../../src/factory/session.js';

describe('without a runtag session', () => {
  it('a domain factory says how to get one', () => {
    expect(() => new TestUserFactory()).toThrow(
      /new TestUserFactory\(\) was used without a database\. Inside Vitest, add runtag's globalSetup and setupFiles .* pass one explicitly: new TestUserFactory\(\{ db \}\)/,
    );
  });

  it('a defined factory too, naming itself', () => {
    expect(() => userFactory.build()).toThrow(/userFactory was used without a database/);
  });
});

describe('seeds', () => {
  it('derive per test, stable and distinct', () => {
    expect(deriveSeed(42, 'file > test a')).toBe(deriveSeed(42, 'file > test a'));
    expect(deriveSeed(42, 'file > test a')).not.toBe(deriveSeed(42, 'file > test b'));
    expect(deriveSeed(42, 'file > test a')).not.toBe(deriveSeed(43, 'file > test a'));
  });
});
