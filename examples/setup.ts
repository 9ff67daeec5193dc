// The setup file a user writes: one line, with their own Drizzle schema.
import { installRuntag } from '../src/vitest/setup.js';
import * as schema from '../schema/index.js';

installRuntag({ schema });
