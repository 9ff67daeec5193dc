/**
 * The embedded server never outlives its run: SIGKILL of the process that started it, SIGKILL of
 * `runtag demo` mid-run, and a dead run whose supervisor was killed too (reaped by the next start).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDatabase } from '../../src/db/server.js';
import { hostIdentity } from '../../src/util/host-identity.js';
import { childEnv, runChild, startChildRun } from '../support/child-run.js';
import { postmasterDataDirs, processTree, runtagTempEntries, tempEntriesOwnedBy } from '../support/leftovers.js';

const TSX = 'node_modules/tsx/dist/cli.mjs';

function startHolder(label: string): Promise<{ pid: number; dir: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/scripts/hold-server.ts', label], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const dir = out.match(/SERVER_DIR (\S+)/)?.[1];
      if (dir) resolve({ pid: child.pid!, dir });
    });
    child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before its server started: ${out}`)));
  });
}

const serversIn = (dir: string) => postmasterDataDirs().filter((data) => data.startsWith(dir));
const supervisorOf = (dir: string) =>
  spawnSync('pgrep', ['-f', `runtag-postgres`], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => existsSync(`/proc/${pid}/environ`) && readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`PG_DIR=${dir}`));

describe('the embedded server dies with its run', () => {
  it('SIGKILL of the process that started it: the server stops and its directory goes within seconds', async () => {
    const holder = await startHolder(`fault-kill-${process.pid}`);
    expect(serversIn(holder.dir)).toHaveLength(1);
    expect(statSync(holder.dir).mode & 0o777).toBe(0o700);
    process.kill(holder.pid, 'SIGKILL');
    await expect.poll(() => serversIn(holder.dir).length, { timeout: 10_000 }).toBe(0);
    await expect.poll(() => existsSync(holder.dir), { timeout: 10_000 }).toBe(false);
  });

  it('SIGKILL of `runtag demo` mid-run: no server, no data dir, nothing in the temp dir', async () => {
    // Spawned here, not through the harness: the test kills the demo's own process and follows its process tree.
    const env = childEnv();
    const demo = spawn(process.execPath, ['--import', 'tsx', 'src/cli/runtag.ts', 'demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    demo.stdout.on('data', (chunk) => (out += chunk));
    demo.stderr.on('data', (chunk) => (out += chunk));
    // Strike once tests are running (a file has reported), i.e. the server, registry and schemas exist.
    await expect.poll(() => /✓|examples\/demo/.test(out), { timeout: 60_000, interval: 50 }).toBe(true);
    // Other test files start servers of their own meanwhile: follow only what the demo's processes own.
    const made = tempEntriesOwnedBy(processTree(demo.pid!));
    const server = made.find((name) => name.startsWith('runtag-pg-'));
    expect(server, `the demo's temp entries: ${made.join(', ')}`).toBeDefined();
    expect(made.map((name) => name.split('-').slice(0, 2).join('-')).sort()).toEqual(['runtag-demo', 'runtag-pg', 'runtag-run']);
    expect(serversIn(join(tmpdir(), server!))).toHaveLength(1);
    const exited = new Promise((resolve) => demo.once('exit', resolve));
    demo.kill('SIGKILL');
    // Until its parent (this process) reaps it, the killed demo is a zombie that kill(pid, 0) still finds: wait for that.
    await exited;
    // Orphaned Vitest workers exit once their parent is gone; then the supervisor stops the server.
    await expect.poll(() => serversIn(join(tmpdir(), server!)).length, { timeout: 60_000, interval: 200 }).toBe(0);
    await expect.poll(() => existsSync(join(tmpdir(), server!)), { timeout: 10_000 }).toBe(false);
    // The run dir and demo dir of the killed run are reaped by the next run.
    const next = await startDatabase({ label: `after-demo-${process.pid}` });
    await next.stop();
    const after = runChild('runtag', ['demo', '--json']);
    expect(
      made.filter((name) => existsSync(join(tmpdir(), name))),
      `the next demo run's output: ${after.output}`,
    ).toEqual([]);
  });

  it("SIGKILL of the demo process under `npm run demo` (tsx's child): the next run of any kind removes its temp dirs", async () => {
    const env = childEnv();
    // As `npm run demo` starts it: tsx's CLI, which runs the demo in a child node process of its own.
    const tsx = spawn(process.execPath, [TSX, 'src/cli/runtag.ts', 'demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    tsx.stdout.on('data', (chunk) => (out += chunk));
    tsx.stderr.on('data', (chunk) => (out += chunk));
    const exited = new Promise((resolve) => tsx.once('exit', resolve));
    await expect.poll(() => /✓/.test(out), { timeout: 60_000, interval: 20 }).toBe(true);
    const made = tempEntriesOwnedBy(processTree(tsx.pid!));
    const demoDir = made.find((name) => name.startsWith('runtag-demo-'));
    expect(demoDir, `the demo's temp entries: ${made.join(', ')}`).toBeDefined();
    // The process that made the demo dir is tsx's child, not the tsx process: that is the one to kill.
    const owner = (JSON.parse(readFileSync(join(tmpdir(), demoDir!, 'owner.json'), 'utf8')) as { pid: number }).pid;
    expect(owner).not.toBe(tsx.pid);
    // Its Vitest workers outlive it a while (orphans): what they do then must not bring a dir back.
    const orphans = [...processTree(owner)].filter((pid) => pid !== owner);
    process.kill(owner, 'SIGKILL');
    await exited;
    const server = made.find((name) => name.startsWith('runtag-pg-'))!;
    await expect.poll(() => existsSync(join(tmpdir(), server)), { timeout: 60_000, interval: 200 }).toBe(false);
    expect(existsSync(join(tmpdir(), demoDir!))).toBe(true);
    // The next run is a plain Vitest run (not another demo) on a server of its own: it removes what the dead demo left.
    const next = startChildRun('', ['test/fixtures/leaks/clean.fixture.ts'], { DATABASE_URL: '' });
    const result = await next.done;
    next.dispose();
    expect(result.code, result.output).toBe(0);
    expect(
      made.filter((name) => existsSync(join(tmpdir(), name))),
      result.output,
    ).toEqual([]);
    await expect.poll(() => orphans.filter((pid) => existsSync(`/proc/${pid}`)).length, { timeout: 90_000, interval: 200 }).toBe(0);
    expect(made.filter((name) => existsSync(join(tmpdir(), name)))).toEqual([]);
  });

  it('a run whose supervisor was killed too: the next start stops its server and removes its directory', async () => {
    const holder = await startHolder(`fault-stale-${process.pid}`);
    const supervisors = supervisorOf(holder.dir);
    expect(supervisors).toHaveLength(1);
    process.kill(supervisors[0]!, 'SIGKILL');
    process.kill(holder.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    expect(serversIn(holder.dir)).toHaveLength(1); // orphaned: nobody will stop it
    // Not runtag's (no owner file), and a live owner's: both must survive the reaping.
    const foreign = join(tmpdir(), `runtag-pg-foreign-${process.pid}`);
    mkdirSync(foreign, { recursive: true });
    const live = join(tmpdir(), `runtag-pg-live-${process.pid}`);
    mkdirSync(live, { recursive: true });
    writeFileSync(join(live, 'owner.json'), JSON.stringify({ pid: process.pid, hostIdentity: hostIdentity(), startedAt: new Date().toISOString() }));
    try {
      const next = await startDatabase({ label: `reaper-${process.pid}` });
      await next.stop();
      expect(serversIn(holder.dir)).toHaveLength(0);
      expect(existsSync(holder.dir)).toBe(false);
      expect(existsSync(foreign)).toBe(true);
      expect(existsSync(live)).toBe(true);
    } finally {
      rmSync(foreign, { recursive: true, force: true });
      rmSync(live, { recursive: true, force: true });
    }
  });

  it('SIGKILL of the supervisor mid-run: the run stops its server itself, fails saying why, and leaves nothing; other servers run on', async () => {
    // Another server on this machine: it must not notice anything.
    const bystander = await startHolder(`fault-bystander-${process.pid}`);
    // DATABASE_URL empty: the child run starts an embedded server of its own.
    const child = startChildRun('', ['test/fixtures/faults/hold-a.fixture.ts', 'test/fixtures/faults/hold-b.fixture.ts'], { DATABASE_URL: '' });
    try {
      await child.waitUntilHeld(2);
      const server = tempEntriesOwnedBy(processTree(child.pid)).find((name) => name.startsWith('runtag-pg-'));
      expect(server, child.output()).toBeDefined();
      const dir = join(tmpdir(), server!);
      expect(serversIn(dir)).toHaveLength(1);
      const supervisors = supervisorOf(dir);
      expect(supervisors).toHaveLength(1);
      process.kill(supervisors[0]!, 'SIGKILL');
      child.release();
      const result = await child.done;
      expect(result.code, result.output).not.toBe(0);
      expect(result.output).toMatch(/runtag: the embedded PostgreSQL's supervisor \(pid \d+\) was killed.*runtag stopped the server/s);
      expect(result.output).not.toMatch(/no leaks\./);
      await expect.poll(() => serversIn(dir).length, { timeout: 10_000 }).toBe(0);
      await expect.poll(() => existsSync(dir), { timeout: 10_000 }).toBe(false);
      expect(serversIn(bystander.dir)).toHaveLength(1);
    } finally {
      child.dispose();
      process.kill(bystander.pid, 'SIGKILL');
    }
    await expect.poll(() => existsSync(bystander.dir), { timeout: 10_000 }).toBe(false);
  });

  it('leaves no password file anywhere in the temp dir', async () => {
    const server = await startDatabase({ label: `pw-${process.pid}` });
    try {
      expect(runtagTempEntries().filter((name) => name.startsWith('pg-password'))).toEqual([]);
      expect(existsSync(join(tmpdir(), `runtag-pg-pw-${process.pid}`, 'pwfile'))).toBe(false);
    } finally {
      await server.stop();
    }
    expect(existsSync(join(tmpdir(), `runtag-pg-pw-${process.pid}`))).toBe(false);
  });
});
