import { handleScenario } from './scenarios/handles.js';

handleScenario(120);
