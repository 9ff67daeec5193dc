import { taggingScenario } from './scenarios/tagging.js';

taggingScenario(1);
