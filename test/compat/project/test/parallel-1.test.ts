import { parallelScenario } from './parallel.js';

parallelScenario('one');
