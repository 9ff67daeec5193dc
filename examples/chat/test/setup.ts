import { installRuntag } from 'runtag/vitest';
import * as schema from '../src/schema.js';

installRuntag({ schema });
