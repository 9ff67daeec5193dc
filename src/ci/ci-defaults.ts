import { availableParallelism } from 'node:os';

/** Where the CI reports go: one folder CI systems can upload as it is. */
export const REPORTS_DIR = 'test-results';

/** True on CI (every major CI sets CI=true); CI=false or CI=0 opt out. */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/**
 * Workers: on CI the machine is the suite's, so every core; locally one core stays free for you.
 * Never fewer than 2, so the parallel paths run everywhere (runtag's connection lease still caps
 * the count the server can take).
 */
export function defaultWorkers(env: NodeJS.ProcessEnv = process.env): number {
  const cores = availableParallelism();
  return Math.max(2, isCI(env) ? cores : cores - 1);
}
