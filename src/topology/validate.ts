/**
 * Validation of the topology and of single sites. Structure comes from the
 * TypeBox schemas; the rules that tie records together (references, a site's
 * hub agreeing with its province, prices present where capacity is) are here.
 * Every error is a DomainError('validation') naming the field.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { invalid } from '../domain/errors.js';
import type { Site } from '../domain/site.js';
import { SiteSchema, StoredTopologySchema } from './schema.js';
import type { City, Cluster, Hub, Pairing, Topology } from './types.js';

/** "/sites/3/prices/x" → "sites[3].prices.x" (prefixed by `root` when given). */
function fieldOf(root: string, pointer: string): string {
  let out = root;
  for (const part of pointer.split('/').filter(Boolean)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : out === '' ? key : `.${key}`;
  }
  return out === '' ? root || 'value' : out;
}

function describe(schema: TSchema, message: string): string {
  // A union of literals reads better as the list of allowed values.
  const anyOf = (schema as { anyOf?: { const?: unknown; type?: string }[] }).anyOf;
  if (anyOf?.every((s) => s.const !== undefined || s.type === 'null')) {
    return `must be one of ${anyOf.map((s) => (s.type === 'null' ? 'null' : JSON.stringify(s.const))).join(', ')}`;
  }
  return message.charAt(0).toLowerCase() + message.slice(1);
}

function checkSchema(schema: TSchema, value: unknown, root: string): void {
  const first = Value.Errors(schema, value).First();
  if (!first) return;
  const field = fieldOf(root, first.path);
  throw invalid(field, describe(first.schema, first.message));
}

/** Rules on one site that need no other record. Throws DomainError('validation'). */
function checkSiteRules(site: Site, field: string): void {
  const c = site.capacity;
  const p = site.prices;
  if (c.hpcNodes > 0 !== c.hpcCoresPerNode > 0) {
    throw invalid(`${field}.capacity.hpcCoresPerNode`, 'must be > 0 exactly when hpcNodes > 0');
  }
  if (c.cpuCores > 0 && p.priceFenPerCoreHour <= 0) {
    throw invalid(`${field}.prices.priceFenPerCoreHour`, 'must be > 0 when the site has CPU cores');
  }
  if (c.gpus.length > 0 && p.priceFenPerGpuHour <= 0) {
    throw invalid(`${field}.prices.priceFenPerGpuHour`, 'must be > 0 when the site has GPUs');
  }
  if (c.hpcNodes > 0 && p.priceFenPerHpcNodeHour <= 0) {
    throw invalid(`${field}.prices.priceFenPerHpcNodeHour`, 'must be > 0 when the site has HPC nodes');
  }
  if (c.storageTb > 0 && p.priceFenPerTbMonth <= 0) {
    throw invalid(`${field}.prices.priceFenPerTbMonth`, 'must be > 0 when the site has storage');
  }
  const models = new Set<string>();
  c.gpus.forEach((g, i) => {
    if (models.has(g.model)) throw invalid(`${field}.capacity.gpus[${i}].model`, `duplicate GPU model '${g.model}'`);
    models.add(g.model);
  });
  if (site.tier === 'cluster' && site.clusterId === null) {
    throw invalid(`${field}.clusterId`, 'a cluster-tier site must name its cluster');
  }
  if (site.tier !== 'cluster' && site.clusterId !== null) {
    throw invalid(`${field}.tier`, `a site in cluster '${site.clusterId}' must have tier 'cluster'`);
  }
  if (site.clusterId !== null && site.hubId === null) {
    throw invalid(`${field}.hubId`, 'a site in a national cluster must belong to a hub');
  }
}

/**
 * Validate one site on its own (shape, ranges, integer fen, per-site rules).
 * Returns the value typed as `Site`. References to hubs/cities are checked by
 * `buildTopology`, which sees everything.
 */
export function validateSite(value: unknown, field = 'site'): Site {
  checkSchema(SiteSchema, value, field);
  const site = value as Site;
  checkSiteRules(site, field);
  return site;
}

function uniqueIds(items: readonly { id: string }[], field: string, taken: Map<string, string>): void {
  items.forEach((item, i) => {
    const prev = taken.get(item.id);
    if (prev) throw invalid(`${field}[${i}].id`, `id '${item.id}' is already used by ${prev}`);
    taken.set(item.id, `${field}[${i}]`);
  });
}

/**
 * Validate a stored topology (the JSON shape of data/topology.json) and derive
 * the linked fields. Returns a new `Topology`; the input is not modified.
 */
