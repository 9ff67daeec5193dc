import type { Socket } from 'node:net';
import type { Statement } from './sql-statements.js';
import { Frontend, type RawMessage, type TransactionStatus } from './wire.js';

/**
 * A unit of a client's work: what reaches the server whole, never interleaved with another
 * client's. One simple Query (or FunctionCall), or an extended-protocol sequence up to and with
 * its Sync; a sequence ended by Flush instead is partial: the client keeps the server connection
 * until its Sync.
 */
export interface Unit {
  readonly messages: RawMessage[];
  readonly end: 'query' | 'sync' | 'flush';
  readonly queuedAt: number;
}

/**
 * One client connection of the sandbox (a connection of the app's pool, of runtag's own `db`, of
 * an app server in another process): the units it sent and not yet ran, the transaction status it
 * believes it has, and its prepared statements, renamed so no other client's collide.
 */
export class SandboxClient {
  /** The transaction status the client sees in ReadyForQuery: its own, not the test transaction's. */
  status: TransactionStatus = 'I';
  /** Set when the client's transaction was lost without the server saying so (refused statement, test end): its next statements fail with this. */
  abortedBy: string | undefined;
  /** Whether one of its units is at the server now (or it holds the connection after a Flush). */
  inFlight = false;
  /** Its unit at the server ended with Flush: it holds the connection until its Sync, and its messages go on as they come. */
  partial = false;
  /** Units complete and waiting to run, in order. */
  readonly units: Unit[] = [];
  /** Its prepared statements by the client's name: the Parse message as sent to the server (renamed), replayed on a server connection that lacks it. */
  readonly statements = new Map<string, Buffer>();
  /** Its prepared statements that are transaction statements (a driver's cached BEGIN and COMMIT): a Bind of one runs it as a savepoint. */
  readonly transactionStatements = new Map<string, Statement>();
  /** Its last unnamed Parse, replayed if another client's unnamed statement replaced it on the server. */
  unnamedParse: Buffer | undefined;
  /** Writes other clients made inside its open transaction: undone if it rolls back (see SandboxSession.reportUndoneJoiners). */
  readonly joinedWrites: { client: string; statement: string }[] = [];
  /** The SQL of its last statement, for a message that names what it is doing. */
  lastStatement = '';
  closed = false;
  private building: RawMessage[] = [];
  private out: Buffer[] = [];
  private flushing = false;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    /** How messages name it: its application_name and the sandbox's number for it. */
    readonly name: string,
    /** Its BackendKeyData: a CancelRequest carrying them is for this client. */
    readonly processId: number,
    readonly secretKey: number,
  ) {}

  /** A message from the client; returns the unit it completes, if it does. */
  receive(message: RawMessage): Unit | undefined {
    this.building.push(message);
    const end =
      message.type === Frontend.Sync
        ? 'sync'
        : message.type === Frontend.Query || message.type === Frontend.FunctionCall
          ? 'query'
          : message.type === Frontend.Flush
            ? 'flush'
            : undefined;
    if (!end) return undefined;
    const unit: Unit = { messages: this.building, end, queuedAt: Date.now() };
    this.building = [];
    return unit;
  }

  /** Queue bytes for the client; written together once the current batch of server messages is handled. */
  send(buffer: Buffer): void {
    if (this.closed) return;
    this.out.push(buffer);
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => {
      this.flushing = false;
      const out = this.out;
      this.out = [];
      if (!this.closed && out.length > 0) this.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    });
  }

  /** A server-side name for one of the client's statement or portal names; the unnamed one stays unnamed. */
  serverName(name: string): string {
    return name === '' ? '' : `rt${this.id}_${name}`;
  }
}
