import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import { serialize } from 'pg-protocol';
import { RuntagError } from '../errors/runtag-error.js';
import type { SandboxClient, Unit } from './client.js';
import { classify, savepointName, splitStatements, type Statement, transactionSavepoint } from './sql-statements.js';
import type { Upstream } from './upstream.js';
import {
  Backend,
  commandComplete,
  cstringAt,
  emptyMessage,
  errorResponse,
  Frontend,
  noParameters,
  type NoticeFields,
  type RawMessage,
  readerOf,
  readyForQuery,
  statusOf,
  type TransactionStatus,
  withLeadingStrings,
} from './wire.js';

/** A row of runtag's own statements' results, as text. */
export type TextRow = Record<string, string | null>;

/** What the session asks of the sandbox that holds it. */
export interface SessionHost {
  readonly label: string;
  readonly lockWaitMs: number;
  /** A client's remaining units go where the sandbox routes them (a client that holds no session may move). */
  requeue(client: SandboxClient): void;
  /** An error of runtag's own statements, for the test's end to report. */
  reportInternalError(error: Error): void;
}

/** The savepoint that wraps each statement a client runs outside a transaction of its own, so its error cannot abort the test. */
const STATEMENT_SAVEPOINT = 'rt_statement';

interface ClientUnit {
  kind: 'client';
  client: SandboxClient;
  /** Wrapped in the statement savepoint: released or rolled back to when it ends. */
  wrapped: boolean;
  /** Answers to replayed Parse messages at its start, which the client did not send and must not see. */
  swallow: number;
  /** Its ReadyForQuery is not the client's: another step of its query follows. */
  more: boolean;
  /** Called with whether the unit failed, after the client's status is updated. */
  done: (failed: boolean) => void;
  /** It changed rows (noted only for a unit that runs inside another client's transaction). */
  wrote?: boolean;
}

interface InternalUnit {
  kind: 'internal';
  sql: string;
  rows: TextRow[];
  fields: string[];
  error: Error | undefined;
  resolve: (rows: TextRow[]) => void;
  reject: (error: Error) => void;
}

type Expected = ClientUnit | InternalUnit;

/** What a client's transaction statement does in the test's transaction. */
interface ControlPlan {
  sql?: string;
  tag?: string;
  status: TransactionStatus;
  notice?: NoticeFields;
  error?: NoticeFields;
}

/**
 * One server connection of the sandbox and the clients it serves, one unit at a time. Outside a
 * test it passes units through as they are (autocommit, the clients' own transactions real);
 * during a test (`beginTest` … `endTest`) it holds the test's transaction open and every client's
 * work becomes part of it: a client's transaction statements become savepoints, each statement
 * it runs outside a transaction of its own is wrapped in a savepoint (so an error loses only that
 * statement, as on a real server), and the test's end rolls all of it back.
 *
 * A client inside a transaction block holds the connection until the block ends: other clients'
 * units wait (as they would for its locks on a real server, but for everything), and fail after
 * `lockWaitMs` saying who holds it, since a transaction that waits for another connection of the
 * same test can never go on.
 */
export class SandboxSession {
  /** The running test's label; none outside a test. */
  test: string | undefined;
  /** The client whose unit is at the server, or who is inside a transaction block: only its units run. */
  private holder: SandboxClient | undefined;
  private current: SandboxClient | undefined;
  private readonly waiting: SandboxClient[] = [];
  private readonly expected: Expected[] = [];
  /** Statement names (server-side) prepared on this connection. */
  private readonly prepared = new Set<string>();
  /** Whose unnamed statement the server holds now. */
  private unnamedOwner: number | undefined;
  private pendingCancels = 0;
  /** A test begins or ends: no unit starts meanwhile. */
  private transitioning = false;
  private idleWaiters: (() => void)[] = [];
  private lockTimer: NodeJS.Timeout | undefined;
  private readonly parser = new Parser();
  /** The last statement's savepoint is still open (released when the next one is made). */
  private statementSavepointOpen = false;
  /** Clients with a savepoint of their own open in the test's transaction. */
  private readonly inTransaction = new Set<SandboxClient>();
  /** Why the server connection ended, when the server ended it: what later statements here are told. */
  private endedBy: string | undefined;
  /** Clients that ran a unit here: their statements are closed here when they go. */
  readonly served = new Set<SandboxClient>();

  constructor(
    readonly index: number,
    readonly upstream: Upstream,
    private readonly host: SessionHost,
  ) {
    upstream.onMessage = (message) => this.fromServer(message);
  }

  /** Whether a client's units must run here: it is at the server or inside a transaction block here. */
  holds(client: SandboxClient): boolean {
    return this.holder === client;
  }

  /** A client has units to run here. */
  enqueue(client: SandboxClient): void {
    if (this.current === client && client.partial) {
      this.continuePartial(client);
      return;
    }
    if (!this.waiting.includes(client) && this.holder !== client) this.waiting.push(client);
    this.dispatch();
  }

