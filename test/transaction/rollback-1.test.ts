import { rollbackTests } from './rollback.js';

rollbackTests();
