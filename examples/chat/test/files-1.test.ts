import { filesScenario } from './scenarios/files.js';

filesScenario(1);
