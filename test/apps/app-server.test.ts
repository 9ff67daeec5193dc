/**
 * runtag's app server in real Playwright runs (child processes, no browser: the fixture app of
 * test/fixtures/app-server answers `request` through baseURL): a copy per worker on the worker's
 * database, its output with a failing test, a crash named in the tests after it, the run's one
 * server on the shared schema, and nothing of any of them left when the run ends.
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/util/free-port.js';
import { leftoversOf, NOTHING_LEFT, runIdIn } from '../support/leftovers.js';
import { ownServer } from '../support/own-server.js';
import { alive, appServerProcesses, startChildPlaywright, whoamiLines } from '../support/child-playwright.js';

const CONFIG = 'test/fixtures/app-server/playwright.config.ts';
const spec = (name: string) => `test/fixtures/app-server/${name}.spec.ts`;

async function run(files: string[], env: Record<string, string>) {
  const result = await startChildPlaywright(CONFIG, files, env).done;
  const whoami = whoamiLines(result.output);
  const runId = runIdIn(result.output);
  const left = whoami.flatMap((w) => [w.pid, w.helperPid]).filter(alive);
  if (env.APP_FIXTURE_SERVER === 'webServer') {
    // Playwright's webServer sends SIGKILL only if the command itself outlives the grace period, so the
    // fixture's child that ignores SIGTERM is left running: not runtag's to answer for, but ended here.
    for (const pid of left) process.kill(pid, 'SIGKILL');
  } else {
    // Whatever happened, runtag's servers and everything they started are gone once the run is.
    expect(left, result.output).toEqual([]);
    if (runId) expect(appServerProcesses(runId)).toEqual([]);
  }
  return { ...result, whoami, runId };
}

describe('an app server per worker', () => {
  it("isolation schema: each of 2 workers reaches its own copy, on the worker's schema and role; none is left after the run", async () => {
    const { code, output, whoami, runId } = await run([spec('reach')], { RUNTAG_ISOLATION: 'schema' });
    expect(code, output).toBe(0);
    expect(output).toContain('4 passed');
    expect(whoami).toHaveLength(4);
    const servers = new Map(whoami.map((w) => [w.workerIndex, w]));
    expect(servers.size).toBe(2);
    const [a, b] = [...servers.values()];
    expect(a!.pid).not.toBe(b!.pid);
    expect(a!.port).not.toBe(b!.port);
    expect(a!.user).not.toBe(b!.user);
    for (const w of whoami) expect(w.app).toBe(`runtag:${runId}:app-w${w.workerIndex}`);
  });

  it('a failing test gets what the server printed during it, attached and printed; a crash fails the tests after it, saying so', async () => {
    // Isolation "shared" (Playwright's default), and ready by its line instead of a url.
    const { code, output, runId } = await run([spec('fails'), spec('crash')], { APP_FIXTURE_WAIT: '1' });
    expect(code, output).toBe(1);
    expect(runId).toBeDefined();
    expect(output).toMatch(/attachment #1: app server output \(worker \d\) \(text\/plain\)[─\s]*SAID-BEFORE-THE-FAILURE/);
    expect(output).toMatch(
      /runtag: what the app server for worker \d printed during "test\/fixtures\/app-server\/fails\.spec\.ts › fails after the app printed something":\nSAID-BEFORE-THE-FAILURE\n/,
    );
    expect(output).toMatch(
      /RuntagError: runtag: the app server for worker \d exited \(code 3\) while tests still needed it\. Its last output:[\s\S]*fixture app: crashing on request/,
    );
    expect(output).toMatch(/2 failed\n/);
    expect(output).toMatch(/^ +test\/fixtures\/app-server\/crash\.spec\.ts:10:1 › the next test finds it gone/m);
    expect(output).toMatch(/1 passed/);
  });
});

describe('an app server per worker in isolation "transaction": on the worker\'s sandbox, its requests in the running test\'s transaction', () => {
  it("each worker reaches its own copy on its schema; parallel requests and a handler calling its own API (from inside a transaction too) pass; the API's own transaction then fails with 55P03; a test ending mid-statement ends", async () => {
    // A shorter wait than the default 5 s: the 55P03 and the cancel of a statement outliving its test each take that long.
    const { code, output, whoami } = await run([spec('reach'), spec('sandbox')], { RUNTAG_ISOLATION: 'transaction', RUNTAG_SANDBOX_LOCK_WAIT_MS: '2000' });
    expect(code, output).toBe(0);
    expect(output).toContain('9 passed');
    expect(new Set(whoami.map((w) => w.workerIndex)).size).toBe(2);
    expect(output).toMatch(/runtag: run \S+ \(transaction\): .*no leaks\./);
  });
});

describe("the run's one app server (runtagGlobalSetup({ appServer }))", () => {
  it('isolation shared: every worker reaches the same server, on the shared schema, named app-shared, with its output for a failing test; gone after the run', async () => {
    const { code, output, whoami, runId } = await run([spec('shared'), spec('fails')], { APP_FIXTURE_SERVER: 'run' });
    expect(code, output).toBe(1);
    expect(output).toMatch(/1 failed[\s\S]*4 passed/);
    // It runs in the main process; the worker reads its output file from where the test began.
    expect(output).toMatch(/attachment #1: app server output \(the whole run\) \(text\/plain\)[─\s]*SAID-BEFORE-THE-FAILURE/);
    expect(new Set(whoami.map((w) => w.workerIndex)).size).toBe(2);
    expect(new Set(whoami.map((w) => w.pid)).size).toBe(1);
    expect(whoami[0]).toMatchObject({ schema: 'public', app: `runtag:${runId}:app-shared` });
  });

  it('isolation schema: refused before any test, saying why and what to use instead', async () => {
    const { code, output } = await run([spec('shared')], { APP_FIXTURE_SERVER: 'run', RUNTAG_ISOLATION: 'schema' });
    expect(code).toBe(1);
    expect(output).toMatch(/one app server for the whole run \(runtagGlobalSetup\(\{ appServer \}\)\) cannot serve isolation "schema"/);
    expect(output).toMatch(/createRuntagTest\(\{ schema, appServer: \{ command: \.\.\. \} \}\)/);
    expect(output).not.toMatch(/passed/);
  });

  it('isolation transaction: refused before the database is reached, saying to start a server per worker', async () => {
    const { code, output } = await run([spec('shared')], { APP_FIXTURE_SERVER: 'run', RUNTAG_ISOLATION: 'transaction' });
    expect(code).toBe(1);
    expect(output).toMatch(/isolation "transaction" cannot work with one app server for the whole run \(runtagGlobalSetup\(\{ appServer \}\)\)/);
    expect(output).toMatch(/createRuntagTest\(\{ schema, appServer: \{ command: \.\.\. \} \}\)/);
    expect(output).not.toMatch(/passed/);
  });
});

describe("Playwright's own webServer, for an app runtag does not start", () => {
  const own = ownServer('webserver');

  it("isolation shared on a DATABASE_URL both are given: the tests reach it on the shared schema, as that URL's user, and leave nothing", async () => {
    const port = await freePort();
    const { code, output, whoami, runId } = await run([spec('webserver')], {
      APP_FIXTURE_SERVER: 'webServer',
      APP_FIXTURE_PORT: String(port),
      DATABASE_URL: own.db.url,
    });
    expect(code, output).toBe(0);
    expect(new Set(whoami.map((w) => w.pid)).size).toBe(1);
    expect(whoami[0]).toMatchObject({ schema: 'public', user: new URL(own.db.url).username, port });
    const [registered] = await own.db.sql<{ key: string }[]>`select run_key as key from runtag.runs where run_id = ${runId!}`;
    expect(await leftoversOf(own.db.sql, [{ runId: runId!, runKey: registered?.key ?? '' }])).toEqual(NOTHING_LEFT);
    expect(await own.userDataUnchanged()).toBe(true);
  });
});