  /** Start the test's transaction once no client is at the server or in a transaction; `before` runs first in it. */
  async beginTest(label: string, before: string | undefined): Promise<{ rows: Promise<TextRow[]> }> {
    await this.quiesce(`the test "${label}" began`, false);
    this.test = label;
    this.statementSavepointOpen = false;
    // Not awaited: the test's first statement goes out right behind it (a promise inside an object, so awaiting the call does not wait for it).
    const rows = this.internal(before ? `begin;\n${before}` : 'begin');
    rows.catch(() => {});
    this.transitioning = false;
    this.dispatch();
    return { rows };
  }

  /** Roll the test's transaction back once the unit at the server is done; `after` runs after the rollback. */
  async endTest(after: string | undefined): Promise<TextRow[]> {
    const label = this.test ?? 'the test';
    await this.quiesce(`the test "${label}" ended`, true);
    for (const client of this.inTransaction) this.lose(client, `the test "${label}" ended while this connection was inside a transaction`);
    this.inTransaction.clear();
    this.test = undefined;
    this.statementSavepointOpen = false;
    const rows = this.internal(after ? `rollback;\n${after}` : 'rollback');
    this.transitioning = false;
    this.dispatch();
    return rows;
  }

  /** A client closed its connection: what it left open here is undone, its statements closed. */
  clientGone(client: SandboxClient): void {
    const at = this.waiting.indexOf(client);
    if (at >= 0) this.waiting.splice(at, 1);
    client.units.length = 0;
    if (this.current === client) {
      // Its statement may run for long (pg_sleep, a lock wait): nobody waits for its answer.
      void this.cancelCurrent(client);
      return;
    }
    this.releaseGone(client);
  }

  /** Cancel what `client` runs here now (a CancelRequest for it). */
  async cancelCurrent(client: SandboxClient): Promise<void> {
    if (this.current !== client) return;
    this.pendingCancels++;
    try {
      await this.upstream.cancel();
      // The server answers the cancel after it signalled the backend: until the client's unit ends, nothing else starts, so the signal cannot reach another client's statement.
    } finally {
      this.pendingCancels--;
      this.dispatch();
    }
  }

  /** A queued (not yet started) unit of `client` is cancelled: answered as a cancelled statement. */
  cancelQueued(client: SandboxClient): boolean {
    const unit = client.units.shift();
    if (!unit) return false;
    this.answerLocally(client, unit, { error: { severity: 'ERROR', code: '57014', message: 'canceling statement due to user request' } });
    return true;
  }

  /** Close: nothing more runs here. */
  close(): void {
    clearTimeout(this.lockTimer);
    for (const waiter of this.idleWaiters) waiter();
    this.idleWaiters = [];
    this.upstream.end();
  }

  // ---- running units ------------------------------------------------------------------------

