import { FactorySession } from '../factory/session.js';
import type { AnyPgDatabase, RowTracker } from '../factory/tracker.js';

/**
 * A factory session that writes through another connection (a race attempt's) but otherwise is
 * its parent's: the same tag sequence (values stay unique), tracker (its rows are cleaned up with
 * the file's) and per-test counters (`seq` and call numbers keep counting, so two attempts never
 * build the same sequence-based value). Only faker is its own: attempts build concurrently.
 */
export class ConnectionSession extends FactorySession {
  override readonly tracker: RowTracker;
  override readonly sequences: Map<string, number>;
  override readonly calls: Map<string, number>;

  constructor(parent: FactorySession, db: AnyPgDatabase, label: string) {
    super({ db, tag: parent.tag, runId: parent.runId, seed: parent.seed, label });
    this.tracker = parent.tracker;
    this.sequences = parent.sequences;
    this.calls = parent.calls;
    this.currentSeed = parent.currentSeed;
  }
}
