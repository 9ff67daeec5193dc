/** Starts an embedded server, prints its directory, and keeps running until killed: for the fault tests. */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startDatabase } from '../../../src/db/server.js';

const label = process.argv[2] ?? `hold-${process.pid}`;
await startDatabase({ label });
const dir = readdirSync(tmpdir()).find((name) => name === `runtag-pg-${label}`);
console.log(`SERVER_DIR ${tmpdir()}/${dir}`);
setInterval(() => {}, 1_000);
