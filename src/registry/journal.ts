import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RowLeak } from '../leaks/verifier.js';

/** What one scope (test file or worker) did, written when it closes and summed at the end of the run. */
export interface ScopeJournal {
  scope: string;
  /** The scope as its tags carry it (its number in the run); set once the registry has numbered it. */
  tagScope?: string;
  label: string;
  schema: string;
  /** Claimed from the run's schema pool, built by the file itself, or the shared schema. */
  schemaFrom?: 'pool' | 'built' | 'shared';
  schemaCreated: boolean;
  /** Dropped by the scope itself at its end. */
  schemaDropped: boolean;
  /** Given back to the run's schema pool at its end, which drops it off the file's path (see SchemaPool.settle). */
  schemaHandedBack?: boolean;
  rowsCreated: number;
  rowsCleaned: number;
  leaks: RowLeak[];
  /** Rows of the scope that rows of other scopes still referenced at its end: removed by the run's end, not leaks. */
  deferred: { table: string; key: Record<string, string | null> }[];
  /** Tests of the scope that took longer than the run's time budget. */
  slowTests?: { test: string; ms: number }[];
  /** Which worker process ran the scope, and when: shows what really ran in parallel. */
  pid: number;
  openedAt: number;
  closedAt: number | undefined;
}

/**
 * Only into a run dir that exists: once the run ended (or the next run reaped its dir), a process
 * left over from it (an orphaned worker) writes nothing, rather than bring back a dir without its
 * owner file that no later run could prove a leftover and remove.
 */
export function writeJournal(runDir: string, journal: ScopeJournal): void {
  if (!existsSync(runDir)) return;
  const dir = join(runDir, 'scopes');
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // the run dir went meanwhile
    if (code !== 'EEXIST') throw error;
  }
  // Written aside and renamed in: the run's schema pool reads journals while files write them, and must never see half of one.
  const file = join(dir, `${journal.scope}.json`);
  const partial = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(partial, JSON.stringify(journal), { mode: 0o600 });
    renameSync(partial, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

export function readJournals(runDir: string): ScopeJournal[] {
  const dir = join(runDir, 'scopes');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.json')).map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as ScopeJournal);
}

/** Writes the scope → file mapping as soon as a scope opens, so a crashed scope can still be named. */
export function registerScope(runDir: string, scope: string, label: string, schema: string): ScopeJournal {
  const journal: ScopeJournal = {
    scope,
    label,
    schema,
    schemaCreated: false,
    schemaDropped: false,
    rowsCreated: 0,
    rowsCleaned: 0,
    leaks: [],
    deferred: [],
    pid: process.pid,
    openedAt: Date.now(),
    closedAt: undefined,
  };
  writeJournal(runDir, journal);
  return journal;
}
