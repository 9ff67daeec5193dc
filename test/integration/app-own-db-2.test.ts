import { appOwnDbTests } from './app-own-db.js';

appOwnDbTests('postgres-js', 3);
