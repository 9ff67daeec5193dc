import { describe, expect, it } from 'vitest';
import { assertRunId, createRunId, isRunId } from '../../src/run/run-id.js';

describe('run id', () => {
  it('is time-pid-host-random, lowercase alphanumeric', () => {
    const id = createRunId({ now: new Date('2026-11-22T10:00:00Z'), pid: 4242, host: 'ci-runner' });
    expect(id).toMatch(/^[0-9a-z]{8}-[0-9a-z]{1,4}-[0-9a-z]{4}-[0-9a-z]{8}$/);
    expect(id.split('-')[1]).toBe((4242).toString(36));
    expect(isRunId(id)).toBe(true);
  });

  it('never repeats, even for the same time, pid and host', () => {
    const now = new Date();
    const ids = new Set(Array.from({ length: 5000 }, () => createRunId({ now, pid: 1, host: 'h' })));
    expect(ids.size).toBe(5000);
  });

  it('differs between CI shards on identical machines', () => {
    const a = createRunId({ host: 'runner', shard: '1/2' }).split('-')[2];
    const b = createRunId({ host: 'runner', shard: '2/2' }).split('-')[2];
    expect(a).not.toBe(b);
  });

  it('orders by start time', () => {
    const early = createRunId({ now: new Date('2026-01-01T00:00:00Z') });
    const late = createRunId({ now: new Date('2026-06-01T00:00:00Z') });
    expect(early < late).toBe(true);
  });

  it('rejects hand-made ids with a clear message', () => {
    expect(() => assertRunId('my-run', 'RUNTAG_RUN_ID')).toThrow(/RUNTAG_RUN_ID is "my-run", which is not a runtag run id/);
  });
});
