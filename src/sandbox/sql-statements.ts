/**
 * What the sandbox must recognise in a client's SQL: the statements that control a transaction
 * (which it turns into savepoints of the test's transaction) and the ones it cannot make faithful
 * (which it refuses, saying why). Everything else passes through untouched. Only the head of each
 * statement is read; a string, a quoted name, a comment or a dollar-quoted body never counts.
 */

export type Statement =
  | { kind: 'begin'; tag: 'BEGIN' | 'START TRANSACTION' }
  | { kind: 'commit' }
  | { kind: 'rollback' }
  | { kind: 'savepoint'; name: string }
  | { kind: 'release'; name: string }
  | { kind: 'rollbackTo'; name: string }
  | { kind: 'refused'; what: string; why: string }
  | { kind: 'other' };

/** The statements of a simple query's text, split at semicolons outside strings, names, comments and dollar quotes. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      // '' and "" are escaped quotes: the loop leaves the string at the closing quote either way.
      const close = sql.indexOf(c, i + 1);
      i = close === -1 ? n : close + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      i = endOfBlockComment(sql, i);
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 64));
      if (tag && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? n : close + tag[0].length;
      } else i++;
    } else if (c === ';') {
      if (sql.slice(start, i).trim()) statements.push(sql.slice(start, i));
      start = ++i;
    } else i++;
  }
  if (sql.slice(start).trim()) statements.push(sql.slice(start));
  return statements;
}

function endOfBlockComment(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}

/** The statement without the comments and white space before it. */
function headOf(statement: string): string {
  let i = 0;
  while (i < statement.length) {
    if (/\s/.test(statement[i]!)) i++;
    else if (statement.startsWith('--', i)) {
      const end = statement.indexOf('\n', i);
      i = end === -1 ? statement.length : end + 1;
    } else if (statement.startsWith('/*', i)) i = endOfBlockComment(statement, i);
    else break;
  }
  return statement.slice(i);
}

const IDENTIFIER = '("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)';
const SAVEPOINT = new RegExp(String.raw`^savepoint\s+${IDENTIFIER}\s*$`, 'i');
const RELEASE = new RegExp(String.raw`^release\s+(?:savepoint\s+)?${IDENTIFIER}\s*$`, 'i');
const ROLLBACK_TO = new RegExp(String.raw`^rollback\s+(?:work\s+|transaction\s+)?to\s+(?:savepoint\s+)?${IDENTIFIER}\s*$`, 'i');
const SESSION_ADVISORY_LOCK = /\bpg_(?:try_)?advisory_(?:lock|unlock)(?:_shared)?\s*\(|\bpg_advisory_unlock_all\s*\(/i;

/** A name as PostgreSQL reads it: a quoted one as written, a bare one in lower case. */
function identifierName(token: string): string {
  return token.startsWith('"') ? token.slice(1, -1).replaceAll('""', '"') : token.toLowerCase();
}

/** What one statement is, for the sandbox. */
export function classify(statement: string): Statement {
  const head = headOf(statement);
  const word = /^[A-Za-z_]+/.exec(head)?.[0].toLowerCase();
  switch (word) {
    case 'begin':
    case 'start':
      if (word === 'begin') return { kind: 'begin', tag: 'BEGIN' };
      if (/^start\s+transaction\b/i.test(head)) return { kind: 'begin', tag: 'START TRANSACTION' };
      break;
    case 'commit':
    case 'end':
      if (/^commit\s+prepared\b/i.test(head)) return refusedTwoPhase('COMMIT PREPARED');
      if (/\band\s+chain\b/i.test(head)) return refusedChain(head);
      return { kind: 'commit' };
    case 'abort':
      return { kind: 'rollback' };
    case 'rollback': {
      const to = ROLLBACK_TO.exec(head);
      if (to) return { kind: 'rollbackTo', name: identifierName(to[1]!) };
      if (/^rollback\s+prepared\b/i.test(head)) return refusedTwoPhase('ROLLBACK PREPARED');
      if (/\band\s+chain\b/i.test(head)) return refusedChain(head);
      return { kind: 'rollback' };
    }
    case 'savepoint': {
      const match = SAVEPOINT.exec(head);
      if (match) return { kind: 'savepoint', name: identifierName(match[1]!) };
      break;
    }
    case 'release': {
      const match = RELEASE.exec(head);
      if (match) return { kind: 'release', name: identifierName(match[1]!) };
      break;
    }
    case 'prepare':
      if (/^prepare\s+transaction\b/i.test(head)) return refusedTwoPhase('PREPARE TRANSACTION');
      break;
    case 'listen':
    case 'unlisten':
    case 'notify':
      return {
        kind: 'refused',
        what: word.toUpperCase(),
        why:
          'notifications are delivered when a transaction commits, and in the sandbox nothing commits: every connection shares the ' +
          "test's transaction, which is rolled back",
      };
    case 'copy':
      if (/\bfrom\s+stdin\b|\bto\s+stdout\b/i.test(head))
        return {
          kind: 'refused',
          what: 'COPY FROM STDIN / TO STDOUT',
          why: "a copy streams on the connection between the client and the server, which the sandbox shares between all of the test's connections",
        };
      break;
    case 'deallocate':
      return {
        kind: 'refused',
        what: 'DEALLOCATE',
        why: "prepared statements are renamed per connection in the sandbox (so two connections' names never collide); close them through the driver (the protocol's Close) instead",
      };
  }
  if (SESSION_ADVISORY_LOCK.test(head))
    return {
      kind: 'refused',
      what: 'a session-level advisory lock (pg_advisory_lock, pg_try_advisory_lock, pg_advisory_unlock, …)',
      why:
        "all of the test's connections share one server session, so the lock could never block another of them. The transaction-level " +
        'ones (pg_advisory_xact_lock, …) are allowed: they are held until the test ends',
    };
  return { kind: 'other' };
}

function refusedTwoPhase(what: string): Statement {
  return { kind: 'refused', what, why: "a prepared (two-phase) transaction would have to commit the test's transaction" };
}

function refusedChain(head: string): Statement {
  return { kind: 'refused', what: `${head.split(/\s+/, 1)[0]!.toUpperCase()} AND CHAIN`, why: 'chained transactions are not emulated with savepoints' };
}

/** A client's own savepoint as a savepoint of the test's transaction, named so no other client's can collide with it. */
export function savepointName(client: number, name: string): string {
  return `"rt_c${client}_${name.replaceAll('"', '""')}"`;
}

/** The savepoint a client's BEGIN becomes in the test's transaction. */
export function transactionSavepoint(client: number): string {
  return `rt_c${client}`;
}
