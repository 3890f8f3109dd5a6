/**
 * Hubs, clusters, cities and pairings as stored. The derived links
 * (Hub.clusterIds/pairedWith, Cluster.siteIds) are computed on read from the
 * tables, so they follow sites registered or deleted through the API.
 */
import type { City, Cluster, Hub, Pairing } from '../../topology/types.js';
import type { Sql } from '../sql.js';
import { fromJson } from './json.js';

export async function listHubs(sql: Sql): Promise<Hub[]> {
  const [hubs, clusters, pairings] = await Promise.all([
    sql.query<{ doc: unknown }>('SELECT doc FROM hubs ORDER BY id'),
    sql.query<{ id: string; hub_id: string }>('SELECT id, hub_id FROM clusters ORDER BY id'),
    listPairings(sql),
  ]);
  return hubs.map((r) => {
    const h = fromJson<Hub>(r.doc);
    return {
      ...h,
      clusterIds: clusters.filter((c) => c.hub_id === h.id).map((c) => c.id),
      pairedWith: pairings
        .filter((p) => p.eastHubId === h.id || p.westHubId === h.id)
        .map((p) => (p.eastHubId === h.id ? p.westHubId : p.eastHubId)),
    };
  });
}

export async function getHub(sql: Sql, id: string): Promise<Hub | null> {
  return (await listHubs(sql)).find((h) => h.id === id) ?? null;
}

export async function listClusters(sql: Sql, filter: { hubId?: string } = {}): Promise<Cluster[]> {
  const rows = await sql.query<{ doc: unknown; site_ids: string[] | null }>(
    `SELECT c.doc, (SELECT array_agg(s.id ORDER BY s.id) FROM sites s WHERE s.cluster_id = c.id) AS site_ids
     FROM clusters c WHERE ($1::text IS NULL OR c.hub_id = $1) ORDER BY c.id`,
    [filter.hubId ?? null],
  );
  return rows.map((r) => ({ ...fromJson<Cluster>(r.doc), siteIds: r.site_ids ?? [] }));
}

export async function getCluster(sql: Sql, id: string): Promise<Cluster | null> {
  const rows = await sql.query<{ doc: unknown; site_ids: string[] | null }>(
    `SELECT c.doc, (SELECT array_agg(s.id ORDER BY s.id) FROM sites s WHERE s.cluster_id = c.id) AS site_ids
     FROM clusters c WHERE c.id = $1`,
    [id],
  );
  const r = rows[0];
  return r ? { ...fromJson<Cluster>(r.doc), siteIds: r.site_ids ?? [] } : null;
}

export async function listCities(sql: Sql, filter: { hubId?: string; demand?: boolean } = {}): Promise<City[]> {
  const rows = await sql.query<{ doc: unknown }>(
    `SELECT doc FROM cities
     WHERE ($1::text IS NULL OR hub_id = $1) AND ($2::boolean IS NULL OR (doc->>'demand')::boolean = $2)
     ORDER BY id`,
    [filter.hubId ?? null, filter.demand ?? null],
  );
  return rows.map((r) => fromJson<City>(r.doc));
}

export async function getCity(sql: Sql, id: string): Promise<City | null> {
  const rows = await sql.query<{ doc: unknown }>('SELECT doc FROM cities WHERE id = $1', [id]);
  return rows[0] ? fromJson<City>(rows[0].doc) : null;
}

export async function listPairings(sql: Sql): Promise<Pairing[]> {
  const rows = await sql.query<{ east_hub_id: string; west_hub_id: string; basis: Pairing['basis']; note: string }>(
    'SELECT east_hub_id, west_hub_id, basis, note FROM hub_pairings ORDER BY position',
  );
  return rows.map((r) => ({ eastHubId: r.east_hub_id, westHubId: r.west_hub_id, basis: r.basis, note: r.note }));
}

export interface StoreCounts {
  hubs: number;
  clusters: number;
  cities: number;
  sites: number;
  sitesByStatus: Record<string, number>;
  tasks: number;
  tasksByState: Record<string, number>;
}

/** Counts for dashboards and health pages (one round trip). */
export async function storeCounts(sql: Sql): Promise<StoreCounts> {
  const rows = await sql.query<{ what: string; key: string | null; n: number }>(
    `SELECT 'hubs' AS what, NULL AS key, count(*)::int AS n FROM hubs
     UNION ALL SELECT 'clusters', NULL, count(*)::int FROM clusters
     UNION ALL SELECT 'cities', NULL, count(*)::int FROM cities
     UNION ALL SELECT 'site', status, count(*)::int FROM sites GROUP BY status
     UNION ALL SELECT 'task', state, count(*)::int FROM tasks GROUP BY state`,
  );
  const out: StoreCounts = { hubs: 0, clusters: 0, cities: 0, sites: 0, sitesByStatus: {}, tasks: 0, tasksByState: {} };
  for (const r of rows) {
    if (r.what === 'site' && r.key) {
      out.sitesByStatus[r.key] = r.n;
      out.sites += r.n;
    } else if (r.what === 'task' && r.key) {
      out.tasksByState[r.key] = r.n;
      out.tasks += r.n;
    } else if (r.what === 'hubs' || r.what === 'clusters' || r.what === 'cities') {
      out[r.what] = r.n;
    }
  }
  return out;
}
