import { availableParallelism } from 'node:os';
import { expect, it } from 'vitest';
import { isCI } from '../../src/ci/ci-defaults.js';
import { runtagPlaywrightDefaults } from '../../src/playwright/ci-defaults.js';
import { runtagVitestDefaults } from '../../src/vitest/ci-defaults.js';

it('tells CI from a developer machine by CI (CI=false and CI=0 opt out)', () => {
  expect([{ CI: 'true' }, { CI: '1' }, { CI: 'woodpecker' }].map(isCI)).toEqual([true, true, true]);
  expect([{}, { CI: '' }, { CI: 'false' }, { CI: '0' }].map(isCI)).toEqual([false, false, false, false]);
});

it('Vitest on CI: every core, longer timeouts, JUnit and JSON under test-results/, never a retry', () => {
  expect(runtagVitestDefaults({ CI: 'true' })).toEqual({
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 60_000,
    hookTimeout: 120_000,
    retry: 0,
    reporters: ['default', 'junit', 'json'],
    outputFile: { junit: 'test-results/vitest-junit.xml', json: 'test-results/vitest.json' },
  });
  const local = runtagVitestDefaults({});
  expect(local).toMatchObject({ maxWorkers: Math.max(2, availableParallelism() - 1), retry: 0, reporters: ['default'] });
  expect(local).not.toHaveProperty('outputFile');
});

it("Playwright on CI: one retry reported as flaky, JUnit and JSON beside Vitest's, artifacts in a folder of their own", () => {
  const ci = runtagPlaywrightDefaults({ CI: 'true' });
  expect(ci).toMatchObject({ retries: 1, forbidOnly: true, outputDir: 'test-results/playwright' });
  expect(ci.reporter).toEqual(
    expect.arrayContaining([
      ['junit', { outputFile: 'test-results/playwright-junit.xml' }],
      ['json', { outputFile: 'test-results/playwright.json' }],
    ]),
  );
  // Playwright empties its outputDir at start: it must not be the folder Vitest's reports are in.
  expect(ci.outputDir).not.toBe('test-results');
  expect(runtagPlaywrightDefaults({})).toMatchObject({ retries: 0, forbidOnly: false });
});
