import { sameOverridesSuite } from './same-overrides.js';

sameOverridesSuite();
