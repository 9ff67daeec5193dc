import type { ViteUserConfig } from 'vitest/config';
import { defaultWorkers, isCI, REPORTS_DIR } from '../ci/ci-defaults.js';

type TestOptions = NonNullable<ViteUserConfig['test']>;

/**
 * Vitest settings that differ between CI and your machine; spread them into `test` and override
 * what you like:
 *
 *   import { runtagVitestDefaults } from 'runtag/vitest/config';
 *   test: { ...runtagVitestDefaults(), globalSetup: ['runtag/vitest/global-setup'], … }
 *
 * Imported by config files from 'runtag/vitest/config', which loads nothing of Vitest's runtime:
 * Vitest 3.2 refuses a config that imports 'vitest' itself (as 'runtag/vitest' does, for `expect`).
 *
 * On CI: every core, doubled timeouts (shared runners are slower), JUnit and JSON reports under
 * test-results/. Locally: a core left free, the default reporter only. No retries anywhere: a
 * test that passes on a second try hid a collision or a leak, which is what runtag exists to show.
 */
export function runtagVitestDefaults(
  env: NodeJS.ProcessEnv = process.env,
): Pick<TestOptions, 'maxWorkers' | 'testTimeout' | 'hookTimeout' | 'retry' | 'reporters' | 'outputFile'> {
  const ci = isCI(env);
  return {
    maxWorkers: defaultWorkers(env),
    testTimeout: ci ? 60_000 : 30_000,
    hookTimeout: ci ? 120_000 : 60_000,
    retry: 0,
    reporters: ci ? ['default', 'junit', 'json'] : ['default'],
    ...(ci ? { outputFile: { junit: `${REPORTS_DIR}/vitest-junit.xml`, json: `${REPORTS_DIR}/vitest.json` } } : {}),
  };
}