  private dispatch(): void {
    if (!this.current && this.pendingCancels === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const waiter of waiters) waiter();
    }
    if (!this.upstream.isOpen) {
      this.failWaiting();
      return;
    }
    if (this.current || this.pendingCancels > 0 || this.transitioning) return;
    let client: SandboxClient | undefined;
    if (this.holder) {
      if (this.holder.units.length > 0) client = this.holder;
      else {
        // The holder is inside its own transaction and waits on something: perhaps on one of these (a factory or a
        // service on another connection, called from inside db.transaction). Their plain statements run inside its transaction.
        client = this.test && this.holder.status === 'T' ? this.takeJoiner() : undefined;
        if (!client) {
          this.armLockTimer();
          return;
        }
        const unit = client.units.shift()!;
        this.current = client;
        client.inFlight = true;
        this.served.add(client);
        this.start(client, unit);
        return;
      }
    } else {
      while (this.waiting.length > 0 && !client) {
        const next = this.waiting.shift()!;
        if (!next.closed && next.units.length > 0) client = next;
      }
    }
    if (!client) return;
    const at = this.waiting.indexOf(client);
    if (at >= 0) this.waiting.splice(at, 1);
    const unit = client.units.shift()!;
    this.holder = client;
    this.current = client;
    client.inFlight = true;
    this.served.add(client);
    this.start(client, unit);
  }

  /**
   * A waiting client whose next unit is a plain statement (no transaction statement of its own),
   * outside a transaction of its own: it can run inside the holder's transaction, as Rails' shared
   * test connection runs every thread's statements. A client about to begin a transaction of its
   * own still waits: two clients' transactions cannot interleave as savepoints.
   */
  private takeJoiner(): SandboxClient | undefined {
    for (const client of this.waiting) {
      const unit = client.units[0];
      if (client.closed || client.status !== 'I' || client.abortedBy || !unit || !this.isPlain(client, unit)) continue;
      this.waiting.splice(this.waiting.indexOf(client), 1);
      return client;
    }
    return undefined;
  }

  private isPlain(client: SandboxClient, unit: Unit): boolean {
    const first = unit.messages[0]!;
    if (first.type === Frontend.Query) return splitStatements(cstringAt(first.raw, 5).value).every((statement) => !isControl(classify(statement)));
    const control = this.extendedControl(client, unit);
    return !control || !isControl(control);
  }

  private start(client: SandboxClient, unit: Unit): void {
    const first = unit.messages[0]!;
    if (first.type === Frontend.Query) {
      const text = cstringAt(first.raw, 5).value;
      client.lastStatement = text;
      const statements = splitStatements(text);
      const kinds = statements.map(classify);
      const refused = kinds.find((kind) => kind.kind === 'refused');
      if (refused) {
        this.refuse(client, unit, refused);
        return;
      }
      if (client.abortedBy) {
        if (statements.length === 1 && isTransactionEnd(kinds[0]!)) this.endLostTransaction(client, unit, kinds[0]!);
        else this.answerLocally(client, unit, { error: abortedError(client) });
        return;
      }
      if (this.test && kinds.some(isControl)) {
        if (statements.length === 1) {
          this.control(client, unit, kinds[0]!);
          return;
        }
        this.steps(client, unit, statements, kinds);
        return;
      }
      this.passThrough(client, unit, false);
      return;
    }
    const control = this.extendedControl(client, unit);
    if (control?.kind === 'refused') {
      this.refuse(client, unit, control);
      return;
    }
    if (client.abortedBy) {
      if (control && isTransactionEnd(control)) this.endLostTransaction(client, unit, control);
      else this.answerLocally(client, unit, { error: abortedError(client) });
      return;
    }
    if (control && this.test) {
      this.control(client, unit, control);
      return;
    }
    this.passThrough(client, unit, false);
  }

  /**
   * A client whose transaction was lost without the server saying so (a refused statement in it,
   * or a test that began or ended while it was open) ends it: in a test, as any transaction
   * statement; outside one, with a real ROLLBACK of whatever is still open, since its COMMIT must
   * not commit a transaction that failed.
   */
  private endLostTransaction(client: SandboxClient, unit: Unit, statement: Statement): void {
    if (this.test) {
      this.control(client, unit, statement);
      return;
    }
    const finish = () => {
      client.abortedBy = undefined;
      client.status = 'I';
      this.answerControl(client, unit, { tag: 'ROLLBACK', status: 'I' }, undefined, false);
      this.unitDone(client);
    };
    // Nothing may be open any more (a test's end rolled it back): the server's warning for that is nobody's concern.
    this.internal('rollback', false).then(finish, finish);
  }

  /**
   * The transaction statement (or refused one) an extended-protocol unit runs, if it runs one: by
   * the text it parses, or by the name of a statement the client prepared earlier (postgres.js and
   * node-postgres cache BEGIN and COMMIT as named statements and then send only Bind and Execute).
   */
  private extendedControl(client: SandboxClient, unit: Unit): Statement | undefined {
    let found: Statement | undefined;
    const statements = new Set<string>();
    for (const message of unit.messages) {
      if (message.type === Frontend.Parse) {
        const reader = readerOf(message);
        const name = reader.cstring();
        statements.add(name);
        const text = reader.cstring();
        client.lastStatement = text;
        const kind = classify(text);
        if (kind.kind === 'other') {
          client.transactionStatements.delete(name);
          continue;
        }
        if (name !== '' && kind.kind !== 'refused') {
          client.transactionStatements.set(name, kind);
          // Kept for the server too: outside a test the statement runs there as it is, prepared or replayed like any other.
          client.statements.set(name, Buffer.from(withLeadingStrings(message, 0, ([n]) => [client.serverName(n!)], 1)));
        }
        found ??= kind;
      } else if (message.type === Frontend.Bind) {
        const portal = cstringAt(message.raw, 5);
        const statement = cstringAt(message.raw, portal.end).value;
        const cached = client.transactionStatements.get(statement);
        statements.add(statement);
        if (cached) found ??= cached;
      }
    }
    if (found && found.kind !== 'other' && statements.size > 1)
      return {
        kind: 'refused',
        what: `"${client.lastStatement.trim().slice(0, 60)}" pipelined with other statements in one extended-protocol sequence`,
        why: 'a transaction statement is turned into a savepoint on its own; send it in a sequence (up to Sync) of its own',
      };
    return found;
  }

  /** Send a unit to the server as it is, names renamed and missing prepared statements replayed first. */
  private passThrough(client: SandboxClient, unit: Unit, more: boolean, done?: (failed: boolean) => void): void {
    const wrapped = this.test !== undefined && client.status === 'I';
    const prefix: Buffer[] = [];
    if (wrapped) {
      // The previous statement's savepoint is released here, in the same message as this one's is made: one message less per statement.
      const sql = this.statementSavepointOpen
        ? `release savepoint ${STATEMENT_SAVEPOINT}; savepoint ${STATEMENT_SAVEPOINT}`
        : `savepoint ${STATEMENT_SAVEPOINT}`;
      this.statementSavepointOpen = true;
      this.expectInternal(sql, prefix).catch((e: Error) => this.host.reportInternalError(e));
    }
    const { replays, body } = this.forServer(client, unit.messages);
    client.partial = unit.end === 'flush';
    this.expected.push({ kind: 'client', client, wrapped, swallow: replays.length, more, done: done ?? (() => this.unitDone(client)) });
    this.upstream.write([...prefix, ...replays, ...body]);
  }

  /** More of a unit the client ended with Flush: it still holds the connection, and its messages go on as they come. */
  private continuePartial(client: SandboxClient): void {
    while (client.partial && client.units.length > 0) {
      const unit = client.units.shift()!;
      client.partial = unit.end === 'flush';
      const { replays, body } = this.forServer(client, unit.messages);
      const head = this.expected.find((e): e is ClientUnit => e.kind === 'client' && e.client === client);
      if (head) head.swallow += replays.length;
      this.upstream.write([...replays, ...body]);
    }
  }

  /**
   * A client's messages as the server must get them: statement and portal names made the client's
   * own, and first the Parse of any statement it uses that this server connection lacks (it was
   * prepared on another, or another client's unnamed statement replaced it): PgBouncer's way of
   * keeping prepared statements working when clients share server connections.
   */
  private forServer(client: SandboxClient, messages: RawMessage[]): { replays: Buffer[]; body: Buffer[] } {
    const replays: Buffer[] = [];
    const body: Buffer[] = [];
    const parsedHere = new Set<string>();
    let unnamedParsedHere = false;
    const ensurePrepared = (name: string) => {
      if (name === '') {
        if (!unnamedParsedHere && this.unnamedOwner !== client.id && client.unnamedParse) {
          replays.push(client.unnamedParse);
          this.unnamedOwner = client.id;
        }
        return;
      }
      const serverName = client.serverName(name);
      const parse = client.statements.get(name);
      if (!parsedHere.has(name) && !this.prepared.has(serverName) && parse) {
        replays.push(parse);
        this.prepared.add(serverName);
      }
    };
    for (const message of messages) {
      switch (message.type) {
        case Frontend.Parse: {
          const name = cstringAt(message.raw, 5).value;
          const renamed = name === '' ? message.raw : withLeadingStrings(message, 0, ([n]) => [client.serverName(n!)], 1);
          if (name === '') {
            unnamedParsedHere = true;
            client.unnamedParse = Buffer.from(renamed);
            this.unnamedOwner = client.id;
          } else {
            parsedHere.add(name);
            client.statements.set(name, Buffer.from(renamed));
            this.prepared.add(client.serverName(name));
          }
          body.push(renamed);
          break;
        }
        case Frontend.Bind: {
          const portal = cstringAt(message.raw, 5);
          const statement = cstringAt(message.raw, portal.end).value;
          ensurePrepared(statement);
          body.push(
            portal.value === '' && statement === ''
              ? message.raw
              : withLeadingStrings(message, 0, ([p, s]) => [client.serverName(p!), client.serverName(s!)], 2),
          );
          break;
        }
        case Frontend.Describe:
        case Frontend.Close: {
          const type = message.raw[5];
          const name = cstringAt(message.raw, 6).value;
          if (type === 0x53 /* S */ && message.type === Frontend.Describe) ensurePrepared(name);
          if (type === 0x53 && message.type === Frontend.Close && name !== '') {
            this.prepared.delete(client.serverName(name));
            client.statements.delete(name);
          }
          body.push(name === '' ? message.raw : withLeadingStrings(message, 1, ([n]) => [client.serverName(n!)], 1));
          break;
        }
        case Frontend.Execute: {
          const portal = cstringAt(message.raw, 5).value;
          body.push(portal === '' ? message.raw : withLeadingStrings(message, 0, ([p]) => [client.serverName(p!)], 1));
          break;
        }
        default:
          body.push(message.raw);
      }
    }
    return { replays, body };
  }

  /** A client's transaction statement, as the savepoint (or nothing) it becomes in the test's transaction. */
  private control(client: SandboxClient, unit: Unit, statement: Statement, more = false, done?: (failed: boolean) => void): void {
    const plan = this.planControl(client, statement);
    const finish = (error: NoticeFields | undefined, status: TransactionStatus) => {
      client.status = status;
      this.answerControl(client, unit, plan, error, more);
      (done ?? (() => this.unitDone(client)))(error !== undefined);
    };
    if (plan.error || !plan.sql) {
      finish(plan.error, plan.status);
      return;
    }
    // A statement savepoint left open below a client's savepoint would take the client's with it when it is released.
    const sql = this.statementSavepointOpen ? `release savepoint ${STATEMENT_SAVEPOINT}; ${plan.sql}` : plan.sql;
    this.statementSavepointOpen = false;
    this.internal(sql, false).then(
      () => {
        if (plan.status === 'I') this.inTransaction.delete(client);
        else this.inTransaction.add(client);
        if (statement.kind === 'begin') client.joinedWrites.length = 0;
        else if (plan.tag === 'ROLLBACK' && client.joinedWrites.length > 0) this.reportUndoneJoiners(client);
        else if (plan.status === 'I') client.joinedWrites.length = 0;
        finish(undefined, plan.status);
      },
      (error: Error & { code?: string }) => {
        // The server's own error (a savepoint that does not exist…), with runtag's names taken out of it; the client's transaction is now failed, as it would be.
        const message = error.message.replaceAll(/rt_c\d+_/g, '').replaceAll(/"?rt_c\d+"?/g, 'the transaction');
        finish({ severity: 'ERROR', code: error.code ?? 'XX000', message }, 'E');
      },
    );
  }

  private planControl(client: SandboxClient, statement: Statement): ControlPlan {
    const own = transactionSavepoint(client.id);
    const lost = client.abortedBy !== undefined;
    const inTransactionHere = this.inTransaction.has(client);
    switch (statement.kind) {
      case 'begin':
        if (client.status !== 'I') return { tag: statement.tag, status: client.status, notice: warning('25001', 'there is already a transaction in progress') };
        return { sql: `savepoint ${own}`, tag: statement.tag, status: 'T' };
      case 'commit':
      case 'rollback': {
        const tag = statement.kind === 'commit' && client.status === 'T' ? 'COMMIT' : 'ROLLBACK';
        client.abortedBy = undefined;
        if (client.status === 'I') return { tag: statement.kind.toUpperCase(), status: 'I', notice: warning('25P01', 'there is no transaction in progress') };
        if (!inTransactionHere) return { tag: lost ? 'ROLLBACK' : tag, status: 'I' };
        if (statement.kind === 'commit' && client.status === 'T') return { sql: `release savepoint ${own}`, tag, status: 'I' };
        return { sql: `rollback to savepoint ${own}; release savepoint ${own}`, tag: 'ROLLBACK', status: 'I' };
      }
      case 'savepoint':
      case 'release':
      case 'rollbackTo': {
        const verb = { savepoint: 'SAVEPOINT', release: 'RELEASE SAVEPOINT', rollbackTo: 'ROLLBACK TO SAVEPOINT' }[statement.kind];
        if (client.status === 'I')
          return { status: 'I', error: { severity: 'ERROR', code: '25P01', message: `${verb} can only be used in transaction blocks` } };
        if (client.status === 'E' && statement.kind !== 'rollbackTo') return { status: 'E', error: abortedError(client) };
        if (lost) return { status: 'E', error: abortedError(client) };
        const name = savepointName(client.id, statement.name);
        if (statement.kind === 'savepoint') return { sql: `savepoint ${name}`, tag: 'SAVEPOINT', status: 'T' };
        if (statement.kind === 'release') return { sql: `release savepoint ${name}`, tag: 'RELEASE', status: 'T' };
        return { sql: `rollback to savepoint ${name}`, tag: 'ROLLBACK', status: 'T' };
      }
      default:
        return { status: client.status };
    }
  }

  /** The answers a client expects to its transaction statement's unit, in either protocol. */
  private answerControl(client: SandboxClient, unit: Unit, plan: ControlPlan, error: NoticeFields | undefined, more: boolean): void {
    if (plan.notice) client.send(errorResponse(plan.notice));
    if (error) client.send(errorResponse(error));
    else if (unit.messages[0]!.type === Frontend.Query) client.send(commandComplete(plan.tag ?? ''));
    else {
      for (const message of unit.messages) {
        if (message.type === Frontend.Parse) client.send(emptyMessage(Backend.ParseComplete));
        else if (message.type === Frontend.Bind) client.send(emptyMessage(Backend.BindComplete));
        else if (message.type === Frontend.Describe) {
          if (message.raw[5] === 0x53) client.send(noParameters());
          client.send(emptyMessage(Backend.NoData));
        } else if (message.type === Frontend.Execute) client.send(commandComplete(plan.tag ?? ''));
        else if (message.type === Frontend.Close) client.send(emptyMessage(Backend.CloseComplete));
      }
    }
    if (!more && unit.end !== 'flush') client.send(readyForQuery(client.status));
  }

  /**
   * A client rolled back a transaction inside which other connections' statements wrote: on a
   * real server those writes would have stayed. The test cannot be trusted: it fails, saying so.
   */
  private reportUndoneJoiners(client: SandboxClient): void {
    const writes = client.joinedWrites.splice(0);
    const listed = writes
      .slice(0, 3)
      .map((w) => `"${w.client}": ${w.statement.trim().slice(0, 120)}`)
      .join('; ');
    this.host.reportInternalError(
      new RuntagError(
        'SANDBOX_ROLLBACK_UNDID_OTHERS',
        `runtag sandbox: connection "${client.name}" rolled back its transaction in "${this.test ?? this.host.label}", and with it ${writes.length} write(s) ` +
          `other connections made while it was open (${listed}${writes.length > 3 ? '; …' : ''}). In the sandbox a statement another connection runs ` +
          "while one is inside its transaction runs inside that transaction (as with Rails' shared test connection); on a real server those writes " +
          'would have stayed. Let the transaction finish before the other connection writes, pass the transaction (tx) to the code that writes, or ' +
          'use isolation "schema" for this test.',
      ),
    );
  }

  /** A simple query of several statements, some of them transaction statements: run one by one, answered as one, stopping at the first error as the server would. */
  private steps(client: SandboxClient, unit: Unit, statements: string[], kinds: Statement[]): void {
    let index = 0;
    const next = (failed: boolean) => {
      if (failed || index >= statements.length) {
        client.send(readyForQuery(client.status));
        this.unitDone(client);
        return;
      }
      const i = index++;
      const step: Unit = { messages: [{ type: Frontend.Query, raw: serialize.query(statements[i]!) }], end: 'query', queuedAt: unit.queuedAt };
      if (kinds[i]!.kind === 'other') this.passThrough(client, step, true, next);
      else this.control(client, step, kinds[i]!, true, next);
    };
    next(false);
  }

  private refuse(client: SandboxClient, unit: Unit, refused: Extract<Statement, { kind: 'refused' }>): void {
    const error: NoticeFields = {
      severity: 'ERROR',
      code: '0A000',
      message: `runtag sandbox: ${refused.what} cannot run in the sandbox of "${this.host.label}": ${refused.why}.`,
      hint: 'Use isolation "schema" for the tests that need it (their connections are the server\'s own), or leave the statement out of these tests.',
    };
    if (client.status === 'T') client.abortedBy = error.message;
    this.answerLocally(client, unit, { error, status: client.status === 'I' ? 'I' : 'E' });
  }

  /** Answer a unit without the server: an error (or nothing), then ReadyForQuery. */
  private answerLocally(client: SandboxClient, unit: Unit, answer: { error?: NoticeFields; status?: TransactionStatus }): void {
    if (answer.error) client.send(errorResponse(answer.error));
    if (answer.status) client.status = answer.status;
    if (unit.end !== 'flush') client.send(readyForQuery(client.status));
    if (this.current === client) this.unitDone(client);
  }

  /** A client's unit is answered: it goes on holding the connection while inside a transaction block. */
  private unitDone(client: SandboxClient): void {
    if (this.current === client) this.current = undefined;
    client.inFlight = false;
    if (client.closed) this.releaseGone(client);
    else if (client.status === 'I' && this.holder === client) this.holder = undefined;
    if (client.units.length > 0 && !client.closed) {
      if (this.holder === client) this.dispatch();
      else this.host.requeue(client);
    }
    this.dispatch();
  }

  /** What a gone client leaves here: its transaction undone, its statements closed, the connection free. */
  private releaseGone(client: SandboxClient): void {
    if (this.test && this.inTransaction.has(client)) {
      const own = transactionSavepoint(client.id);
      this.internal(`rollback to savepoint ${own}; release savepoint ${own}`).catch((e: Error) => this.host.reportInternalError(e));
    } else if (!this.test && client.status !== 'I') {
      this.internal('rollback').catch((e: Error) => this.host.reportInternalError(e));
    }
    this.inTransaction.delete(client);
    const closes: Buffer[] = [];
    for (const name of client.statements.keys()) {
      const serverName = client.serverName(name);
      if (this.prepared.delete(serverName)) closes.push(serialize.close({ type: 'S', name: serverName }));
    }
    if (closes.length > 0) this.internalRaw(closes);
    if (this.holder === client) this.holder = undefined;
    if (this.current === client) this.current = undefined;
    this.served.delete(client);
    this.dispatch();
  }

  /** A client's transaction ends without it asking (the test ended or began): it learns at its next statement. */
  private lose(client: SandboxClient, why: string): void {
    client.abortedBy = `runtag sandbox: ${why}; its work was rolled back with the test. ROLLBACK to go on.`;
    client.status = 'E';
    if (this.holder === client) this.holder = undefined;
  }

  /**
   * Wait until no unit is at the server; then, unless `inTestOnly`, until no client is inside a
   * transaction block either: one still open after `lockWaitMs` (a real transaction outside a test)
   * is rolled back and its client told at its next statement.
   */
  private async quiesce(why: string, inTestOnly: boolean): Promise<void> {
    this.transitioning = true;
    clearTimeout(this.lockTimer);
    const deadline = Date.now() + this.host.lockWaitMs;
    while (this.current || this.pendingCancels > 0) {
      const current = this.current;
      const waited = await this.waitForIdle(deadline - Date.now());
      // A statement still running at the deadline (an app's request after the test ended): cancelled.
      if (!waited && current && this.current === current) await this.cancelCurrent(current);
      if (Date.now() > deadline + 30_000) break;
    }
    while (!inTestOnly && this.holder && this.holder.status !== 'I' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    if (!inTestOnly && this.holder && this.holder.status !== 'I') {
      const holder = this.holder;
      if (!this.test) this.internal('rollback').catch((e: Error) => this.host.reportInternalError(e));
      this.lose(holder, `${why} while this connection was inside a transaction of its own`);
    }
    this.holder = undefined;
  }

  private waitForIdle(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), Math.max(ms, 0));
      const waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
      if (!this.current && this.pendingCancels === 0) {
        waiter();
        return;
      }
      this.idleWaiters.push(waiter);
    });
  }

  private armLockTimer(): void {
    if (this.lockTimer || this.waiting.length === 0 || !this.holder) return;
    const oldest = Math.min(...this.waiting.map((client) => client.units[0]?.queuedAt ?? Date.now()));
    this.lockTimer = setTimeout(
      () => {
        this.lockTimer = undefined;
        this.expireWaits();
      },
      Math.max(oldest + this.host.lockWaitMs - Date.now(), 1),
    );
  }

  private expireWaits(): void {
    const holder = this.holder;
    if (!holder || holder.inFlight) {
      this.dispatch();
      return;
    }
    const now = Date.now();
    for (const client of [...this.waiting]) {
      const unit = client.units[0];
      if (!unit || now - unit.queuedAt < this.host.lockWaitMs) continue;
      client.units.shift();
      this.answerLocally(client, unit, {
        error: {
          severity: 'ERROR',
          code: '55P03',
          message:
            `runtag sandbox: connection "${client.name}" waited ${now - unit.queuedAt} ms for connection "${holder.name}" of the same test, ` +
            `which is inside a transaction (its last statement: ${holder.lastStatement.trim().slice(0, 200)}).`,
          detail:
            "In the sandbox all of a test's connections share one server connection, so while one is inside a transaction the others wait for it; a transaction that waits for another connection of the same test never ends.",
          hint: 'Finish the transaction before starting work on another connection (an SSR request that calls the app\'s API from inside a transaction, a job that waits for another job), or use isolation "schema" for this test.',
        },
      });
      if (client.units.length === 0) this.waiting.splice(this.waiting.indexOf(client), 1);
    }
    this.dispatch();
  }

  // ---- the server's answers -------------------------------------------------------------------

  private fromServer(message: RawMessage): void {
    const head = this.expected[0];
    if (!head) return; // An asynchronous message (a NOTICE of an earlier statement, a ParameterStatus): nobody asked.
    if (head.kind === 'internal') {
      this.internalMessage(head, message);
      return;
    }
    if (message.type === Backend.ReadyForQuery) {
      this.expected.shift();
      this.clientUnitEnded(head, statusOf(message));
      return;
    }
    if (message.type === Backend.CommandComplete && this.holder !== head.client && !head.wrote) head.wrote = wroteRows(message);
    if (head.swallow > 0) {
      if (message.type === Backend.ParseComplete) {
        head.swallow--;
        return;
      }
      head.swallow = 0;
    }
    head.client.send(message.raw);
  }

  private clientUnitEnded(unit: ClientUnit, serverStatus: TransactionStatus): void {
    const client = unit.client;
    if (this.test) {
      const joined = this.holder !== undefined && this.holder !== client;
      if (unit.wrapped && joined) {
        // Inside another client's transaction: released at once, so that client's savepoints above it stay its own.
        this.internal(
          serverStatus === 'E'
            ? `rollback to savepoint ${STATEMENT_SAVEPOINT}; release savepoint ${STATEMENT_SAVEPOINT}`
            : `release savepoint ${STATEMENT_SAVEPOINT}`,
        ).catch((e: Error) => this.host.reportInternalError(e));
        this.statementSavepointOpen = false;
        if (unit.wrote && serverStatus !== 'E') this.holder!.joinedWrites.push({ client: client.name, statement: client.lastStatement });
        client.status = 'I';
      } else if (unit.wrapped) {
        // A success leaves its savepoint open until the next statement's (or the test's end): see passThrough.
        if (serverStatus === 'E') {
          this.statementSavepointOpen = false;
          this.internal(`rollback to savepoint ${STATEMENT_SAVEPOINT}; release savepoint ${STATEMENT_SAVEPOINT}`).catch((e: Error) =>
            this.host.reportInternalError(e),
          );
        }
        client.status = 'I';
      } else if (serverStatus === 'E') client.status = 'E';
    } else {
      client.status = serverStatus;
    }
    if (!unit.more) client.send(readyForQuery(client.status));
    client.partial = false;
    unit.done(serverStatus === 'E' && (unit.wrapped || client.status === 'E' || !this.test));
  }

  private internalMessage(unit: InternalUnit, message: RawMessage): void {
    switch (message.type) {
      case Backend.RowDescription:
        this.parser.parse(message.raw, (decoded: BackendMessage) => {
          unit.fields = (decoded as unknown as { fields: { name: string }[] }).fields.map((field) => field.name);
          unit.rows = [];
        });
        break;
      case Backend.DataRow:
        this.parser.parse(message.raw, (decoded: BackendMessage) => {
          const values = (decoded as unknown as { fields: (string | null)[] }).fields;
          unit.rows.push(Object.fromEntries(unit.fields.map((name, i) => [name, values[i] ?? null])));
        });
        break;
      case Backend.ErrorResponse:
        this.parser.parse(message.raw, (decoded: BackendMessage) => {
          unit.error ??= decoded as unknown as Error;
        });
        break;
      case Backend.ReadyForQuery:
        this.expected.shift();
        if (unit.error) unit.reject(unit.error);
        else unit.resolve(unit.rows);
        break;
    }
  }

  /** One of runtag's own statements on this connection, in order with the clients' units; resolves with the rows of its last statement that returns any. */
  internal(sql: string, explained = true): Promise<TextRow[]> {
    const buffers: Buffer[] = [];
    const rows = this.expectInternal(sql, buffers, explained);
    this.upstream.write(buffers);
    return rows;
  }

  /** `explained`: a failure becomes runtag's own error, naming the statement; else the server's error as it came (for a client's transaction statement). */
  private expectInternal(sql: string, into: Buffer[], explained = true): Promise<TextRow[]> {
    into.push(serialize.query(sql));
    const rows = new Promise<TextRow[]>((resolve, reject) => {
      // A dead connection never answers: a unit queued on it would wait forever (the test's end would hang).
      if (!this.upstream.isOpen) return reject(new RuntagError('SANDBOX_UPSTREAM_CLOSED', `the server connection of "${this.host.label}" is closed`));
      const unit: InternalUnit = { kind: 'internal', sql, rows: [], fields: [], error: undefined, resolve, reject };
      this.expected.push(unit);
    });
    if (!explained) return rows;
    return rows.catch((error: Error) => {
      throw new RuntagError(
        'SANDBOX_INTERNAL',
        `runtag sandbox: runtag's own statement failed on the server connection of "${this.host.label}": ${error.message} (${sql.slice(0, 200)})`,
        {
          cause: error,
        },
      ) as Error;
    });
  }

  /** Protocol messages of runtag's own (Close of a gone client's statements), with a Sync so their answers end. */
  private internalRaw(messages: Buffer[]): void {
    if (!this.upstream.isOpen) return;
    const unit: InternalUnit = {
      kind: 'internal',
      sql: 'close',
      rows: [],
      fields: [],
      error: undefined,
      resolve: () => {},
      reject: (e) => this.host.reportInternalError(e),
    };
    this.expected.push(unit);
    this.upstream.write([...messages, serialize.sync()]);
  }

  /** The server connection ended: every client waiting for an answer here gets an error. */
  failAll(error: Error): void {
    this.endedBy = error.message;
    // Their transactions went with the connection: a client inside one learns it at its next statement, as after a test's end.
    for (const client of this.served) {
      if (client.status !== 'I' && !client.closed)
        this.lose(client, `the server connection of "${this.host.label}" ended while this connection was inside a transaction`);
    }
    this.inTransaction.clear();
    for (const unit of this.expected.splice(0)) {
      if (unit.kind === 'internal') unit.reject(error);
      else if (!unit.client.closed) {
        unit.client.send(
          errorResponse({ severity: 'ERROR', code: '08006', message: `runtag sandbox: the server connection of "${this.host.label}" ended: ${error.message}` }),
        );
        unit.client.send(readyForQuery(unit.client.status));
        unit.client.inFlight = false;
      }
    }
    this.current = undefined;
    this.holder = undefined;
    this.failWaiting();
  }

  private failWaiting(): void {
    for (const client of this.waiting.splice(0))
      for (const unit of client.units.splice(0)) this.answerLocally(client, unit, { error: closedError(this.host.label, this.endedBy) });
    if (this.holder && !this.current)
      for (const unit of this.holder.units.splice(0)) this.answerLocally(this.holder, unit, { error: closedError(this.host.label, this.endedBy) });
  }
}

