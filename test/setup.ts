import { installRuntag } from '../src/vitest/setup.js';
import * as schema from '../schema/index.js';

installRuntag({ schema });
