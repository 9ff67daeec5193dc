import { bulkScenario } from './scenarios/bulk.js';

bulkScenario(500);
