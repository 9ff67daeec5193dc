import { createServer } from 'node:http';
import { closeDb } from './db/index.js';
import { route, send } from './http/routes.js';

const port = Number(process.env.PORT ?? 3000);

const server = createServer((request, response) => {
  const started = performance.now();
  route(request)
    .then((reply) => {
      send(response, reply);
      console.log(`${request.method} ${request.url} ${reply.status} ${Math.round(performance.now() - started)}ms`);
    })
    .catch((error: Error) => {
      console.error(`${request.method} ${request.url} failed: ${error.stack ?? error.message}`);
      send(response, { status: 500, body: 'Something went wrong.' });
    });
});

server.listen(port, () => console.log(`notes app listening on port ${port}`));

// A clean stop on SIGTERM/SIGINT: open keep-alive connections closed, the database pool ended.
async function shutdown(signal: string): Promise<void> {
  console.log(`notes app stopping (${signal})`);
  server.closeAllConnections();
  server.close();
  await closeDb();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
