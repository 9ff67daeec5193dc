import { sessionsScenario } from './scenarios/sessions.js';

sessionsScenario(2);
