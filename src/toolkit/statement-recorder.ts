import type { Sql } from '../db/connect.js';

type DebugHook = (connection: number, query: string, parameters: unknown[], types: unknown[]) => void;
type ClientOptions = { debug: boolean | DebugHook };

/** What postgres.js sends by itself when a connection opens (array type lookup): not the callback's statement. */
const INTERNAL = /^\s*select b\.oid, b\.typarray\s+from pg_catalog\.pg_type a/;

/** Recordings in progress per client, and the debug setting each client had before the first began. */
const active = new WeakMap<ClientOptions, { recorders: Set<string[]>; previous: ClientOptions['debug'] }>();

/**
 * Every statement sent through `clients` while `fn` runs, in order. postgres.js calls its `debug`
 * option for each statement it sends, and reads that option from the client's `options` at each
 * send, so setting it for the length of `fn` sees all of them: Drizzle's, the factories', raw
 * `sql`, on any connection of the pool (transactions included), at no cost outside recordings.
 */
export async function recordStatements<T>(clients: readonly Sql[], fn: () => T | Promise<T>): Promise<{ value: T; statements: string[] }> {
  const statements: string[] = [];
  const options = [...new Set(clients.map((client) => client.options as unknown as ClientOptions))];
  for (const option of options) start(option, statements);
  try {
    return { value: await fn(), statements };
  } finally {
    for (const option of options) stop(option, statements);
  }
}

function start(options: ClientOptions, recorder: string[]): void {
  let state = active.get(options);
  if (!state) {
    const previous = options.debug;
    const recorders = new Set<string[]>();
    state = { recorders, previous };
    active.set(options, state);
    // Chained, so a debug hook of the client's own keeps working.
    options.debug = (connection, query, parameters, types) => {
      if (typeof previous === 'function') previous(connection, query, parameters, types);
      if (INTERNAL.test(query)) return;
      for (const statements of recorders) statements.push(query.trim());
    };
  }
  state.recorders.add(recorder);
}

function stop(options: ClientOptions, recorder: string[]): void {
  const state = active.get(options);
  if (!state) return;
  state.recorders.delete(recorder);
  if (state.recorders.size > 0) return;
  options.debug = state.previous;
  active.delete(options);
}
