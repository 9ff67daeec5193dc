import { sameOverrideTests } from './same-overrides.js';

sameOverrideTests('same-overrides-b.spec.ts');
