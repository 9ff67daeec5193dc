import { afterEach, expect, it } from 'vitest';
import { RuntagError } from '../../src/errors/runtag-error.js';
import { RUN_CONFIG_ENV } from '../../src/options/option-list.js';
import { runConfigFromEnv } from '../../src/playwright/worker-handoff.js';

const before = process.env[RUN_CONFIG_ENV];
afterEach(() => {
  if (before === undefined) delete process.env[RUN_CONFIG_ENV];
  else process.env[RUN_CONFIG_ENV] = before;
});

it("a Playwright worker without runtag's global setup says to add it, with the code NO_GLOBAL_SETUP", () => {
  delete process.env[RUN_CONFIG_ENV];
  let error: unknown;
  try {
    runConfigFromEnv();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RuntagError);
  expect(error).toMatchObject({ code: 'NO_GLOBAL_SETUP' });
  expect((error as Error).message).toMatch(/RUNTAG_CONFIG is not set.*globalSetup: 'runtag\/playwright\/global-setup'/);
});

it('a hand-set config that is not JSON says not to set it, with its own code', () => {
  process.env[RUN_CONFIG_ENV] = '{not json';
  expect(() => runConfigFromEnv()).toThrow(
    expect.objectContaining({ code: 'INVALID_RUN_CONFIG', message: expect.stringMatching(/is not valid JSON.*do not set it by hand/) }),
  );
});