/** Whether a CommandComplete's tag says rows were written (INSERT 0 3, UPDATE 2, DELETE 1, MERGE 1). */
function wroteRows(message: RawMessage): boolean {
  return /^(?:INSERT \d+ [1-9]|UPDATE [1-9]|DELETE [1-9]|MERGE [1-9])/.test(cstringAt(message.raw, 5).value);
}

function isControl(statement: Statement): boolean {
  return statement.kind !== 'other' && statement.kind !== 'refused';
}

function isTransactionEnd(statement: Statement): boolean {
  return statement.kind === 'commit' || statement.kind === 'rollback' || statement.kind === 'rollbackTo';
}

function warning(code: string, message: string): NoticeFields {
  return { severity: 'WARNING', code, message };
}

function abortedError(client: SandboxClient): NoticeFields {
  return {
    severity: 'ERROR',
    code: '25P02',
    message: client.abortedBy ?? 'current transaction is aborted, commands ignored until end of transaction block',
  };
}

function closedError(label: string, endedBy: string | undefined): NoticeFields {
  const message = endedBy
    ? `runtag sandbox: the server connection of "${label}" ended (${endedBy}), and the running test's transaction with it; this statement did not run.`
    : `runtag sandbox: the server connection of "${label}" is closed.`;
  return { severity: 'ERROR', code: '08006', message };
}
