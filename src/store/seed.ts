/**
 * Loads the national topology (src/topology) into a store. Idempotent:
 * hubs, clusters, cities and pairings are reference data and follow the
 * shipped version on every run; the shipped sites are added once, so later
 * changes through the API (a site drained, deleted, re-priced) survive restarts.
 */
import { loadNationalTopology } from '../topology/load.js';
import type { Topology } from '../topology/types.js';
import { toJson } from './repos/json.js';
import { siteOf } from './repos/sites.js';
import type { Store } from './sql.js';

export interface SeedResult {
  hubs: number;
  clusters: number;
  cities: number;
  pairings: number;
  /** Sites added by this run (0 once the shipped sites were seeded). */
  sitesAdded: number;
}

const SITES_SEEDED_KEY = 'national-topology.sites-seeded';

export async function seedNationalTopology(
  store: Store,
  opts: { topology?: Topology; atS?: number; reseedSites?: boolean } = {},
): Promise<SeedResult> {
  const topo = opts.topology ?? loadNationalTopology();
  const atS = opts.atS ?? Date.now() / 1000;
  return store.tx(async (sql) => {
    const hubs = topo.hubs.map(({ clusterIds: _c, pairedWith: _p, ...h }) => h);
    await sql.query(
      `INSERT INTO hubs (id, name, name_zh, side, grid_region, lat, lon, doc)
       SELECT x->>'id', x->>'name', x->>'nameZh', x->>'side', x->>'gridRegion',
              (x->>'lat')::float8, (x->>'lon')::float8, x
       FROM jsonb_array_elements($1::text::jsonb) AS x
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh, side = excluded.side,
         grid_region = excluded.grid_region, lat = excluded.lat, lon = excluded.lon, doc = excluded.doc,
         updated_at = now()`,
      [toJson(hubs)],
    );
    const clusters = topo.clusters.map(({ siteIds: _s, ...c }) => c);
    await sql.query(
      `INSERT INTO clusters (id, hub_id, name, name_zh, lat, lon, doc)
       SELECT x->>'id', x->>'hubId', x->>'name', x->>'nameZh', (x->>'lat')::float8, (x->>'lon')::float8, x
       FROM jsonb_array_elements($1::text::jsonb) AS x
       ON CONFLICT (id) DO UPDATE SET hub_id = excluded.hub_id, name = excluded.name, name_zh = excluded.name_zh,
         lat = excluded.lat, lon = excluded.lon, doc = excluded.doc, updated_at = now()`,
      [toJson(clusters)],
    );
    await sql.query(
      `INSERT INTO cities (id, name, province, hub_id, lat, lon, doc)
       SELECT x->>'id', x->>'name', x->>'province', x->>'hubId', (x->>'lat')::float8, (x->>'lon')::float8, x
       FROM jsonb_array_elements($1::text::jsonb) AS x
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, province = excluded.province, hub_id = excluded.hub_id,
         lat = excluded.lat, lon = excluded.lon, doc = excluded.doc, updated_at = now()`,
      [toJson(topo.cities)],
    );
    await sql.query('DELETE FROM hub_pairings');
    await sql.query(
      `INSERT INTO hub_pairings (east_hub_id, west_hub_id, basis, note, position)
       SELECT x->>'eastHubId', x->>'westHubId', x->>'basis', x->>'note', i
       FROM jsonb_array_elements($1::text::jsonb) WITH ORDINALITY AS e(x, i)`,
      [toJson(topo.pairings)],
    );

    let sitesAdded = 0;
    const seeded = await sql.query('SELECT 1 FROM store_meta WHERE key = $1', [SITES_SEEDED_KEY]);
    if (seeded.length === 0 || opts.reseedSites) {
      const rows = await sql.query<{ id: string }>(
        `INSERT INTO sites (id, name, tier, hub_id, cluster_id, city, province, side, status, compliant, spec,
           created_at, updated_at)
         SELECT x->>'id', x->>'name', x->>'tier', x->>'hubId', x->>'clusterId', x->>'city', x->>'province',
                x->>'side', x->>'status', (x->>'compliant')::boolean, x, to_timestamp($2), to_timestamp($2)
         FROM jsonb_array_elements($1::text::jsonb) AS x
         ON CONFLICT (id) DO NOTHING
         RETURNING id`,
        [toJson(topo.sites.map(siteOf)), atS],
      );
      sitesAdded = rows.length;
      await sql.query(
        `INSERT INTO store_meta (key, value) VALUES ($1, $2::text::jsonb)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`,
        [SITES_SEEDED_KEY, toJson({ atS, sites: topo.sites.length })],
      );
    }
    return {
      hubs: topo.hubs.length,
      clusters: topo.clusters.length,
      cities: topo.cities.length,
      pairings: topo.pairings.length,
      sitesAdded,
    };
  });
}
