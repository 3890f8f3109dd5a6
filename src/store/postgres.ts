/**
 * The production store: PostgreSQL (≥ 15) through a `pg` connection pool.
 */
import pg from 'pg';
import type { MigratableStore } from './migrate.js';
import type { Sql } from './sql.js';

export interface PostgresStoreOptions {
  databaseUrl: string;
  /** Pool size (default 10). */
  maxConnections?: number;
}

export class PostgresStore implements MigratableStore {
  readonly kind = 'postgres' as const;
  private closed = false;

  private constructor(readonly pool: pg.Pool) {}

  static async open(opts: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.maxConnections ?? 10 });
    // An idle client that loses its server emits 'error'; without a listener that kills the process.
    pool.on('error', () => {});
    const store = new PostgresStore(pool);
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      await pool.end();
      throw new Error(`cannot connect to PostgreSQL at ${redactUrl(opts.databaseUrl)}: ${(err as Error).message}`);
    }
    return store;
  }

  async query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> {
    const r = await this.pool.query(text, params as unknown[] | undefined);
    return r.rows as T[];
  }

  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.withClient(fn);
  }

  scriptTx<T>(fn: (sql: Sql & { execScript(text: string): Promise<void> }) => Promise<T>): Promise<T> {
    return this.withClient(fn);
  }

  private async withClient<T>(fn: (sql: Sql & { execScript(text: string): Promise<void> }) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const sql = {
        query: async <R>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as R[],
        execScript: async (text: string) => {
          await client.query(text);
        },
      };
      try {
        const out = await fn(sql);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // the connection is gone: do not hand it out again
        }
        throw err;
      }
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
