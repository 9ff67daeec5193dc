import * as vitest from 'vitest';
import type { RunnerTestFile } from 'vitest';

type GetCurrentSuite = () => { file?: RunnerTestFile };

/**
 * Vitest's suite being collected: `TestRunner.getCurrentSuite` since Vitest 4.1, which deprecated
 * the 'vitest/suite' entry that Vitest 3.2 has it in (imported only there).
 */
const getCurrentSuite: GetCurrentSuite =
  (vitest as { TestRunner?: { getCurrentSuite?: GetCurrentSuite } }).TestRunner?.getCurrentSuite ??
  ((await import('vitest/suite')) as { getCurrentSuite: GetCurrentSuite }).getCurrentSuite;

/** The test file Vitest is setting up or collecting (a setup file's or a test file's top level); undefined elsewhere. */
export function collectingFile(): RunnerTestFile | undefined {
  return getCurrentSuite().file;
}
