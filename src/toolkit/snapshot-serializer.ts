import type { SnapshotSerializer } from 'vitest';
import { hasVolatileParts, Stabilizer } from './stabilize.js';

/**
 * Vitest snapshot serializer: prints any value holding run tags, uuids or timestamps with stable
 * placeholders (see `stabilize`), so `toMatchSnapshot()` and `toMatchInlineSnapshot()` pass in
 * every run and on every worker. `installRuntag` adds it; elsewhere:
 * `expect.addSnapshotSerializer(runtagSnapshotSerializer)`.
 *
 * Vitest asks serializers about the outermost value first, so the whole snapshot is stabilized in
 * one go and its placeholders are numbered by first appearance across all of it. The copy it
 * prints holds no volatile part, so this serializer is not asked again for anything inside it.
 */
export const runtagSnapshotSerializer: SnapshotSerializer = {
  test(value: unknown): boolean {
    return hasVolatileParts(value);
  },
  serialize(value, config, indentation, depth, refs, printer) {
    return printer(new Stabilizer().value(value), config, indentation, depth, refs);
  },
};
