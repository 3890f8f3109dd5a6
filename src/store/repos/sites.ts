/**
 * The sites table: the full domain Site in `spec`, the filtered-on fields in
 * typed columns, written together. Every write bumps `version`.
 */
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import type { Side, Site, SiteStatus, SiteTier } from '../../domain/site.js';
import type { TaskState } from '../../domain/task.js';
import { asDbError, FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION } from '../db-errors.js';
import type { Sql } from '../sql.js';
import { decodeCursor, fromJson, type Page, pageOf, toJson } from './json.js';

export interface SiteRecord extends Site {
  version: number;
  createdAtS: number;
  updatedAtS: number;
}

export interface SiteFilter {
  tier?: SiteTier;
  hubId?: string;
  clusterId?: string;
  side?: Side;
  status?: SiteStatus;
  city?: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** States in which a task holds (or is about to hold) capacity on its site. */
export const ACTIVE_TASK_STATES: readonly TaskState[] = ['placed', 'dispatched', 'running'];

const COLUMNS = `spec, version, extract(epoch from created_at)::float8 AS created_s,
  extract(epoch from updated_at)::float8 AS updated_s`;

interface SiteRow {
  spec: unknown;
  version: number;
  created_s: number;
  updated_s: number;
}

function toRecord(r: SiteRow): SiteRecord {
  return { ...fromJson<Site>(r.spec), version: r.version, createdAtS: r.created_s, updatedAtS: r.updated_s };
}

/** Strips the record's own fields: what is stored in `spec` is exactly a Site. */
export function siteOf(s: Site | SiteRecord): Site {
  const { version: _v, createdAtS: _c, updatedAtS: _u, ...site } = s as SiteRecord;
  return site;
}

function params(site: Site): unknown[] {
  return [
    site.id,
    site.name,
    site.tier,
    site.hubId,
    site.clusterId,
    site.city,
    site.province,
    site.side,
    site.status,
    site.compliant,
    toJson(siteOf(site)),
  ];
}

function mapWriteError(err: unknown, site: Site): never {
  const db = asDbError(err);
  if (db?.code === UNIQUE_VIOLATION) throw new DomainError('conflict', `site '${site.id}' already exists`, 'id');
  if (db?.code === FOREIGN_KEY_VIOLATION) {
    if (db.constraint?.includes('cluster')) throw invalid('clusterId', `unknown cluster '${site.clusterId}'`);
    if (db.constraint?.includes('hub')) throw invalid('hubId', `unknown hub '${site.hubId}'`);
  }
  throw err;
}

export async function getSite(sql: Sql, id: string): Promise<SiteRecord | null> {
  const rows = await sql.query<SiteRow>(`SELECT ${COLUMNS} FROM sites WHERE id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : null;
}

function where(filter: SiteFilter, first: number): { clause: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  const add = (column: string, v: unknown) => {
    if (v === undefined) return;
    values.push(v);
    parts.push(`${column} = $${first + values.length - 1}`);
  };
  add('tier', filter.tier);
  add('hub_id', filter.hubId);
  add('cluster_id', filter.clusterId);
  add('side', filter.side);
  add('status', filter.status);
  add('city', filter.city);
  return { clause: parts.join(' AND '), values };
}

/** Sites by id, ascending, one page. */
export async function listSites(sql: Sql, filter: SiteFilter, page: PageRequest): Promise<Page<SiteRecord>> {
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor);
  if (page.cursor !== undefined && after === null) throw invalid('cursor', 'is not a cursor this API returned');
  const w = where(filter, 3);
  const rows = await sql.query<SiteRow>(
    `SELECT ${COLUMNS} FROM sites WHERE ($1::text IS NULL OR id > $1) ${w.clause ? `AND ${w.clause}` : ''}
     ORDER BY id LIMIT $2`,
    [after, page.limit + 1, ...w.values],
  );
  return pageOf(rows.map(toRecord), page.limit, (s) => s.id);
}

/** Every site matching the filter (the scheduler's view of supply). */
export async function listAllSites(sql: Sql, filter: SiteFilter = {}): Promise<SiteRecord[]> {
  const w = where(filter, 1);
  const rows = await sql.query<SiteRow>(
    `SELECT ${COLUMNS} FROM sites ${w.clause ? `WHERE ${w.clause}` : ''} ORDER BY id`,
    w.values,
  );
  return rows.map(toRecord);
}

/** Adds a new site; conflict when the id is taken. */
export async function insertSite(sql: Sql, site: Site, atS: number): Promise<SiteRecord> {
  try {
    const rows = await sql.query<SiteRow>(
      `INSERT INTO sites (id, name, tier, hub_id, cluster_id, city, province, side, status, compliant, spec,
         created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text::jsonb, to_timestamp($12), to_timestamp($12))
       RETURNING ${COLUMNS}`,
      [...params(site), atS],
    );
    return toRecord(rows[0]!);
  } catch (err) {
    mapWriteError(err, site);
  }
}

/** Adds the site or replaces the one with its id (a site registering itself). */
export async function upsertSite(sql: Sql, site: Site, atS: number): Promise<{ site: SiteRecord; created: boolean }> {
  try {
    const rows = await sql.query<SiteRow & { created: boolean }>(
      `INSERT INTO sites (id, name, tier, hub_id, cluster_id, city, province, side, status, compliant, spec,
         created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text::jsonb, to_timestamp($12), to_timestamp($12))
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, tier = excluded.tier, hub_id = excluded.hub_id,
         cluster_id = excluded.cluster_id, city = excluded.city, province = excluded.province, side = excluded.side,
         status = excluded.status, compliant = excluded.compliant, spec = excluded.spec,
         updated_at = excluded.updated_at, version = sites.version + 1
       RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [...params(site), atS],
    );
    const r = rows[0]!;
    return { site: toRecord(r), created: r.created };
  } catch (err) {
    mapWriteError(err, site);
  }
}

