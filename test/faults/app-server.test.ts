/**
 * App servers never outlive their run: SIGKILL of the Playwright main process while each worker's
 * copy of the app runs (with a child that ignores SIGTERM) leaves no app process, no PostgreSQL
 * (embedded) and, on a server of one's own, no schema, role or registry entry once swept; SIGKILL
 * of one worker takes its app server with it while the run goes on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, appServerProcesses, startChildPlaywright, type ChildPlaywright } from '../support/child-playwright.js';
import { leftoversOf, NOTHING_LEFT, postmasterDataDirs, processTree, tempEntriesOwnedBy } from '../support/leftovers.js';
import { ownServer } from '../support/own-server.js';

const CONFIG = 'test/fixtures/app-server/playwright.config.ts';
const HOLD = ['test/fixtures/app-server/hold.spec.ts'];

interface Held {
  workerIndex: number;
  workerPid: number;
  pid: number;
  helperPid: number;
  app: string;
}

/** A child Playwright run whose 2 workers each hold a test while their app servers run. */
async function heldRun(env: Record<string, string>): Promise<{ child: ChildPlaywright; held: Held[]; runId: string; dispose: () => void }> {
  const control = mkdtempSync(join(tmpdir(), 'runtag-fault-'));
  const child = startChildPlaywright(CONFIG, HOLD, { FAULT_CONTROL_DIR: control, ...env });
  const read = () =>
    readdirSync(control)
      .filter((name) => name.startsWith('held-'))
      .map((name) => JSON.parse(readFileSync(join(control, name), 'utf8')) as Held);
  await expect.poll(() => read().length, { timeout: 90_000, interval: 100, message: 'both workers hold' }).toBe(2);
  const held = read();
  const runId = held[0]!.app.match(/^runtag:([^:]+):/)![1]!;
  return { child, held, runId, dispose: () => rmSync(control, { recursive: true, force: true }) };
}

/** The app, its child and everything else started as an app server of the run. */
function appProcesses(held: Held[], runId: string): number[] {
  return [...new Set([...held.flatMap((h) => [h.pid, h.helperPid]), ...appServerProcesses(runId)])].filter(alive);
}

describe('SIGKILL of the Playwright run while per-worker app servers run', () => {
  it('embedded PostgreSQL: no app process and no PostgreSQL of the run are left', async () => {
    const { child, held, runId, dispose } = await heldRun({ RUNTAG_ISOLATION: 'schema' });
    try {
      expect(new Set(held.map((h) => h.pid)).size).toBe(2);
      expect(appProcesses(held, runId).length).toBeGreaterThanOrEqual(4);
      // The run's embedded server: the temp dir its processes own.
      const serverDir = tempEntriesOwnedBy(processTree(child.pid)).find((name) => name.startsWith('runtag-pg-'));
      expect(serverDir).toBeDefined();
      const servers = () => postmasterDataDirs().filter((dir) => dir.startsWith(join(tmpdir(), serverDir!)));
      expect(servers()).toHaveLength(1);

      process.kill(child.pid, 'SIGKILL');
      await child.done;
      // The workers see their runner gone and exit; their app servers' lifelines then kill each whole group.
      await expect.poll(() => appProcesses(held, runId), { timeout: 30_000, interval: 200 }).toEqual([]);
      await expect.poll(() => held.map((h) => h.workerPid).filter(alive), { timeout: 30_000, interval: 200 }).toEqual([]);
      await expect.poll(() => servers().length, { timeout: 30_000, interval: 200 }).toBe(0);
      await expect.poll(() => existsSync(join(tmpdir(), serverDir!)), { timeout: 10_000 }).toBe(false);
    } finally {
      dispose();
    }
  });

  describe('on a server of its own (DATABASE_URL)', () => {
    const own = ownServer('faults-app');

    it.each(['schema', 'shared'])('isolation %s: no app process; once swept, no schema, role, registry entry or row', async (isolation) => {
      const { child, held, runId, dispose } = await heldRun({ RUNTAG_ISOLATION: isolation, DATABASE_URL: own.db.url });
      try {
        const [registered] = await own.db.sql<{ key: string }[]>`select run_key as key from runtag.runs where run_id = ${runId}`;
        const key = registered!.key;
        // Each worker made a row (in its own schema, or tagged in the shared one): what the sweep must remove.
        const before = await leftoversOf(own.db.sql, [{ runId, runKey: key }]);
        if (isolation === 'schema') expect(before.schemas.length).toBeGreaterThanOrEqual(2);
        else expect(before.taggedRows).toBe(2);
        process.kill(child.pid, 'SIGKILL');
        await child.done;
        await expect.poll(() => appProcesses(held, runId), { timeout: 30_000, interval: 200 }).toEqual([]);
        // The run counts as alive while its workers' connections are open: the sweep waits for them to go.
        await expect.poll(() => held.map((h) => h.workerPid).filter(alive), { timeout: 30_000, interval: 200 }).toEqual([]);
        await expect
          .poll(async () => (await own.db.sql`select 1 from pg_stat_activity where starts_with(application_name, ${`runtag:${runId}`})`).length, {
            timeout: 30_000,
          })
          .toBe(0);
        const sweep = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src/cli/runtag.ts', 'sweep'], {
          env: { ...process.env, DATABASE_URL: own.db.url },
          encoding: 'utf8',
        });
        expect(sweep.status, sweep.stderr).toBe(0);
        expect(sweep.stdout).toContain(`dead run ${runId}`);
        expect(await leftoversOf(own.db.sql, [{ runId, runKey: key }])).toEqual(NOTHING_LEFT);
        expect(await own.userDataUnchanged()).toBe(true);
      } finally {
        dispose();
      }
    });
  });
});

it('SIGKILL of one worker: its app server goes with it, the other worker’s stays until the run ends', async () => {
  const { child, held, runId, dispose } = await heldRun({});
  try {
    const [victim, survivor] = held;
    process.kill(victim!.workerPid, 'SIGKILL');
    await expect.poll(() => [victim!.pid, victim!.helperPid].filter(alive), { timeout: 20_000, interval: 100 }).toEqual([]);
    expect([survivor!.pid, survivor!.helperPid].filter(alive)).toHaveLength(2);
    process.kill(child.pid, 'SIGKILL');
    await child.done;
    await expect.poll(() => appProcesses(held, runId), { timeout: 30_000, interval: 200 }).toEqual([]);
  } finally {
    dispose();
  }
});
