import type { FullConfig } from '@playwright/test';
import { expect, it } from 'vitest';
import { runtagGlobalSetup } from '../../src/playwright/global-setup.js';

it('Playwright refuses isolation "transaction" with one app server for the whole run before starting anything, saying why and what to use', async () => {
  // No database is reachable here: a refusal that came after the run's start would fail on that instead.
  const setup = runtagGlobalSetup({ isolation: 'transaction', databaseUrl: 'postgres://nobody@127.0.0.1:1/none', appServer: { command: 'true', url: '/' } });
  const refused = setup({ shard: null, workers: 2 } as unknown as FullConfig);
  await expect(refused).rejects.toThrow(
    /isolation "transaction" cannot work with one app server for the whole run \(runtagGlobalSetup\(\{ appServer \}\)\).*createRuntagTest\(\{ schema, appServer: \{ command: \.\.\. \} \}\)/,
  );
  await expect(refused).rejects.toMatchObject({ code: 'UNSUPPORTED_ISOLATION' });
});
