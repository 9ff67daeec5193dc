import { sameOverrideTests } from './same-overrides.js';

sameOverrideTests('same-overrides-a.spec.ts');
