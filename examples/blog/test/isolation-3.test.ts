import { isolationScenario } from './scenarios/isolation.js';

isolationScenario(15);
