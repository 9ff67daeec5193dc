import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
/** Turns a failed connection into one paragraph: what was tried, what went wrong, what to do. */
export class DatabaseConnectionError extends RuntagError {
  constructor(code: CodeOf<'DatabaseConnectionError'>, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** The error says the connection itself is gone (terminated by the server, reset, closed), not that a statement failed. */
export function isConnectionLoss(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return /CONNECTION_(CLOSED|DESTROYED|ENDED)|ECONNRESET|terminating connection|Connection terminated/i.test(`${code} ${message ?? String(error)}`);
}

/** The URL with its password masked, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}

export function parseDatabaseUrl(url: string, source: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new DatabaseConnectionError(
      'DATABASE_URL_INVALID',
      `runtag: ${source} is not a valid connection URL (${JSON.stringify(mask(url))}). ` +
        'Expected postgres://USER:PASSWORD@HOST:PORT/DATABASE, e.g. postgres://postgres:secret@127.0.0.1:5432/app_test. ' +
        'Unset it to let runtag start its own embedded PostgreSQL.',
      { cause },
    );
  }
  if (!['postgres:', 'postgresql:'].includes(parsed.protocol)) {
    throw new DatabaseConnectionError(
      'DATABASE_URL_INVALID',
      `runtag: ${source} uses the scheme "${parsed.protocol}", but only postgres:// and postgresql:// are supported. ` +
        'Expected postgres://USER:PASSWORD@HOST:PORT/DATABASE.',
    );
  }
  if (!parsed.hostname || parsed.pathname.length <= 1) {
    throw new DatabaseConnectionError(
      'DATABASE_URL_INVALID',
      `runtag: ${source} (${redactUrl(url)}) must name a host and a database, e.g. postgres://postgres:secret@127.0.0.1:5432/app_test.`,
    );
  }
  return parsed;
}

interface PgLikeError {
  code?: string;
  message?: string;
}

export function explainConnectionError(error: unknown, url: string, source: string): DatabaseConnectionError {
  const err = (error ?? {}) as PgLikeError;
  const parsed = new URL(url);
  const where = `${parsed.hostname}:${parsed.port || '5432'}`;
  const database = decodeURIComponent(parsed.pathname.slice(1));
  const user = decodeURIComponent(parsed.username || 'postgres');
  const tried = `runtag tried to connect to ${redactUrl(url)} (from ${source})`;
  const fixes: Record<string, string> = {
    ECONNREFUSED: `nothing is listening on ${where}. Start PostgreSQL there, correct the host/port, or unset ${source} to let runtag start an embedded PostgreSQL.`,
    ENOTFOUND: `the host "${parsed.hostname}" does not resolve. Check the spelling, or unset ${source} to use the embedded PostgreSQL.`,
    EAI_AGAIN: `the host "${parsed.hostname}" could not be resolved. Check the host name and your network.`,
    ETIMEDOUT: `${where} did not answer in time. Check that the server is up and reachable from this machine.`,
    CONNECT_TIMEOUT: `${where} did not answer in time. Check that the server is up and reachable from this machine.`,
    '28P01': `the server rejected the password for user "${user}". Fix the password in ${source}.`,
    '28000': `the server does not accept user "${user}" from this machine (no such role, or pg_hba.conf refuses it). Use an existing role or allow it in pg_hba.conf.`,
    '3D000': `the database "${database}" does not exist on ${where}. Create it (CREATE DATABASE "${database}") or point ${source} at an existing one.`,
    '57P03': `the server at ${where} is starting up or shutting down. Retry when it is ready.`,
    '53300': `the server at ${where} has no free connection slots. Close other clients or raise max_connections.`,
  };
  const fix =
    (err.code && fixes[err.code]) ?? `it failed with: ${err.message ?? String(error)}. Check that ${source} points at a running PostgreSQL you can log in to.`;
  return new DatabaseConnectionError('DATABASE_UNREACHABLE', `${tried}, but ${fix}`, { cause: error });
}

function mask(url: string): string {
  return url.replace(/(:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
