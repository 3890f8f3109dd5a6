/** jsonb columns come back parsed from both drivers; a text fallback keeps odd casts working. */
export function fromJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

/** Parameters bound to jsonb are sent as JSON text: `pg` would turn a JS array into a Postgres array. */
export function toJson(v: unknown): string {
  return JSON.stringify(v);
}

/** Cursor pagination: an opaque token that carries the last key of the previous page. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  // A key with NUL could never be database text: not a cursor this API made.
  return key.length > 0 && !key.includes('\0') && encodeCursor(key) === cursor ? key : null;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

/** Rows fetched with LIMIT n+1: the extra row only says that there is a next page. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => string): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, nextCursor: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