/**
 * Replaces a site. With `expectedVersion`, only if nobody changed it since
 * that version was read (optimistic concurrency): else conflict.
 */
export async function updateSite(sql: Sql, site: Site, atS: number, expectedVersion?: number): Promise<SiteRecord> {
  let rows: SiteRow[];
  try {
    rows = await sql.query<SiteRow>(
      `UPDATE sites SET name = $2, tier = $3, hub_id = $4, cluster_id = $5, city = $6, province = $7, side = $8,
         status = $9, compliant = $10, spec = $11::text::jsonb, updated_at = to_timestamp($12), version = version + 1
       WHERE id = $1 AND ($13::int IS NULL OR version = $13)
       RETURNING ${COLUMNS}`,
      [...params(site), atS, expectedVersion ?? null],
    );
  } catch (err) {
    mapWriteError(err, site);
  }
  if (rows[0]) return toRecord(rows[0]);
  const now = await getSite(sql, site.id);
  if (!now) throw notFound('site', site.id);
  throw new DomainError(
    'conflict',
    `site '${site.id}' changed meanwhile (version ${now.version}, expected ${expectedVersion}); read it again`,
    'version',
  );
}

/** Tasks placed on, dispatched to or running at the site. */
export async function activeTasksOnSite(sql: Sql, siteId: string): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM tasks WHERE site_id = $1 AND state = ANY($2)',
    [siteId, ACTIVE_TASK_STATES],
  );
  return rows[0]?.n ?? 0;
}

/** Deletes a site that holds no active task (else conflict); false if there was none. */
export async function deleteSite(sql: Sql, id: string): Promise<boolean> {
  // One statement, so a task placed between a check and the delete cannot be orphaned.
  const rows = await sql.query<{ id: string }>(
    `DELETE FROM sites WHERE id = $1
       AND NOT EXISTS (SELECT 1 FROM tasks WHERE site_id = $1 AND state = ANY($2))
     RETURNING id`,
    [id, ACTIVE_TASK_STATES],
  );
  if (rows.length > 0) return true;
  if (!(await getSite(sql, id))) return false;
  const active = await activeTasksOnSite(sql, id);
  throw new DomainError(
    'conflict',
    `site '${id}' has ${active} active task(s) (placed, dispatched or running); ` +
      "set its status to 'draining' and wait for them, or cancel them first",
  );
}
