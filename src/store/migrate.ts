/**
 * Versioned migrations: `migrations/NNN_name.sql`, applied in order, each in
 * its own transaction, recorded in `schema_migrations` with a checksum so an
 * edited, already-applied file is caught instead of silently diverging.
 * Number ranges per capability: 001–099 foundation, 100–199 dispatch,
 * 200–299 auth, 300+ later capabilities.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Sql, Store } from './sql.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

const FILE_RE = /^(\d{3})_([a-z0-9_]+)\.sql$/;
/** Serialises migrations of concurrent servers on PostgreSQL (any constant; "sw" + 1). */
const ADVISORY_LOCK_KEY = 7_387_001;

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const m = FILE_RE.exec(file);
    if (!m) throw new Error(`migration file name must look like 001_name.sql (lowercase): ${file}`);
    const sql = readFileSync(`${dir}/${file}`, 'utf8');
    const version = Number(m[1]);
    const prev = out.find((x) => x.version === version);
    if (prev) throw new Error(`two migrations share the number ${m[1]}: ${prev.file} and ${file}`);
    out.push({ version, name: m[2]!, file, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return out;
}

/** One fingerprint for a set of migrations (test templates are keyed by it). */
export function migrationsFingerprint(migrations = loadMigrations()): string {
  const h = createHash('sha256');
  for (const m of migrations) h.update(`${m.file}:${m.checksum}\n`);
  return h.digest('hex').slice(0, 16);
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

type ScriptTx = Sql & { execScript(text: string): Promise<void> };

/** The drivers' transaction that can also run multi-statement scripts. */
export interface MigratableStore extends Store {
  scriptTx<T>(fn: (sql: ScriptTx) => Promise<T>): Promise<T>;
}

export async function migrate(store: MigratableStore, migrations = loadMigrations()): Promise<MigrationResult> {
  await store.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied: string[] = [];
  let alreadyApplied = 0;
  for (const m of migrations) {
    const done = await store.scriptTx(async (sql) => {
      if (store.kind === 'postgres') await sql.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK_KEY]);
      const rows = await sql.query<{ name: string; checksum: string }>(
        'SELECT name, checksum FROM schema_migrations WHERE version = $1',
        [m.version],
      );
      const row = rows[0];
      if (row) {
        if (row.checksum !== m.checksum) {
          throw new Error(
            `migration ${m.file} was changed after it was applied to this database ` +
              `(applied as ${String(m.version).padStart(3, '0')}_${row.name}); add a new migration instead of editing it`,
          );
        }
        return true;
      }
      await sql.execScript(m.sql);
      await sql.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      return false;
    });
    if (done) alreadyApplied++;
    else applied.push(m.file);
  }
  return { applied, alreadyApplied };
}
