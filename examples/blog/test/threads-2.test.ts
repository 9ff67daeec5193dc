import { threadScenario } from './scenarios/threads.js';

threadScenario(5);
