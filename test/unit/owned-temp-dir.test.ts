/**
 * Temp dirs that record their owner are removed once the owner is provably gone: a zombie (killed,
 * not yet reaped by its parent) is gone, and so is a pid now used by another process (its start
 * time differs). A live owner's dir, and one without an owner file, are never touched.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { registerScope, writeJournal } from '../../src/registry/journal.js';
import { hostIdentity } from '../../src/util/host-identity.js';
import { createOwnedTempDir, reapOwnedTempDirs } from '../../src/util/owned-temp-dir.js';

const PREFIX = `runtag-unit-owned-${process.pid}-`;
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dirOwnedBy(name: string, owner: Record<string, unknown>): string {
  const dir = join(tmpdir(), `${PREFIX}${name}`);
  mkdirSync(dir);
  made.push(dir);
  writeFileSync(join(dir, 'owner.json'), JSON.stringify({ hostIdentity: hostIdentity(), startedAt: new Date().toISOString(), ...owner }));
  return dir;
}

it('an owner that is a zombie (killed, never reaped) is gone: its dir is removed', async () => {
  // `sleep 30` never waits for the shell's background child, so that child stays a zombie once it exits.
  const parent = spawn('/bin/sh', ['-c', 'sleep 0.1 & exec sleep 30'], { stdio: 'ignore' });
  try {
    let zombie: number | undefined;
    await expect
      .poll(
        () => {
          const line = execFileSync('ps', ['-o', 'pid=,stat=', '--ppid', String(parent.pid)], { encoding: 'utf8' }).trim();
          const [pid, stat] = line.split(/\s+/);
          zombie = stat?.startsWith('Z') ? Number(pid) : undefined;
          return zombie;
        },
        { timeout: 5_000 },
      )
      .toBeDefined();
    const dir = dirOwnedBy('zombie', { pid: zombie });
    expect(reapOwnedTempDirs(PREFIX)).toEqual([dir]);
    expect(existsSync(dir)).toBe(false);
  } finally {
    parent.kill('SIGKILL');
  }
});

it('a pid now used by another process (another start time) is gone; the live owner itself is not', () => {
  const reused = dirOwnedBy('reused', { pid: process.pid, pidStartTicks: 1 });
  const live = createOwnedTempDir(`${PREFIX}live`);
  made.push(live);
  expect((JSON.parse(readFileSync(join(live, 'owner.json'), 'utf8')) as { pidStartTicks?: number }).pidStartTicks).toBeGreaterThan(1);
  // A dir from an older runtag (no start time) with a live pid stays: nothing proves its owner gone.
  const older = dirOwnedBy('older', { pid: process.pid });
  const foreign = join(tmpdir(), `${PREFIX}foreign`);
  mkdirSync(foreign);
  made.push(foreign);
  expect(reapOwnedTempDirs(PREFIX)).toEqual([reused]);
  expect([live, older, foreign].map(existsSync)).toEqual([true, true, true]);
});

it('a journal written after its run dir was removed (an orphaned worker of a dead run) does not bring the dir back', () => {
  const runDir = createOwnedTempDir(`${PREFIX}run`);
  made.push(runDir);
  writeJournal(runDir, registerScope(runDir, 'a1', 'early.test.ts', 'public'));
  expect(existsSync(join(runDir, 'scopes', 'a1.json'))).toBe(true);
  rmSync(runDir, { recursive: true, force: true }); // the run ended, or the next run reaped it
  writeJournal(runDir, registerScope(runDir, 'a2', 'late.test.ts', 'public'));
  expect(existsSync(runDir)).toBe(false);
});
