import { FactorySession } from '../factory/session.js';
import type { AnyPgDatabase } from '../factory/db-binding.js';

/**
 * A factory session that writes through another connection (a race attempt's) but otherwise is
 * its parent's: the same tag sequence (values stay unique), tracker (its rows are cleaned up with
 * the file's) and per-test counters (`seq` and call numbers keep counting, so two attempts never
 * build the same sequence-based value). Only faker is its own (a branch of the parent's stream):
 * attempts build concurrently.
 */
export function connectionSession(parent: FactorySession, db: AnyPgDatabase, label: string): FactorySession {
  return new FactorySession({ db, label, runId: parent.runId, tag: parent.tag, tracker: parent.tracker, values: parent.values.branch() });
}
