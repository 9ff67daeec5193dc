import { appOwnDbTests } from './app-own-db.js';

appOwnDbTests('pg', 2);
