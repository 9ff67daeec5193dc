import { createHash } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import { RuntagError } from '../errors/runtag-error.js';
import { MessageFrames, type RawMessage } from './wire.js';
import { ScramClient } from './scram.js';

/** Where and as whom the sandbox's server connections log in: the scope's own URL, taken apart. */
export interface UpstreamTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Startup parameters: options (the scope's search_path), application_name. */
  parameters: Record<string, string>;
  /** sslmode require / verify-ca / verify-full: TLS to the server (verify-*: its certificate checked). */
  tls: false | { verify: boolean };
}

export function upstreamTargetOf(url: string): UpstreamTarget {
  const parsed = new URL(url);
  const parameters: Record<string, string> = {};
  for (const name of ['options', 'application_name']) {
    const value = parsed.searchParams.get(name);
    if (value) parameters[name] = value;
  }
  const sslmode = parsed.searchParams.get('sslmode') ?? (parsed.searchParams.get('ssl') === 'true' ? 'require' : 'disable');
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username),
    parameters,
    tls: ['require', 'verify-ca', 'verify-full'].includes(sslmode) ? { verify: sslmode !== 'require' } : false,
  };
}

/**
 * One server connection of the sandbox: logged in as the scope's role (password, MD5 or
 * SCRAM-SHA-256, TLS when the URL's sslmode asks), then a raw message stream the sandbox's session
 * drives. The server's ParameterStatus and BackendKeyData from the startup are kept: clients get
 * the former as their own, and a client's cancel is sent with the latter.
 */
export class Upstream {
  private readonly frames = new MessageFrames(true);
  private closed = false;
  /** Called with each message after the startup. */
  onMessage: (message: RawMessage) => void = () => {};
  /** Called once when the connection ends, with why if it was not ended by `end()`. */
  onClose: (error: Error | undefined) => void = () => {};

  private constructor(
    private readonly socket: Socket,
    private readonly target: UpstreamTarget,
    readonly parameters: ReadonlyArray<readonly [string, string]>,
    readonly processId: number,
    readonly secretKey: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.frames.push(chunk, (message) => this.onMessage(message)));
    socket.on('error', (error) => this.finish(error));
    socket.on('close', () => this.finish(new RuntagError('SANDBOX_UPSTREAM_CLOSED', 'runtag sandbox: the server closed its connection.')));
  }

  static async connect(target: UpstreamTarget): Promise<Upstream> {
    let socket = await openSocket(target.host, target.port);
    if (target.tls) socket = await upgradeToTls(socket, target);
    socket.write(serialize.startup({ user: target.user, database: target.database, ...target.parameters }));
    const { parameters, processId, secretKey } = await startup(socket, target);
    return new Upstream(socket, target, parameters, processId, secretKey);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  write(buffers: Buffer | Buffer[]): void {
    if (this.closed) return;
    this.socket.write(Array.isArray(buffers) ? (buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers)) : buffers);
  }

  /** Ask the server to cancel what this connection is running now: a CancelRequest on a connection of its own. Resolves once the server closed it. */
  async cancel(): Promise<void> {
    const socket = await openSocket(this.target.host, this.target.port).catch(() => undefined);
    if (!socket) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.once('error', () => resolve());
      socket.end(serialize.cancel(this.processId, this.secretKey));
    });
  }

  /** Terminate and close. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end(serialize.end());
    this.socket.destroySoon();
  }

  /** Close now, without a goodbye: what a crash does. */
  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private finish(error: Error | undefined): void {
    const wasOpen = !this.closed;
    this.closed = true;
    if (wasOpen) this.onClose(error);
  }
}

function openSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host, port });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

async function upgradeToTls(socket: Socket, target: UpstreamTarget): Promise<Socket> {
  socket.write(serialize.requestSsl());
  const answer = await new Promise<Buffer>((resolve, reject) => {
    socket.once('data', resolve);
    socket.once('error', reject);
  });
  if (answer[0] !== 0x53)
    throw new RuntagError(
      'SANDBOX_UPSTREAM_AUTH',
      `runtag sandbox: the server at ${target.host}:${target.port} does not accept TLS, which the URL's sslmode asks for.`,
    );
  return new Promise((resolve, reject) => {
    const tls = connectTls({ socket, servername: target.host, rejectUnauthorized: target.tls !== false && target.tls.verify }, () => resolve(tls));
    tls.once('error', reject);
  });
}

/** Authenticate and read the startup's ParameterStatus and BackendKeyData, up to ReadyForQuery. */
function startup(socket: Socket, target: UpstreamTarget): Promise<{ parameters: [string, string][]; processId: number; secretKey: number }> {
  return new Promise((resolve, reject) => {
    const parser = new Parser();
    const parameters: [string, string][] = [];
    let processId = 0;
    let secretKey = 0;
    let scram: ScramClient | undefined;
    const fail = (error: Error) => {
      socket.off('data', onData);
      socket.destroy();
      reject(error);
    };
    const onMessage = (message: BackendMessage & Record<string, unknown>) => {
      switch (message.name) {
        case 'authenticationCleartextPassword':
          socket.write(serialize.password(target.password));
          break;
        case 'authenticationMD5Password': {
          const inner = createHash('md5')
            .update(target.password + target.user)
            .digest('hex');
          const salt = message.salt as Buffer;
          socket.write(
            serialize.password(
              `md5${createHash('md5')
                .update(Buffer.concat([Buffer.from(inner), salt]))
                .digest('hex')}`,
            ),
          );
          break;
        }
        case 'authenticationSASL': {
          if (!(message.mechanisms as string[]).includes('SCRAM-SHA-256'))
            return fail(
              new RuntagError(
                'SANDBOX_UPSTREAM_AUTH',
                `runtag sandbox: the server offers ${(message.mechanisms as string[]).join(', ')}; only SCRAM-SHA-256 is supported.`,
              ),
            );
          scram = new ScramClient(target.password);
          socket.write(serialize.sendSASLInitialResponseMessage('SCRAM-SHA-256', scram.clientFirst));
          break;
        }
        case 'authenticationSASLContinue':
          socket.write(serialize.sendSCRAMClientFinalMessage(scram!.clientFinal(message.data as string)));
          break;
        case 'authenticationSASLFinal':
          try {
            scram!.verifyServerFinal(message.data as string);
          } catch (error) {
            return fail(error as Error);
          }
          break;
        case 'parameterStatus':
          parameters.push([message.parameterName as string, message.parameterValue as string]);
          break;
        case 'backendKeyData':
          processId = message.processID as number;
          secretKey = message.secretKey as number;
          break;
        case 'error':
          return fail(
            new RuntagError(
              'SANDBOX_UPSTREAM_AUTH',
              `runtag sandbox: the server refused the sandbox's connection as "${target.user}" to "${target.database}": ${(message as unknown as Error).message}.`,
              { cause: message },
            ),
          );
        case 'readyForQuery':
          socket.off('data', onData);
          socket.off('error', fail);
          resolve({ parameters, processId, secretKey });
          break;
      }
    };
    const onData = (chunk: Buffer) => parser.parse(chunk, onMessage as (message: BackendMessage) => void);
    socket.on('data', onData);
    socket.once('error', fail);
  });
}
