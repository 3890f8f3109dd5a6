/**
 * The api_keys table: create (the plaintext key is returned once and never
 * stored), read, list, revoke, and the bootstrap of the first operator key.
 */
import type { Role } from '../api/roles.js';
import { type Clock, systemClock } from '../domain/clock.js';
import { DomainError, invalid, notFound } from '../domain/errors.js';
import { decodeCursor, type Page, pageOf } from '../store/repos/json.js';
import type { Sql, Store } from '../store/sql.js';
import { formatKey, hashSecret, KEY_ID_RE, newKeyId, newSecret } from './api-key.js';

export const ROLES: readonly Role[] = ['operator', 'site', 'tenant', 'regulator'];
/** The tenant id pattern of task submissions. */
export const TENANT_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** The site id pattern of the topology. */
export const SITE_ID_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const MAX_SITES_PER_KEY = 1000;

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  tenantId: string | null;
  siteIds: string[];
  createdAtS: number;
  expiresAtS: number | null;
  revokedAtS: number | null;
  /** The key id that created it, or 'bootstrap' / 'cli' (direct store access). */
  createdBy: string;
}

export interface StoredApiKey extends ApiKeyRecord {
  secretHash: string;
}

export interface NewApiKey {
  name: string;
  role: Role;
  /** Required for tenant keys, refused for others. */
  tenantId?: string | null;
  /** Required (non-empty) for site keys, refused for others. */
  siteIds?: readonly string[];
  /** Unix seconds; absent or null = never. */
  expiresAtS?: number | null;
  createdBy?: string;
}

export interface CreatedApiKey {
  /** The key itself, `sw_<id>_<secret>`: shown once, not stored anywhere. */
  key: string;
  record: ApiKeyRecord;
}

interface KeyRow {
  id: string;
  name: string;
  role: Role;
  tenant_id: string | null;
  site_ids: string[];
  secret_hash: string;
  created_at_s: number;
  expires_at_s: number | null;
  revoked_at_s: number | null;
  created_by: string;
}

const COLUMNS =
  'id, name, role, tenant_id, site_ids, secret_hash, created_at_s, expires_at_s, revoked_at_s, created_by';

function toStored(r: KeyRow): StoredApiKey {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    tenantId: r.tenant_id,
    siteIds: [...(r.site_ids ?? [])],
    createdAtS: r.created_at_s,
    expiresAtS: r.expires_at_s,
    revokedAtS: r.revoked_at_s,
    createdBy: r.created_by,
    secretHash: r.secret_hash,
  };
}

export function publicKeyRecord(k: StoredApiKey | ApiKeyRecord): ApiKeyRecord {
  const { secretHash: _h, ...rest } = k as StoredApiKey;
  return rest;
}

/** Checks a new key's fields, naming the offending one; returns the normalised values. */
export function checkNewApiKey(input: NewApiKey, nowS: number): Required<Omit<NewApiKey, 'createdBy'>> {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name.length < 1 || name.length > 200) throw invalid('name', 'must be 1–200 characters');
  if (!ROLES.includes(input.role)) throw invalid('role', `must be one of ${ROLES.join(', ')}`);
  const tenantId = input.tenantId ?? null;
  const siteIds = [...(input.siteIds ?? [])];
  if (input.role === 'tenant') {
    if (tenantId === null) throw invalid('tenantId', 'is required for a tenant key (the one tenant it acts for)');
    if (!TENANT_ID_RE.test(tenantId)) throw invalid('tenantId', 'must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$');
  } else if (tenantId !== null) {
    throw invalid('tenantId', `only tenant keys are bound to a tenant, not ${input.role} keys`);
  }
  if (input.role === 'site') {
    if (siteIds.length === 0) throw invalid('siteIds', 'a site key needs the ids of the sites it speaks for');
    if (siteIds.length > MAX_SITES_PER_KEY) throw invalid('siteIds', `at most ${MAX_SITES_PER_KEY} sites per key`);
    for (const [i, s] of siteIds.entries()) {
      if (typeof s !== 'string' || s.length > 64 || !SITE_ID_RE.test(s)) {
        throw invalid(`siteIds[${i}]`, `'${String(s)}' is not a site id (lowercase letters, digits and dashes)`);
      }
    }
    if (new Set(siteIds).size !== siteIds.length) throw invalid('siteIds', 'lists a site twice');
  } else if (siteIds.length > 0) {
    throw invalid('siteIds', `only site keys are bound to sites, not ${input.role} keys`);
  }
  const expiresAtS = input.expiresAtS ?? null;
  if (expiresAtS !== null && (!Number.isFinite(expiresAtS) || expiresAtS <= nowS)) {
    throw invalid('expiresAtS', 'must be a time in the future (Unix seconds)');
  }
  return { name, role: input.role, tenantId, siteIds, expiresAtS };
}

/** A new key: its plaintext (shown once) and its stored record. */
export async function createApiKey(sql: Sql, input: NewApiKey, clock: Clock = systemClock): Promise<CreatedApiKey> {
  const nowS = clock.nowS();
  const k = checkNewApiKey(input, nowS);
  const id = newKeyId();
  const secret = newSecret();
  const secretHash = await hashSecret(secret);
  const rows = await sql.query<KeyRow>(
    `INSERT INTO api_keys (id, name, role, tenant_id, site_ids, secret_hash, created_at_s, expires_at_s, created_by)
     VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9) RETURNING ${COLUMNS}`,
    [id, k.name, k.role, k.tenantId, k.siteIds, secretHash, nowS, k.expiresAtS, input.createdBy ?? 'cli'],
  );
  return { key: formatKey(id, secret), record: publicKeyRecord(toStored(rows[0]!)) };
}

