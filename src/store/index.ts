/**
 * The store: PGlite (embedded, default ./.suanwang/) or PostgreSQL (when
 * DATABASE_URL is set), one schema, versioned migrations, transactions,
 * and the repositories of the foundation tables.
 */
import { migrate } from './migrate.js';
import { PgliteStore } from './pglite.js';
import { PostgresStore } from './postgres.js';
import type { Store } from './sql.js';

export { asDbError, type DbError } from './db-errors.js';
export { newTaskId, ulid } from './ids.js';
export { DataDirLockedError, LOCK_FILE } from './lock.js';
export { loadMigrations, type Migration, type MigrationResult, migrate, migrationsFingerprint } from './migrate.js';
export { DEFAULT_DATA_DIR, PgliteStore, type PgliteStoreOptions } from './pglite.js';
export { PostgresStore, redactUrl } from './postgres.js';
export * from './repos/placements.js';
export * from './repos/sites.js';
export * from './repos/tasks.js';
export * from './repos/topology.js';
export { type SeedResult, seedNationalTopology } from './seed.js';
export type { Sql, Store, StoreKind } from './sql.js';
export { TaskWriter, type TaskWriterOptions } from './task-writer.js';

export interface OpenStoreOptions {
  /** PGlite data directory (default ./.suanwang/); ignored for PostgreSQL. */
  dataDir?: string;
  /** PostgreSQL URL; default env DATABASE_URL; absent = PGlite. */
  databaseUrl?: string;
  /** PGlite in memory: nothing written to disk (tests, throw-away demos). */
  memory?: boolean;
  /** Skip migrations (tools that only read). Default false. */
  skipMigrations?: boolean;
}

/**
 * Opens PostgreSQL when databaseUrl (or env DATABASE_URL) is set, else PGlite in
 * dataDir (default ./.suanwang/, locked against a second process); applies pending
 * migrations from src/store/migrations/NNN_name.sql in order, inside a transaction each.
 */
export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const url = opts.databaseUrl ?? (opts.memory ? undefined : process.env.DATABASE_URL || undefined);
  const store = url
    ? await PostgresStore.open({ databaseUrl: url })
    : await PgliteStore.open({ ...(opts.dataDir !== undefined && { dataDir: opts.dataDir }), memory: !!opts.memory });
  if (!opts.skipMigrations) {
    try {
      await migrate(store);
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  return store;
}
