/**
 * The embedded store: PGlite (Postgres compiled to WASM) in a data directory,
 * guarded by a lock file. One connection, so queries are serialised; PGlite
 * runs with fsync off — committed rows survive a process crash, not a power loss.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { type DataDirLock, lockDataDir } from './lock.js';
import type { MigratableStore } from './migrate.js';
import type { Sql } from './sql.js';

export interface PgliteStoreOptions {
  /** Folder for the database and its lock (created if missing). Ignored when `memory`. */
  dataDir?: string;
  /** An in-memory database (tests, demos): nothing is written to disk. */
  memory?: boolean;
  /** Start from a dump made by `dumpDataDir()` (a migrated template, in tests). */
  loadDataDir?: Blob;
}

export const DEFAULT_DATA_DIR = './.suanwang';

export class PgliteStore implements MigratableStore {
  readonly kind = 'pglite' as const;
  private closed = false;

  private constructor(
    readonly pg: PGlite,
    readonly dataDir: string | null,
    private readonly lock: DataDirLock | null,
  ) {}

  static async open(opts: PgliteStoreOptions = {}): Promise<PgliteStore> {
    if (opts.memory) {
      const pg = await PGlite.create('memory://', opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {});
      return new PgliteStore(pg, null, null);
    }
    const dataDir = resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
    mkdirSync(dataDir, { recursive: true });
    const lock = lockDataDir(dataDir);
    try {
      const pg = await PGlite.create(
        join(dataDir, 'pgdata'),
        opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {},
      );
      return new PgliteStore(pg, dataDir, lock);
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  async query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> {
    const r = await this.pg.query<T>(text, params);
    return r.rows;
  }

  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.pg.transaction((t) => fn(wrapTx(t)));
  }

  scriptTx<T>(fn: (sql: Sql & { execScript(text: string): Promise<void> }) => Promise<T>): Promise<T> {
    return this.pg.transaction((t) =>
      fn({
        ...wrapTx(t),
        execScript: async (text: string) => {
          await t.exec(text);
        },
      }),
    );
  }

  /** A tarball of the whole database (to clone a migrated template). */
  dump(): Promise<Blob> {
    return this.pg.dumpDataDir('none');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.pg.close();
    } finally {
      this.lock?.release();
    }
  }
}

function wrapTx(t: Transaction): Sql {
  return {
    query: async <T>(text: string, params?: unknown[]) => (await t.query<T>(text, params)).rows,
  };
}
