// e2e/global-setup.ts (globalSetup: './e2e/global-setup.ts'): one app server for the whole run
import { runtagGlobalSetup } from 'runtag/playwright';

export default runtagGlobalSetup({
  isolation: 'shared', // the only one it can serve
  appServer: { command: 'npm run start', url: '/health' },
});
