import { sameOverrideTests } from './same-overrides.js';

sameOverrideTests('same-overrides-c.spec.ts');
