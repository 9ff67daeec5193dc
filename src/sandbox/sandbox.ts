import { randomInt, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { RuntagError } from '../errors/runtag-error.js';
import { SandboxClient } from './client.js';
import { SandboxSession, type SessionHost, type TextRow } from './session.js';
import { Upstream, type UpstreamTarget, upstreamTargetOf } from './upstream.js';
import {
  authenticationRequest,
  Backend,
  backendKeyData,
  cstringAt,
  errorResponse,
  Frontend,
  MessageFrames,
  noticeFieldsOf,
  parameterStatus,
  type RawMessage,
  readyForQuery,
  StartupCode,
} from './wire.js';

export interface SandboxOptions {
  /** The scope's own URL: its role and password, the server, the database, `options=-c search_path=<schema>`. */
  upstreamUrl: string;
  /** Names the scope in errors ("test/users.test.ts"). */
  label: string;
  /** How long a client's statement waits for another client's open transaction before it fails, in ms (default 5000). */
  lockWaitMs?: number;
}

/** What runtag runs around a test in its transaction: `before` first in it (it sees what was committed when the test began), `after` right after its rollback. */
export interface TestStatements {
  before?: string | undefined;
  after?: ((before: TextRow[]) => string | undefined) | undefined;
}

/** The rows of the test's `before` and `after` statements. */
export interface TestEnd {
  before: TextRow[];
  after: TextRow[];
}

export interface SandboxTest {
  readonly label: string;
  /** This test's own URL: a listener of its own, on its own server connection (two tests at once each have one). */
  readonly url: string;
  /** The rows of the `before` statement, once the test's BEGIN is done (begin does not wait for it). */
  readonly began: Promise<TextRow[]>;
  /** Roll back everything every client did during the test; runs the `after` statement. */
  end(): Promise<TestEnd>;
}

/**
 * A PostgreSQL endpoint on loopback for a scope (a Vitest file, a Playwright worker), in isolation
 * "transaction": every connection to it, whoever opens it (runtag's `db`, the app's own pool, an
 * app server in another process), joins the running test's transaction on one server connection,
 * and the test's end rolls all of it back. Ecto's SQL sandbox and Rails' shared test connection do
 * this inside one runtime; this does it on the wire, so it works for any client in any process.
 *
 * Its `url` carries the scope's role, password, database and options, only the host and port
 * differ: what the app gets as DATABASE_URL. A test that runs while another does gets a server
 * connection and listener of its own (`SandboxTest.url`); on the shared `url` a statement is then
 * refused, since nothing says which test it belongs to.
 */
export class Sandbox implements SessionHost {
  private readonly sessions: SandboxSession[] = [];
  private readonly servers = new Map<SandboxSession | 'shared', { server: Server; url: string }>();
  private readonly clients = new Map<number, SandboxClient>();
  /** The listener each client came through: a test's own, or the shared one. */
  private readonly homes = new Map<SandboxClient, SandboxSession | 'shared'>();
  private readonly running = new Map<SandboxSession, string>();
  private readonly internalErrors: Error[] = [];
  /** Sessions whose server connection ended, with why: each is replaced by a new one before its next test. */
  private readonly deaths = new Map<SandboxSession, Error>();
  /** What replaced a dead session (its listener and the clients homed there go on with it). */
  private readonly successors = new Map<SandboxSession, Promise<SandboxSession>>();
  private nextClient = 1;
  private closed = false;
  readonly lockWaitMs: number;

  private constructor(
    private readonly target: UpstreamTarget,
    readonly label: string,
    private readonly baseUrl: URL,
    lockWaitMs: number,
  ) {
    this.lockWaitMs = lockWaitMs;
  }

  static async start(options: SandboxOptions): Promise<Sandbox> {
    const target = upstreamTargetOf(options.upstreamUrl);
    const sandbox = new Sandbox(target, options.label, new URL(options.upstreamUrl), options.lockWaitMs ?? 5_000);
    try {
      const first = await sandbox.addSession();
      await Promise.all([sandbox.listen('shared'), sandbox.listen(first)]);
    } catch (error) {
      await sandbox.close();
      throw error;
    }
    return sandbox;
  }

  /** The URL the first test will get as its own (its server connection's listener), known before any test: a pool on it can connect ahead. */
  get firstTestUrl(): string {
    return this.servers.get(this.sessions[0]!)!.url;
  }

  /** What clients connect to: the scope's URL with the sandbox's loopback address. */
  get url(): string {
    return this.servers.get('shared')!.url;
  }

  /** Begin a test: from now until its end(), the statements of every client of `url` (and of the test's own url) run in its transaction. */
  async beginTest(label: string, statements: TestStatements = {}): Promise<SandboxTest> {
    if (this.closed) throw new RuntagError('SANDBOX_CLOSED', `runtag sandbox: "${this.label}" is closed; no test can begin in it.`);
    let session = this.sessions.find((s) => !this.running.has(s)) ?? (await this.addSession());
    if (this.deaths.has(session)) session = await this.revive(session, label);
    this.running.set(session, label);
    if (!this.servers.has(session)) await this.listen(session);
    let before: Promise<TextRow[]>;
    try {
      before = (await session.beginTest(label, statements.before)).rows;
    } catch (error) {
      this.running.delete(session);
      throw error;
    }
    // Awaited by end(); the test's own first statement reports a failure earlier.
    before.catch(() => {});
    let ended: Promise<TestEnd> | undefined;
    return {
      label,
      url: this.servers.get(session)!.url,
      began: before,
      end: () => {
        ended ??= (async () => {
          try {
            const beforeRows = await before;
            const after = await session.endTest(statements.after?.(beforeRows));
            return { before: beforeRows, after };
          } catch (error) {
            const death = this.deaths.get(session);
            if (!death) throw error;
            throw new RuntagError(
              'SANDBOX_UPSTREAM_CLOSED',
              `runtag sandbox: the server connection of "${this.label}" ended during the test "${label}" (${death.message}). ` +
                "The server rolled back the test's transaction with it: what the test's connections wrote is gone, and their statements after that failed (08006). " +
                'The next test of the file gets a new server connection.',
              { cause: death },
            );
          } finally {
            this.running.delete(session);
            // Between tests too (the file's hooks, the app's requests after the test) the sandbox serves again.
            if (this.deaths.has(session) && !this.closed) this.revive(session, label).catch(() => {});
          }
        })();
        return ended;
      },
    };
  }

  /** Errors of runtag's own statements (a savepoint release that failed): taken, so a test's end can report them. */
  takeInternalErrors(): Error[] {
    return this.internalErrors.splice(0);
  }

  /**
   * Stop: no new connections, the server connections closed (their open transaction is rolled
   * back by the server). Client sockets are left to their owners: an app's pool that sees its
   * idle connections end without an 'error' listener crashes the process; a client's next
   * statement gets an error instead, and the sockets do not hold the process open.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const { server } of this.servers.values()) server.close();
    for (const session of this.sessions) session.close();
    for (const client of this.clients.values()) client.socket.unref();
  }

  requeue(client: SandboxClient): void {
    this.route(client);
  }

  reportInternalError(error: Error): void {
    this.internalErrors.push(error);
  }

  private async addSession(): Promise<SandboxSession> {
    const session = await this.openSession(this.sessions.length);
    this.sessions.push(session);
    return session;
  }

  private async openSession(index: number): Promise<SandboxSession> {
    const upstream = await Upstream.connect(this.target);
    const session = new SandboxSession(index, upstream, this);
    // The server says why it ends a connection (terminated, shutting down) in a FATAL that no client asked for.
    let fatal: string | undefined;
    const deliver = upstream.onMessage;
    upstream.onMessage = (message) => {
      if (message.type === Backend.ErrorResponse) {
        const fields = noticeFieldsOf(message);
        if (fields.get('S') === 'FATAL' || fields.get('S') === 'PANIC') {
          // The shared connection's end, not the client's: kept from whoever's unit is at the server (a driver ends its own
          // connection on a FATAL); the connection's close answers that unit with 08006 and this reason.
          fatal = `${fields.get('C')}: ${fields.get('M')}`;
          return;
        }
      }
      deliver(message);
    };
    upstream.onClose = (error) => {
      if (this.closed) return;
      const why = fatal ? `the server ended it, ${fatal}` : `the server closed it${error ? ` (${error.message.replace(/^runtag sandbox: /, '')})` : ''}`;
      const death = new RuntagError('SANDBOX_UPSTREAM_CLOSED', why, { cause: error });
      this.deaths.set(session, death);
      session.failAll(death);
      if (!this.running.has(session)) this.revive(session, undefined).catch(() => {});
    };
    return session;
  }

  /**
   * A session whose server connection ended, replaced by one on a new connection, at the same
   * place: its listener (a test's own URL) and the clients homed there go on with it. Never while
   * its test runs: that test's transaction is gone, and its statements must fail, not autocommit.
   */
  private revive(dead: SandboxSession, test: string | undefined): Promise<SandboxSession> {
    let next = this.successors.get(dead);
    if (!next) {
      next = this.openSession(dead.index).then(
        (session) => {
          const at = this.sessions.indexOf(dead);
          if (this.closed || at < 0) {
            session.close();
            return session;
          }
          this.sessions[at] = session;
          const listener = this.servers.get(dead);
          if (listener) {
            this.servers.delete(dead);
            this.servers.set(session, listener);
          }
          this.deaths.delete(dead);
          return session;
        },
        (error: Error) => {
          // Tried again at the next test: the server may be back by then (a restart).
          this.successors.delete(dead);
          throw new RuntagError(
            'SANDBOX_UPSTREAM_CLOSED',
            `runtag sandbox: the server connection of "${this.label}" ended (${this.deaths.get(dead)?.message ?? 'closed'}) and a new one could not be opened${test ? ` for the test "${test}"` : ''}: ${error.message}`,
            { cause: error },
          );
        },
      );
      this.successors.set(dead, next);
    }
    return next;
  }

  /** The live session in `session`'s place: itself, or what replaced it after its connection ended (at its index). */
  private successorOf(session: SandboxSession): SandboxSession {
    return this.sessions[session.index] ?? session;
  }

  private async listen(key: SandboxSession | 'shared'): Promise<void> {
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket, key));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    // A listener never keeps the worker alive by itself.
    server.unref();
    const address = server.address();
    const url = new URL(this.baseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(typeof address === 'object' && address ? address.port : 0);
    url.searchParams.delete('sslmode');
    url.searchParams.delete('ssl');
    this.servers.set(key, { server, url: url.toString() });
  }

  /** Which session runs a client's next unit: the one it holds, its listener's, or the one running test's. */
  private route(client: SandboxClient): void {
    if (client.closed || client.units.length === 0) return;
    const held = this.sessions.find((s) => s.holds(client));
    if (held) {
      held.enqueue(client);
      return;
    }
    const home = this.homes.get(client);
    if (home instanceof SandboxSession) {
      this.successorOf(home).enqueue(client);
      return;
    }
    if (this.running.size <= 1) {
      const [only] = this.running.keys();
      (only ?? this.sessions[0]!).enqueue(client);
      return;
    }
    const unit = client.units.shift()!;
    const labels = [...this.running.values()].map((l) => `"${l}"`).join(', ');
    client.send(
      errorResponse({
        severity: 'ERROR',
        code: '0A000',
        message:
          `runtag sandbox: ${this.running.size} tests of "${this.label}" are running at once (${labels}), and a statement on the file's shared URL cannot say which of them it belongs to. ` +
          "Give the code under test each test's own URL (the databaseUrl fixture) when tests run concurrently, or run these tests one at a time (no test.concurrent).",
      }),
    );
    if (unit.end !== 'flush') client.send(readyForQuery(client.status));
    this.route(client);
  }

  // ---- a client's connection ------------------------------------------------------------------

  private accept(socket: Socket, home: SandboxSession | 'shared'): void {
    const frames = new MessageFrames(false);
    let client: SandboxClient | undefined;
    let stage: 'startup' | 'password' | 'ready' | 'refused' = 'startup';
    let parameters: Record<string, string> = {};
    const fatal = (code: string, message: string) => {
      stage = 'refused';
      socket.end(errorResponse({ severity: 'FATAL', code, message }));
    };
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => {
      if (!client) return;
      client.closed = true;
      this.clients.delete(client.processId);
      this.homes.delete(client);
      for (const session of this.sessions) if (session.holds(client) || session.served.has(client)) session.clientGone(client);
    });
    // A client's garbage must end only that client: never the worker (an exception here), nor the shared server connection (a message the server answers with FATAL).
    const received = (chunk: Buffer) => {
      if (stage === 'refused') return;
      try {
        onData(chunk);
      } catch (error) {
        fatal('08P01', `runtag sandbox: invalid message from a client of "${this.label}" (${(error as Error).message}); its connection is closed.`);
      }
    };
    const onData = (chunk: Buffer) =>
      frames.push(chunk, (message) => {
        if (stage === 'refused') return;
        if (stage === 'ready') {
          if (!FRONTEND_TYPES.has(message.type)) {
            fatal(
              '08P01',
              `runtag sandbox: invalid frontend message type ${message.type} from connection "${client!.name}" of "${this.label}"; its connection is closed.`,
            );
            return;
          }
          this.receive(client!, message);
          return;
        }
        if (stage === 'startup') {
          if (message.raw.length < 8) throw new RuntagError('SANDBOX_CLIENT_PROTOCOL', `a startup message of ${message.raw.length} bytes`);
          const code = message.raw.readUInt32BE(4);
          if (code === StartupCode.SslRequest || code === StartupCode.GssEncRequest) return void socket.write('N');
          if (code === StartupCode.CancelRequest) {
            this.cancel(message.raw.readInt32BE(8), message.raw.readInt32BE(12));
            return void socket.end();
          }
          if (code >> 16 !== 3) {
            fatal('0A000', `runtag sandbox: unsupported frontend protocol ${code >> 16}.${code & 0xffff}: the sandbox speaks 3.0.`);
            return;
          }
          parameters = startupParameters(message);
          frames.startTyped();
          const database = parameters.database ?? parameters.user;
          if (parameters.user !== this.target.user) {
            fatal(
              '28000',
              `runtag sandbox: this endpoint of "${this.label}" serves the role "${this.target.user}" only, not "${parameters.user}": use the URL runtag gave (DATABASE_URL).`,
            );
          } else if (database !== this.target.database) {
            fatal('3D000', `runtag sandbox: this endpoint of "${this.label}" serves the database "${this.target.database}" only, not "${database}".`);
          } else {
            stage = 'password';
            socket.write(authenticationRequest(3));
          }
          return;
        }
        // The password, in clear: the endpoint listens on loopback only, as the scope's own URL's server does.
        if (message.type !== Frontend.Password) {
          fatal('08P01', 'runtag sandbox: expected a password message.');
          return;
        }
        const given = Buffer.from(cstringAt(message.raw, 5).value);
        const expected = Buffer.from(this.target.password);
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          fatal('28P01', `password authentication failed for user "${parameters.user}"`);
          return;
        }
        const processId = randomInt(1, 2 ** 31 - 1);
        const secretKey = randomInt(1, 2 ** 31 - 1);
        const id = this.nextClient++;
        client = new SandboxClient(id, socket, parameters.application_name ? `${parameters.application_name} #${id}` : `client #${id}`, processId, secretKey);
        this.homes.set(client, home);
        this.clients.set(processId, client);
        stage = 'ready';
        const greeting = [authenticationRequest(0)];
        for (const [name, value] of this.sessions[0]!.upstream.parameters) {
          greeting.push(parameterStatus(name, name === 'application_name' ? (parameters.application_name ?? '') : value));
        }
        greeting.push(backendKeyData(processId, secretKey), readyForQuery('I'));
        socket.write(Buffer.concat(greeting));
      });
    socket.on('data', received);
  }

  private receive(client: SandboxClient, message: RawMessage): void {
    if (message.type === Frontend.Terminate) return void client.socket.end();
    const unit = client.receive(message);
    if (!unit) return;
    client.units.push(unit);
    this.route(client);
  }

  /** A CancelRequest: the statement of the client it names is cancelled, wherever it is (at the server, or still waiting). */
  private cancel(processId: number, secretKey: number): void {
    const client = this.clients.get(processId);
    if (!client || client.secretKey !== secretKey) return;
    for (const session of this.sessions) {
      if (session.holds(client) && client.inFlight) return void session.cancelCurrent(client);
    }
    if (client.units.length > 0) this.sessions[0]!.cancelQueued(client);
  }
}

/** The message types a client may send after its startup: anything else the server would answer with FATAL, ending the connection every client shares. */
const FRONTEND_TYPES: ReadonlySet<number> = new Set(Object.values(Frontend).filter((type) => type !== Frontend.Password));

function startupParameters(message: RawMessage): Record<string, string> {
  const parameters: Record<string, string> = {};
  let offset = 8;
  while (offset < message.raw.length && message.raw[offset] !== 0) {
    const name = cstringAt(message.raw, offset);
    const value = cstringAt(message.raw, name.end);
    parameters[name.value] = value.value;
    offset = value.end;
  }
  return parameters;
}