/** The stored key (with its hash), or null. */
export async function getApiKey(sql: Sql, id: string): Promise<StoredApiKey | null> {
  if (!KEY_ID_RE.test(id)) return null;
  const rows = await sql.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
  return rows[0] ? toStored(rows[0]) : null;
}

export interface ApiKeyFilter {
  role?: Role;
  tenantId?: string;
  /** Include revoked keys (default false). */
  revoked?: boolean;
}

/** Keys by id, one page. */
export async function listApiKeys(
  sql: Sql,
  filter: ApiKeyFilter,
  page: { limit: number; cursor?: string },
): Promise<Page<ApiKeyRecord>> {
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor);
  if (page.cursor !== undefined && (after === null || !KEY_ID_RE.test(after))) {
    throw invalid('cursor', 'is not a cursor this API returned');
  }
  const rows = await sql.query<KeyRow>(
    `SELECT ${COLUMNS} FROM api_keys
     WHERE ($1::text IS NULL OR id > $1)
       AND ($3::text IS NULL OR role = $3)
       AND ($4::text IS NULL OR tenant_id = $4)
       AND ($5::boolean OR revoked_at_s IS NULL)
     ORDER BY id LIMIT $2`,
    [after, page.limit + 1, filter.role ?? null, filter.tenantId ?? null, filter.revoked ?? false],
  );
  return pageOf(
    rows.map((r) => publicKeyRecord(toStored(r))),
    page.limit,
    (k) => k.id,
  );
}

/** Revokes a key (at once and for good); revoking a revoked key changes nothing. */
export async function revokeApiKey(sql: Sql, id: string, clock: Clock = systemClock): Promise<ApiKeyRecord> {
  if (!KEY_ID_RE.test(id)) throw notFound('API key', id);
  const rows = await sql.query<KeyRow>(
    `UPDATE api_keys SET revoked_at_s = COALESCE(revoked_at_s, $2) WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, clock.nowS()],
  );
  if (!rows[0]) throw notFound('API key', id);
  return publicKeyRecord(toStored(rows[0]));
}

/**
 * Revokes a key, refusing (409) the last usable operator key unless `allowLastOperator`:
 * without one nobody could manage the platform through its API any more.
 */
export async function revokeApiKeySafely(
  store: Store,
  id: string,
  opts: { clock?: Clock; allowLastOperator?: boolean } = {},
): Promise<ApiKeyRecord> {
  const clock = opts.clock ?? systemClock;
  return store.tx(async (sql) => {
    const k = await getApiKey(sql, id);
    if (!k) throw notFound('API key', id);
    if (k.role === 'operator' && k.revokedAtS === null && !opts.allowLastOperator) {
      // Serialise revocations of operator keys, so two at once cannot remove the last two.
      await sql.query('LOCK TABLE api_keys IN SHARE ROW EXCLUSIVE MODE');
      const others = await sql.query(
        `SELECT 1 FROM api_keys WHERE role = 'operator' AND id <> $1 AND revoked_at_s IS NULL
           AND (expires_at_s IS NULL OR expires_at_s > $2) LIMIT 1`,
        [id, clock.nowS()],
      );
      if (others.length === 0) {
        throw new DomainError(
          'conflict',
          'this is the last usable operator key: create another operator key before revoking it',
        );
      }
    }
    return revokeApiKey(sql, id, clock);
  });
}

export interface BootstrapResult {
  /** The new operator key (shown once); absent when keys existed already. */
  key?: string;
  keyId?: string;
  created: boolean;
}

/**
 * The first operator key of a fresh platform: created only when the store has
 * no key at all (revoked ones count: a platform whose keys were all revoked is
 * not fresh — make a new key with `suanwang keys create --data-dir`).
 * Safe against two servers starting at once on one PostgreSQL.
 */
export async function ensureBootstrapKey(
  store: Store,
  opts: { clock?: Clock; name?: string } = {},
): Promise<BootstrapResult> {
  const any = async (sql: Sql) => (await sql.query('SELECT 1 FROM api_keys LIMIT 1')).length > 0;
  if (await any(store)) return { created: false };
  const clock = opts.clock ?? systemClock;
  // The slow hash runs before the transaction, so the table lock is held only for two statements.
  const id = newKeyId();
  const secret = newSecret();
  const secretHash = await hashSecret(secret);
  return store.tx(async (sql) => {
    await sql.query('LOCK TABLE api_keys IN SHARE ROW EXCLUSIVE MODE');
    if (await any(sql)) return { created: false };
    await sql.query(
      `INSERT INTO api_keys (id, name, role, secret_hash, created_at_s, created_by)
       VALUES ($1, $2, 'operator', $3, $4, 'bootstrap')`,
      [id, opts.name ?? 'first operator key', secretHash, clock.nowS()],
    );
    return { created: true, key: formatKey(id, secret), keyId: id };
  });
}

/** Keys that can still be used (not revoked, not expired) — for messages and checks. */
export async function countUsableKeys(sql: Sql, nowS: number): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM api_keys
     WHERE revoked_at_s IS NULL AND (expires_at_s IS NULL OR expires_at_s > $1)`,
    [nowS],
  );
  return rows[0]?.n ?? 0;
}
