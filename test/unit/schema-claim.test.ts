/**
 * Handing pooled schemas to files through the run directory: offers claimed by real processes at
 * once, each exactly once; withdrawn offers claimed by none; claims name the claiming scope.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimPooledSchema, claimsMade, offerSchema, openOffers, withdrawOffer, type SchemaOffer } from '../../src/isolation/schema-claim.js';

const repo = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const runDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'runtag-claims-'));
  dirs.push(dir);
  return dir;
};
const offer = (n: number): SchemaOffer => ({
  name: `rt_run_p${n}`,
  searchPath: [`rt_run_p${n}`, 'runtag_ext'],
  scopeNo: n,
  poolScope: `pool:${n}`,
  credentials: { user: `rt_run_p${n}`, password: `pw${n}` },
});

/** A worker process that claims until the pool is empty, printing what it got. */
function claimer(dir: string, scope: string): Promise<string[]> {
  const script = `
    import { claimPooledSchema } from ${JSON.stringify(join(repo, 'src/isolation/schema-claim.ts'))};
    const got = [];
    for (let i = 0; ; i++) { const c = claimPooledSchema(${JSON.stringify(dir)}, ${JSON.stringify(scope)} + '-' + i); if (!c) break; got.push(c.name); }
    console.log(JSON.stringify(got));`;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(repo, 'node_modules/tsx/dist/cli.mjs'), '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(JSON.parse(out.trim()) as string[]) : fail(new Error(`claimer exited ${code}`))));
  });
}

describe('claiming pooled schemas through the run directory', () => {
  it('four processes claiming at once get every offer exactly once, oldest first within each', async () => {
    const dir = runDir();
    for (let n = 1; n <= 60; n++) offerSchema(dir, offer(n));
    const got = await Promise.all(['a', 'b', 'c', 'd'].map((scope) => claimer(dir, scope)));
    const all = got.flat();
    expect(all).toHaveLength(60);
    expect(new Set(all).size).toBe(60);
    for (const names of got) {
      const numbers = names.map((name) => Number(name.slice('rt_run_p'.length)));
      expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
    }
    expect(openOffers(dir)).toEqual([]);
    // Each claim names the scope that made it, and the pool's scope it came from.
    const claims = claimsMade(dir);
    expect(claims).toHaveLength(60);
    expect(new Set(claims.map((c) => c.scope)).size).toBe(60);
    expect(claims.find((c) => c.offer.name === 'rt_run_p7')!.offer.poolScope).toBe('pool:7');
  }, 60_000);

  it('a withdrawn offer is claimed by nobody; an empty pool gives nothing', () => {
    const dir = runDir();
    expect(claimPooledSchema(dir, 'x')).toBeUndefined();
    offerSchema(dir, offer(1));
    offerSchema(dir, offer(2));
    expect(withdrawOffer(dir, offer(1))).toBe(true);
    expect(claimPooledSchema(dir, 'y')).toEqual({
      name: 'rt_run_p2',
      searchPath: ['rt_run_p2', 'runtag_ext'],
      scopeNo: 2,
      credentials: { user: 'rt_run_p2', password: 'pw2' },
    });
    expect(claimPooledSchema(dir, 'z')).toBeUndefined();
    // Claimed meanwhile: withdrawing it fails, the claim stands.
    expect(withdrawOffer(dir, offer(2))).toBe(false);
    expect(claimsMade(dir).map((c) => [c.offer.name, c.scope])).toEqual([['rt_run_p2', 'y']]);
  });
});
