import type { PlaywrightTestConfig } from '@playwright/test';
import { defaultWorkers, isCI, REPORTS_DIR } from '../ci/ci-defaults.js';

/**
 * Playwright settings that differ between CI and your machine; spread them into defineConfig and
 * override what you like. On CI: every core, one retry (a browser test that passes on retry is
 * reported as flaky, not hidden), JUnit and JSON reports under test-results/, `test.only`
 * forbidden. Locally: a core left free, no retries. Artifacts go to test-results/playwright, so
 * Playwright's cleaning of its output folder leaves Vitest's reports alone.
 */
export function runtagPlaywrightDefaults(
  env: NodeJS.ProcessEnv = process.env,
): Pick<PlaywrightTestConfig, 'workers' | 'retries' | 'reporter' | 'forbidOnly' | 'outputDir' | 'timeout'> {
  const ci = isCI(env);
  return {
    workers: defaultWorkers(env),
    retries: ci ? 1 : 0,
    forbidOnly: ci,
    timeout: ci ? 60_000 : 30_000,
    outputDir: `${REPORTS_DIR}/playwright`,
    reporter: ci
      ? [
          ['list'],
          ['junit', { outputFile: `${REPORTS_DIR}/playwright-junit.xml` }],
          ['json', { outputFile: `${REPORTS_DIR}/playwright.json` }],
          ['html', { open: 'never' }],
        ]
      : [['list'], ['html', { open: 'never' }]],
  };
}
