import { parallelScenario } from './parallel.js';

parallelScenario('two');
