import { membershipScenario } from './scenarios/memberships.js';

membershipScenario(8);
