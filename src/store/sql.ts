/**
 * The one database interface every capability codes against. The same SQL
 * runs on PGlite (embedded Postgres 18) and PostgreSQL ≥ 15.
 */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export type StoreKind = 'pglite' | 'postgres';

export interface Store extends Sql {
  readonly kind: StoreKind;
  /**
   * BEGIN … COMMIT, ROLLBACK on throw. Inside `fn` use only the `sql` it is
   * given: on PGlite the store itself waits for the transaction to end, so
   * calling `store.query` from inside `fn` would wait forever.
   */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** What the drivers offer the migration runner besides `Store`. */
export interface ScriptRunner {
  /** Runs a script of several statements (a migration file) with no parameters. */
  execScript(text: string): Promise<void>;
}
