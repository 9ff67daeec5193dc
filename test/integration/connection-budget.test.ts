import { describe, expect, inject, it } from 'vitest';
import { ADMIN_CONNECTIONS_PER_WORKER, connectionBudget } from '../../src/db/budget.js';
import { withConnection } from '../../src/db/connect.js';

const budget = (workers: number) => withConnection(inject('runtag').databaseUrl, (sql) => connectionBudget(sql, workers));

describe('connection budget', () => {
  it('keeps workers × (pool + admin) within what the server has left', async () => {
    for (const workers of [1, 2, 8, 16, 30]) {
      const b = await budget(workers);
      expect(b.maxConnections).toBe(100);
      expect(b.perWorker).toBeGreaterThanOrEqual(1);
      expect(workers * (b.perWorker + ADMIN_CONNECTIONS_PER_WORKER)).toBeLessThanOrEqual(b.maxConnections - 3 - b.reserve - b.inUse);
    }
    expect((await budget(30)).perWorker).toBeLessThan((await budget(2)).perWorker);
  });

  it('refuses a worker count the server cannot serve, saying what to do', async () => {
    await expect(budget(60)).rejects.toThrow(/the server allows 100 connections .* too few for 60 workers .* Run fewer workers \(vitest --maxWorkers\)/);
  });
});
