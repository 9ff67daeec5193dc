import { associationScenario } from './scenarios/associations.js';

associationScenario(4);
