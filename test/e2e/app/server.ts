import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendHtml } from './http.js';
import { routes } from './routes.js';
import { Store, type AppDb } from './store.js';
import { errorPage } from './views.js';

export interface AppOptions {
  /** Drizzle over a postgres.js pool; its search_path decides which schema the app reads and writes. */
  db: AppDb;
  /** 0 picks a free port, so every Playwright worker can run its own copy. */
  port?: number;
  host?: string;
}

export interface RunningApp {
  /** e.g. "http://127.0.0.1:41234" */
  url: string;
  close(): Promise<void>;
}

/** The booking app under test: a plain `http` server rendering HTML forms. */
export async function startApp(options: AppOptions): Promise<RunningApp> {
  const store = new Store(options.db);
  const host = options.host ?? '127.0.0.1';

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
    const handler = routes.get(`${req.method} ${url.pathname}`);
    try {
      if (!handler) return sendHtml(res, 404, errorPage(404, `No page at ${url.pathname}.`));
      await handler({ req, res, url, store });
    } catch (error) {
      console.error(`app: ${req.method} ${url.pathname} failed:`, error);
      if (!res.headersSent) sendHtml(res, 500, errorPage(500, 'The server could not handle that request.'));
      else res.end();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Browsers keep connections alive; without this, close() waits for them to time out.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
