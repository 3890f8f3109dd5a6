/**
 * PGlite does not lock its data directory, and two processes writing one
 * directory corrupt it. This lock file (`<dataDir>/suanwang.lock`, JSON with
 * the owner's pid, host and process start time) makes a second server fail
 * with a clear message; a lock left by a dead process is taken over.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'suanwang.lock';

export interface LockOwner {
  pid: number;
  host: string;
  /** Kernel start time of the owner (clock ticks since boot), so a reused pid is not mistaken for the owner. */
  procStart: string | null;
  acquiredAt: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    super(
      `data directory ${dataDir} is in use by process ${owner.pid} on ${owner.host} (since ${owner.acquiredAt}); ` +
        'stop that server first, or use another --data-dir (or DATABASE_URL for PostgreSQL)',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

function procStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name (field 2) may hold spaces, so count after its ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // cannot tell for another host: assume it is alive
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false; // kill(-1) would address every process
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.procStart === null) return true;
  const now = procStartOf(owner.pid);
  return now === null || now === owner.procStart;
}

function readOwner(path: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof o.pid !== 'number') return null;
    return {
      pid: o.pid,
      host: typeof o.host === 'string' ? o.host : hostname(),
      procStart: typeof o.procStart === 'string' ? o.procStart : null,
      acquiredAt: typeof o.acquiredAt === 'string' ? o.acquiredAt : 'unknown',
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // A torn or foreign file: treat as a dead owner so a crash mid-write cannot block forever.
    return { pid: -1, host: hostname(), procStart: null, acquiredAt: 'unknown' };
  }
}

/** Takes the lock of `dataDir` (which must exist) or throws DataDirLockedError. */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    procStart: procStartOf(process.pid),
    acquiredAt: new Date().toISOString(),
  };
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, `${JSON.stringify(me)}\n`);
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, path); // atomic: fails when the lock exists
        return makeLock(path, me);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = readOwner(path);
      if (owner === null) continue; // released meanwhile: try again
      if (owner.pid === process.pid && owner.host === me.host) {
        throw new DataDirLockedError(dataDir, owner); // this process already holds it
      }
      if (isAlive(owner)) throw new DataDirLockedError(dataDir, owner);
      // Stale: move it aside under a unique name, then check we moved the stale one and
      // not a lock another process took over in the meantime.
      const aside = `${path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
      try {
        renameSync(path, aside);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      const moved = readOwner(aside);
      if (moved && moved.pid !== owner.pid && isAlive(moved)) {
        try {
          linkSync(aside, path);
        } catch {
          // someone else holds it now; they will be refused or refuse us on the next attempt
        }
        unlinkSync(aside);
        throw new DataDirLockedError(dataDir, moved);
      }
      unlinkSync(aside);
    }
    throw new Error(`could not take the lock ${path}: it keeps changing hands`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

function makeLock(path: string, me: LockOwner): DataDirLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    const owner = readOwner(path);
    if (owner && owner.pid === me.pid && owner.acquiredAt === me.acquiredAt) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
  };
  // A process that exits without closing its store still frees the directory.
  process.once('exit', release);
  return { path, release };
}
