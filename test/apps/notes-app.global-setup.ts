import { fileURLToPath } from 'node:url';
import { runtagGlobalSetup } from '../../src/playwright/global-setup.js';

// The app's own migrations (examples/notes-app/migrations), not this repository's: its root is the app's.
export default runtagGlobalSetup({ root: fileURLToPath(new URL('../../examples/notes-app', import.meta.url)) });
