import { AsyncLocalStorage } from 'node:async_hooks';
import { RuntagError } from '../errors/runtag-error.js';
import type { FactorySession } from './session.js';

/**
 * The session a factory uses when it is given none (`new TestUserFactory()`, `userFactory.create()`):
 * the running test's, set around each test by runtag's Vitest setup and Playwright fixtures.
 *
 * It lives in an AsyncLocalStorage, not a module variable, so tests that run at the same time in one
 * worker (`test.concurrent`) each see their own session: the store follows a test's async calls,
 * not the order in which concurrent tests happen to reach a hook.
 */
const ambient = new AsyncLocalStorage<SessionHolder>();

/** What the store holds: a session, or something that knows the running test's session (a Playwright worker). */
export interface SessionHolder {
  readonly session: FactorySession;
}

/** Run `fn` (a test, a hook, a suite) with `session` as the ambient session of everything it calls. */
export function runWithSession<T>(session: FactorySession, fn: () => T): T {
  return ambient.run({ session }, fn);
}

/**
 * Make `holder`'s session the ambient one of the current async context and of what it calls from
 * now on. For Vitest before 4.1, which has no hook that wraps a test; prefer `runWithSession`
 * wherever the code to run is in hand.
 */
export function enterSession(holder: SessionHolder): void {
  ambient.enterWith(holder);
}

/**
 * The one exception to "never in module state": a Playwright worker. It is a process of its own
 * that runs one test at a time, and Playwright gives no way to run a test's body inside a context
 * a fixture chose (a store entered from a fixture reached the first test's body and not the later
 * ones': they descend from the runner's loop, not from their fixtures). So the worker's scope
 * answers for the whole process, with the running test's session. Never set under Vitest, whose
 * workers may run tests at the same time.
 */
let workerProcessHolder: SessionHolder | undefined;

export function holdForWorkerProcess(holder: SessionHolder | undefined): void {
  workerProcessHolder = holder;
}

export function ambientSession(requester = 'a runtag factory'): FactorySession {
  const session = (ambient.getStore() ?? workerProcessHolder)?.session;
  if (!session) {
    throw new RuntagError(
      'NO_SESSION',
      `runtag: ${requester} was used without a database. Inside Vitest, add runtag's globalSetup and setup file to vitest.config ` +
        "(test.globalSetup: ['runtag/vitest/global-setup'], test.setupFiles: ['runtag/vitest/setup']); inside Playwright, use the `test` " +
        'from createRuntagTest; anywhere else, pass one explicitly: new TestUserFactory({ db }) or factory.withSession(new FactorySession({ db })).',
    );
  }
  return session;
}

export function hasAmbientSession(): boolean {
  return (ambient.getStore() ?? workerProcessHolder) !== undefined;
}
