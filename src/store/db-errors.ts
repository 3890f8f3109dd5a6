/**
 * Database errors both drivers raise (pg and PGlite share pg-protocol's
 * DatabaseError: SQLSTATE `code`, `constraint`, `detail`).
 */
export interface DbError {
  code: string;
  constraint?: string;
  detail?: string;
  message: string;
}

export function asDbError(err: unknown): DbError | null {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    const code = (err as { code: string }).code;
    if (/^[0-9A-Z]{5}$/.test(code)) return err as DbError;
  }
  return null;
}

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
export const CHECK_VIOLATION = '23514';
