// e2e/global-setup.ts (globalSetup: './e2e/global-setup.ts'): each test in a transaction, the app server's writes included
import { runtagGlobalSetup } from 'runtag/playwright';

export default runtagGlobalSetup({ isolation: 'transaction' });