export function buildTopology(stored: unknown): Topology {
  checkSchema(StoredTopologySchema, stored, '');
  const raw = structuredClone(stored) as {
    hubs: Omit<Hub, 'clusterIds' | 'pairedWith'>[];
    clusters: Omit<Cluster, 'siteIds'>[];
    pairings: Pairing[];
    cities: Omit<City, 'hubId'>[];
    sites: Site[];
  };

  uniqueIds(raw.hubs, 'hubs', new Map());
  uniqueIds(raw.clusters, 'clusters', new Map());
  // Sites and cities share one namespace: both are places of the network.
  const placeIds = new Map<string, string>();
  uniqueIds(raw.cities, 'cities', placeIds);
  uniqueIds(raw.sites, 'sites', placeIds);

  const hubById = new Map(raw.hubs.map((h) => [h.id, h]));
  const hubOfProvince = new Map<string, string>();
  raw.hubs.forEach((h, i) => {
    for (const p of h.provinces) {
      const other = hubOfProvince.get(p);
      if (other) throw invalid(`hubs[${i}].provinces`, `province '${p}' already belongs to hub '${other}'`);
      hubOfProvince.set(p, h.id);
    }
  });

  const cities: City[] = raw.cities.map((c) => ({ ...c, hubId: hubOfProvince.get(c.province) ?? null }));
  const cityById = new Map(cities.map((c) => [c.id, c]));
  const nameZhSeen = new Map<string, string>();
  cities.forEach((c, i) => {
    const prev = nameZhSeen.get(c.nameZh);
    if (prev) throw invalid(`cities[${i}].nameZh`, `Chinese name '${c.nameZh}' is already used by city '${prev}'`);
    nameZhSeen.set(c.nameZh, c.id);
    if (c.hubId) {
      const hub = hubById.get(c.hubId)!;
      if (c.side !== hub.side) throw invalid(`cities[${i}].side`, `must be '${hub.side}' like its hub '${hub.id}'`);
    }
  });

  raw.hubs.forEach((h, i) => {
    const anchor = cityById.get(h.anchorCityId);
    if (!anchor) throw invalid(`hubs[${i}].anchorCityId`, `unknown city '${h.anchorCityId}'`);
    if (anchor.hubId !== h.id) throw invalid(`hubs[${i}].anchorCityId`, `city '${anchor.id}' is not in hub '${h.id}'`);
  });

  const pairKeys = new Set<string>();
  raw.pairings.forEach((p, i) => {
    const east = hubById.get(p.eastHubId);
    const west = hubById.get(p.westHubId);
    if (!east) throw invalid(`pairings[${i}].eastHubId`, `unknown hub '${p.eastHubId}'`);
    if (!west) throw invalid(`pairings[${i}].westHubId`, `unknown hub '${p.westHubId}'`);
    if (east.side !== 'east') throw invalid(`pairings[${i}].eastHubId`, `hub '${east.id}' is not an eastern hub`);
    if (west.side !== 'west') throw invalid(`pairings[${i}].westHubId`, `hub '${west.id}' is not a western hub`);
    const key = `${east.id}|${west.id}`;
    if (pairKeys.has(key)) throw invalid(`pairings[${i}]`, `duplicate pairing ${east.id}–${west.id}`);
    pairKeys.add(key);
  });

  raw.clusters.forEach((c, i) => {
    const hub = hubById.get(c.hubId);
    if (!hub) throw invalid(`clusters[${i}].hubId`, `unknown hub '${c.hubId}'`);
    if (!cityById.has(c.cityId)) throw invalid(`clusters[${i}].cityId`, `unknown city '${c.cityId}'`);
    c.provinces.forEach((p, j) => {
      if (!hub.provinces.includes(p)) {
        throw invalid(`clusters[${i}].provinces[${j}]`, `province '${p}' is not in hub '${hub.id}'`);
      }
    });
  });
  const clusterById = new Map(raw.clusters.map((c) => [c.id, c]));

  raw.sites.forEach((s, i) => {
    const field = `sites[${i}]`;
    checkSiteRules(s, field);
    const city = cityById.get(s.city);
    if (!city) throw invalid(`${field}.city`, `unknown city '${s.city}' (site '${s.id}')`);
    if (s.province !== city.province) {
      throw invalid(
        `${field}.province`,
        `'${s.province}' differs from the province of city '${city.id}' ('${city.province}')`,
      );
    }
    if (s.hubId !== city.hubId) {
      throw invalid(
        `${field}.hubId`,
        `must be ${city.hubId === null ? 'null' : `'${city.hubId}'`} (the hub of city '${city.id}')`,
      );
    }
    if (s.side !== city.side) throw invalid(`${field}.side`, `must be '${city.side}' like city '${city.id}'`);
    if (s.gridRegion !== city.gridRegion) {
      throw invalid(`${field}.gridRegion`, `must be '${city.gridRegion}' like city '${city.id}'`);
    }
    if (s.clusterId !== null) {
      const cluster = clusterById.get(s.clusterId);
      if (!cluster) throw invalid(`${field}.clusterId`, `unknown cluster '${s.clusterId}'`);
      if (cluster.hubId !== s.hubId) {
        throw invalid(
          `${field}.clusterId`,
          `cluster '${cluster.id}' is in hub '${cluster.hubId}', the site in '${s.hubId}'`,
        );
      }
    }
  });

  const clusters: Cluster[] = raw.clusters.map((c, i) => {
    const siteIds = raw.sites.filter((s) => s.clusterId === c.id).map((s) => s.id);
    if (!siteIds.includes(c.primarySiteId)) {
      throw invalid(`clusters[${i}].primarySiteId`, `'${c.primarySiteId}' is not a site of cluster '${c.id}'`);
    }
    return { ...c, siteIds };
  });
  const hubs: Hub[] = raw.hubs.map((h) => ({
    ...h,
    clusterIds: raw.clusters.filter((c) => c.hubId === h.id).map((c) => c.id),
    pairedWith: raw.pairings
      .filter((p) => p.eastHubId === h.id || p.westHubId === h.id)
      .map((p) => (p.eastHubId === h.id ? p.westHubId : p.eastHubId)),
  }));

  return { hubs, clusters, cities, sites: raw.sites, pairings: raw.pairings };
}
