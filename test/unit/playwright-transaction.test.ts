import type { FullConfig } from '@playwright/test';
import { expect, it } from 'vitest';
import { runtagGlobalSetup } from '../../src/playwright/global-setup.js';

it('Playwright refuses isolation "transaction" before starting anything, saying why and what to use', async () => {
  const setup = runtagGlobalSetup({ isolation: 'transaction' });
  const refused = setup({ shard: null, workers: 2 } as unknown as FullConfig);
  await expect(refused).rejects.toThrow(
    /isolation "transaction" cannot work with Playwright: the app under test writes on its own connections.*Use isolation "shared"/,
  );
  await expect(refused).rejects.toMatchObject({ code: 'UNSUPPORTED_ISOLATION' });
});
